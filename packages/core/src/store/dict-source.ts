import type { BackendEntry, SyncBackend } from "../backend.ts";

/**
 * What the synchronous dict reads and writes through: a synchronous backend itself, or a local
 * view that serves an asynchronous backend's data from memory.
 */
export type DictSource = Pick<
  SyncBackend,
  | "get"
  | "has"
  | "set"
  | "setMany"
  | "delete"
  | "listKeys"
  | "listEntries"
  | "count"
  | "clear"
  | "getTtl"
  | "setTtl"
>;

/** The absolute expiry of a write made now with `ttlMs` (`null`: never expires), by the local clock. */
export function expiryFromTtl(ttlMs: number | null | undefined): number | null {
  return ttlMs === null || ttlMs === undefined ? null : Date.now() + ttlMs;
}

/** Milliseconds an entry has left: `null` when it never expires, `undefined` when there is no entry. */
export function ttlLeft(entry: BackendEntry | undefined): number | null | undefined {
  if (entry === undefined) return undefined;
  return entry.expiresAt === null ? null : Math.max(0, entry.expiresAt - Date.now());
}
