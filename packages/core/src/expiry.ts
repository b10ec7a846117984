import type { BackendEntry } from "./backend-types.ts";

/** The absolute expiry (epoch ms) of a write made at `now` with `ttlMs`; `null`: never expires. */
export function expiryAt(ttlMs: number | null | undefined, now: number = Date.now()): number | null {
  return ttlMs === null || ttlMs === undefined ? null : now + ttlMs;
}

/** Milliseconds an entry has left at `now`: `null` when it never expires, `undefined` when there is no entry. */
export function ttlLeft(
  entry: Pick<BackendEntry, "expiresAt"> | undefined,
  now: number = Date.now(),
): number | null | undefined {
  if (entry === undefined) return undefined;
  return entry.expiresAt === null ? null : Math.max(0, entry.expiresAt - now);
}
