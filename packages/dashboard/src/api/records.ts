import { createAsyncStore, decodeValue, type ListedEntry, type ListOptions } from "@dictstore/core";
import type { EditFormat, RecordResponse, RecordRow, RecordsResponse } from "../api-types.ts";
import { readJsonBody } from "../http/body.ts";
import { HttpError, jsonResponse } from "../http/responses.ts";
import { parseEnvelope } from "../http/safe-json.ts";
import { fromEditText, toEditText } from "../values/edit-format.ts";
import { previewStored } from "../values/preview.ts";
import { toViewTree, typeName } from "../values/view-tree.ts";
import type { ApiContext } from "./context.ts";
import { badRequest, optionalQueryParam, pageLimit, queryParam, stringField, ttlField } from "./params.ts";
import { requireStore } from "./stores.ts";

/** Most records per page. */
const MAX_PAGE = 500;
/** Records one value search looks at per request before it answers with a cursor to go on. */
const SEARCH_BUDGET = 10_000;

/** GET /api/records?store=&prefix=&q=&cursor=&limit=: one page, keys filtered by prefix, values by search. */
export async function listRecords(ctx: ApiContext, url: URL): Promise<Response> {
  const store = queryParam(url, "store");
  await requireStore(ctx, store);
  const limit = pageLimit(optionalQueryParam(url, "limit"), ctx.pageSize, MAX_PAGE);
  const prefix = optionalQueryParam(url, "prefix");
  const cursor = optionalQueryParam(url, "cursor");
  const query = optionalQueryParam(url, "q");
  const found =
    query === undefined
      ? await plainPage(ctx, store, limit, prefix, cursor)
      : await searchPage(ctx, store, limit, prefix, cursor, query);
  const now = Date.now();
  const body: RecordsResponse = {
    store,
    records: found.entries.map((e) => toRow(e, now)),
    cursor: found.cursor,
    total: await ctx.backend.count(store),
    scanned: found.scanned,
  };
  return jsonResponse(200, body);
}

interface Found {
  entries: ListedEntry[];
  cursor: string | null;
  scanned: number;
}

