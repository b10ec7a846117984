import type { ListedEntry, StoreSnapshot } from "@dictstore/core";
import type { Connection } from "./connection.ts";
import { StaleStoreError } from "./errors.ts";
import type { StoreKeys } from "./layout.ts";
import { type Epoched, MISSING } from "./replies.ts";

/*
 * The full load, a view's open: one MULTI of plain commands (meta, HGETALL of the values, the
 * expiries, the server time), no script. Lua would copy every value into a Lua table and back, and
 * the per-key versions would double the reply; instead every entry carries the snapshot's version.
 * That is sound because a commit check asks "unchanged since the version I saw" (commit.lua): a
 * key whose last write is at or below the snapshot version is the one the snapshot holds.
 */

/** Loads a whole store in one atomic round trip; MISSING when it was never initialised. */
export async function fullLoad(
  connection: Connection,
  keys: StoreKeys,
  store: string,
  deadline: number,
): Promise<Epoched<StoreSnapshot> | typeof MISSING> {
  const replies = await connection.call(false, deadline, (client) =>
    client
      .multi()
      .hmget(keys.meta, "n", "x", "v", "o")
      .call("HGETALL", [keys.values])
      .zrange(keys.expiries, "0", "-1", "WITHSCORES")
      .time()
      .exec(),
  );
  const results = (replies ?? []).map(([error, result]) => {
    if (error) throw error;
    return result;
  });
  const [name, dropped, versionText, epoch] = results[0] as (string | null)[];
  if (dropped !== null && dropped !== undefined) throw new StaleStoreError("DSSTALE dropped");
  if (name === null || name === undefined) return MISSING;
  if (name !== store) throw new StaleStoreError("DSSTALE renamed");
  const version = Number(versionText);
  const flat = results[1] as string[];
  const timed = results[2] as string[];
  const entries: ListedEntry[] = new Array(flat.length >> 1);
  if (timed.length === 0) {
    for (let i = 0, n = 0; i + 1 < flat.length; i += 2, n++) {
      entries[n] = { key: flat[i] as string, value: flat[i + 1] as string, version, expiresAt: null };
    }
    return { epoch: epoch ?? "", result: { version, entries } };
  }
  const [seconds, micros] = results[3] as [string, string];
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const expiries = new Map<string, number>();
  for (let i = 0; i + 1 < timed.length; i += 2) expiries.set(timed[i] as string, Number(timed[i + 1]));
  let n = 0;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const key = flat[i] as string;
    const expiresAt = expiries.get(key) ?? null;
    // Expired keys not reclaimed yet are not part of the store.
    if (expiresAt !== null && expiresAt <= now) continue;
    entries[n++] = { key, value: flat[i + 1] as string, version, expiresAt };
  }
  entries.length = n;
  return { epoch: epoch ?? "", result: { version, entries } };
}
