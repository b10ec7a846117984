import type { StoresResponse } from "../api-types.ts";
import { readJsonBody } from "../http/body.ts";
import { HttpError, jsonResponse } from "../http/responses.ts";
import { parseEnvelope } from "../http/safe-json.ts";
import type { ApiContext } from "./context.ts";
import { badRequest, queryParam, storeName, stringField } from "./params.ts";

/** GET /api/stores: every store with its key count. */
export async function listStores(ctx: ApiContext): Promise<Response> {
  const stores = await ctx.backend.listStores();
  const body: StoresResponse = { stores: stores.map((s) => ({ name: s.name, size: s.size })) };
  return jsonResponse(200, body);
}

/** POST /api/stores `{ name }`: creates an empty store; 409 when it exists. */
export async function createStore(ctx: ApiContext, request: Request): Promise<Response> {
  const body = parseEnvelope(await readJsonBody(request, ctx.bodyLimit));
  const name = storeName(stringField(body, "name"));
  if (!(await ctx.backend.createStore(name))) {
    throw new HttpError(409, "STORE_EXISTS", "A store with this name exists already.");
  }
  return jsonResponse(201, { name, size: 0 });
}

/** POST /api/stores/rename `{ from, to }`. */
export async function renameStore(ctx: ApiContext, request: Request): Promise<Response> {
  const body = parseEnvelope(await readJsonBody(request, ctx.bodyLimit));
  const from = storeName(stringField(body, "from"));
  const to = storeName(stringField(body, "to"), "The new store name");
  if (from === to) throw badRequest("The new name is the same as the old one.");
  await ctx.backend.renameStore(from, to);
  return jsonResponse(200, { name: to });
}

/** POST /api/stores/clear `{ store, confirm }`: deletes every key; `confirm` must repeat the name. */
export async function clearStore(ctx: ApiContext, request: Request): Promise<Response> {
  const body = parseEnvelope(await readJsonBody(request, ctx.bodyLimit));
  const name = confirmed(stringField(body, "store"), stringField(body, "confirm"));
  await requireStore(ctx, name);
  await ctx.backend.clear(name);
  return jsonResponse(200, { name, size: 0 });
}

/** DELETE /api/stores?store=…&confirm=…: drops a store and its keys; `confirm` must repeat the name. */
export async function dropStore(ctx: ApiContext, url: URL): Promise<Response> {
  const name = confirmed(queryParam(url, "store"), queryParam(url, "confirm"));
  if (!(await ctx.backend.dropStore(name))) throw storeNotFound();
  return jsonResponse(200, { name, deleted: true });
}

/** Throws 404 unless the store exists. */
export async function requireStore(ctx: ApiContext, name: string): Promise<void> {
  if (!(await ctx.backend.hasStore(storeName(name)))) throw storeNotFound();
}

function confirmed(name: string, confirm: string): string {
  storeName(name);
  if (confirm !== name) {
    throw badRequest("To confirm, type the store's exact name (the confirmation does not match).");
  }
  return name;
}

function storeNotFound(): HttpError {
  return new HttpError(404, "STORE_NOT_FOUND", "There is no store with this name.");
}
