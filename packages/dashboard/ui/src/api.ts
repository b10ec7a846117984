import type {
  InfoResponse,
  RecordResponse,
  RecordsResponse,
  SaveRecordRequest,
  StoresResponse,
} from "../../src/api-types.ts";
import { CSRF_HEADER } from "../../src/api-types.ts";

/** An error answer of the API. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Query = Record<string, string | number | undefined>;

async function call<T>(method: string, path: string, query: Query = {}, body?: unknown): Promise<T> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const search = params.size > 0 ? `?${params}` : "";
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET") headers[CSRF_HEADER] = "1";
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path + search, {
    method,
    headers,
    credentials: "same-origin",
    cache: "no-store",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const payload: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (payload as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? "HTTP_ERROR",
      error?.message ?? `HTTP ${response.status}`,
    );
  }
  return payload as T;
}

/** The dashboard's JSON API. */
export const api = {
  info: () => call<InfoResponse>("GET", "/api/info"),
  stores: () => call<StoresResponse>("GET", "/api/stores"),
  createStore: (name: string) => call<unknown>("POST", "/api/stores", {}, { name }),
  renameStore: (from: string, to: string) => call<unknown>("POST", "/api/stores/rename", {}, { from, to }),
  clearStore: (store: string, confirm: string) =>
    call<unknown>("POST", "/api/stores/clear", {}, { store, confirm }),
  dropStore: (store: string, confirm: string) => call<unknown>("DELETE", "/api/stores", { store, confirm }),
  records: (query: { store: string; prefix?: string; q?: string; cursor?: string; limit?: number }) =>
    call<RecordsResponse>("GET", "/api/records", query),
  record: (store: string, key: string) => call<RecordResponse>("GET", "/api/record", { store, key }),
  saveRecord: (request: SaveRecordRequest) => call<RecordResponse>("PUT", "/api/record", {}, request),
  deleteRecord: (store: string, key: string) => call<unknown>("DELETE", "/api/record", { store, key }),
  setTtl: (store: string, key: string, ttl: number | null) =>
    call<RecordResponse>("PUT", "/api/ttl", {}, { store, key, ttl }),
};