function listOptions(limit: number, prefix: string | undefined, cursor: string | undefined): ListOptions {
  return {
    limit,
    ...(prefix === undefined ? {} : { prefix }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

async function plainPage(
  ctx: ApiContext,
  store: string,
  limit: number,
  prefix: string | undefined,
  cursor: string | undefined,
): Promise<Found> {
  const page = await ctx.backend.listEntries(store, listOptions(limit, prefix, cursor));
  return { entries: page.entries, cursor: page.cursor, scanned: page.entries.length };
}

/**
 * Walks the store page by page, keeping records whose key or stored value contains the query
 * (case-insensitive), until the page is full or the budget is spent. Each backend page asks only
 * for the room left, so an answer never holds more than `limit` records and the cursor stays exact.
 */
async function searchPage(
  ctx: ApiContext,
  store: string,
  limit: number,
  prefix: string | undefined,
  startCursor: string | undefined,
  query: string,
): Promise<Found> {
  const matches = matcher(query);
  const entries: ListedEntry[] = [];
  let cursor = startCursor;
  let scanned = 0;
  for (;;) {
    const page = await ctx.backend.listEntries(store, listOptions(limit - entries.length, prefix, cursor));
    scanned += page.entries.length;
    for (const entry of page.entries) if (matches(entry)) entries.push(entry);
    if (page.cursor === null) return { entries, cursor: null, scanned };
    cursor = page.cursor;
    if (entries.length >= limit || scanned >= SEARCH_BUDGET) return { entries, cursor, scanned };
  }
}

/** Matches the query in the key, the stored text, or the text as JSON escapes it (quotes, newlines…). */
function matcher(query: string): (entry: ListedEntry) => boolean {
  const needle = query.toLowerCase();
  const escaped = JSON.stringify(needle).slice(1, -1);
  return (entry) => {
    if (entry.key.toLowerCase().includes(needle)) return true;
    const text = entry.value.toLowerCase();
    return text.includes(needle) || (escaped !== needle && text.includes(escaped));
  };
}

function toRow(entry: ListedEntry, now: number): RecordRow {
  const base = {
    key: entry.key,
    bytes: Buffer.byteLength(entry.value),
    ttlMs: ttlLeft(entry.expiresAt, now),
  };
  try {
    return { ...base, ...previewStored(entry.value) };
  } catch {
    // A value written by some other tool must not break the whole listing.
    return { ...base, preview: "(unreadable value)", truncated: false, type: "unreadable" };
  }
}

function ttlLeft(expiresAt: number | null, now: number): number | null {
  return expiresAt === null ? null : Math.max(0, expiresAt - now);
}

/** GET /api/record?store=&key=: the whole value, as a view tree and as editable text. */
export async function getRecord(ctx: ApiContext, url: URL): Promise<Response> {
  const store = queryParam(url, "store");
  const key = queryParam(url, "key");
  await requireStore(ctx, store);
  return jsonResponse(200, await readRecord(ctx, store, key));
}

async function readRecord(ctx: ApiContext, store: string, key: string): Promise<RecordResponse> {
  const entry = await ctx.backend.get(store, key);
  if (entry === undefined) throw recordNotFound();
  const value = decodeValue(entry.value);
  return {
    store,
    key,
    view: toViewTree(value),
    type: typeName(value),
    bytes: Buffer.byteLength(entry.value),
    ttlMs: ttlLeft(entry.expiresAt, Date.now()),
    edit: toEditText(entry.value),
  };
}

/**
 * PUT /api/record `{ store, key, format, text, mode?, ttl? }`: writes through the public async API,
 * which validates the key and encodes (and size-checks) the value. `mode: "create"` refuses an
 * existing key atomically; `ttl: "keep"` (the default) keeps the key's remaining time to live.
 */
export async function saveRecord(ctx: ApiContext, request: Request): Promise<Response> {
  const body = parseEnvelope(await readJsonBody(request, ctx.bodyLimit));
  const storeNameValue = stringField(body, "store");
  const key = stringField(body, "key");
  const format = formatField(body);
  const mode = body.mode === undefined ? "replace" : body.mode;
  if (mode !== "create" && mode !== "replace") throw badRequest('"mode" must be "create" or "replace".');
  const ttl = ttlField(body, true);
  const value = fromEditText(format, stringField(body, "text"));
  await requireStore(ctx, storeNameValue);
  const store = createAsyncStore({ backend: ctx.backend, name: storeNameValue, limits: ctx.limits });
  const seconds = ttl === "keep" ? ((await store.getTtl(key)) ?? null) : ttl;
  if (mode === "create") {
    if (!(await store.setIfAbsent(key, value, { ttl: seconds }))) {
      throw new HttpError(409, "KEY_EXISTS", "A record with this key exists already.");
    }
  } else {
    await store.set(key, value, { ttl: seconds });
  }
  return jsonResponse(mode === "create" ? 201 : 200, await readRecord(ctx, storeNameValue, key));
}

function formatField(body: Record<string, unknown>): EditFormat {
  const format = body.format ?? "json";
  if (format !== "json" && format !== "superjson")
    throw badRequest('"format" must be "json" or "superjson".');
  return format;
}

/** DELETE /api/record?store=&key= */
export async function deleteRecord(ctx: ApiContext, url: URL): Promise<Response> {
  const name = queryParam(url, "store");
  const key = queryParam(url, "key");
  await requireStore(ctx, name);
  const store = createAsyncStore({ backend: ctx.backend, name, limits: ctx.limits });
  if (!(await store.delete(key))) throw recordNotFound();
  return jsonResponse(200, { key, deleted: true });
}

/** PUT /api/ttl `{ store, key, ttl }`: sets (seconds) or removes (`null`) a record's expiry. */
export async function setRecordTtl(ctx: ApiContext, request: Request): Promise<Response> {
  const body = parseEnvelope(await readJsonBody(request, ctx.bodyLimit));
  const name = stringField(body, "store");
  const key = stringField(body, "key");
  if (!Object.hasOwn(body, "ttl"))
    throw badRequest('"ttl" is required: seconds, or null to remove the expiry.');
  const ttl = ttlField(body, false) as number | null;
  await requireStore(ctx, name);
  const store = createAsyncStore({ backend: ctx.backend, name, limits: ctx.limits });
  if (!(await store.setTtl(key, ttl))) throw recordNotFound();
  return jsonResponse(200, await readRecord(ctx, name, key));
}

function recordNotFound(): HttpError {
  return new HttpError(404, "RECORD_NOT_FOUND", "There is no record with this key (it may have expired).");
}
