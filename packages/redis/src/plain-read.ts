import type { BackendEntry } from "@dictstore/core";
import type { BatchCommand } from "./atomic-batch.ts";
import { StaleStoreError } from "./errors.ts";
import type { StoreKeys } from "./layout.ts";
import { expiry, list, MISSING, num } from "./replies.ts";

/*
 * The plain read of keys with their versions and expiries: one MULTI/EXEC of plain commands, no
 * script (a script call costs Redis several times the work of the commands it runs). The store-name
 * guard is checked here, on the meta fields read in the same transaction: a dropped store or a
 * cached id that now names another store throws StaleStoreError, which makes the directory
 * resolve the name again, exactly as the script's DSSTALE error does.
 *
 * Expiry is filtered by the server's clock: a store with timed keys (meta `e`) needs the keys'
 * expiries and TIME in the transaction. Most stores have none, so the caller says whether to ask
 * for them (what it saw last time); a store that turns out to have timed keys is read again with
 * them (`TIMED_AGAIN`), so every answer comes from one transaction that read all it needed.
 */

/** Returned when the store has timed keys and the transaction did not read their expiries. */
export const TIMED_AGAIN: unique symbol = Symbol("read again with expiries");

/** What to read. */
export interface ReadArgs {
  readonly store: string;
  readonly keys: readonly string[];
  /** false: existence only (values come back empty). */
  readonly withValues: boolean;
}

/** The keys read. */
export interface ReadResult {
  /** Server time in ms, 0 when no key of the store expires. */
  readonly now: number;
  /** One entry per asked key, undefined for a missing one. */
  readonly entries: (BackendEntry | undefined)[];
}

/** The commands of one plain read; `timed`: with the keys' expiries and the server time. */
export function plainReadCommands(keys: StoreKeys, args: ReadArgs, timed: boolean): BatchCommand[] {
  const commands: BatchCommand[] = [
    ["hmget", [keys.meta, "n", "x", "e"]],
    ["zmscore", [keys.versions, ...args.keys]],
  ];
  if (args.withValues) commands.push(["hmget", [keys.values, ...args.keys]]);
  if (timed) commands.push(["zmscore", [keys.expiries, ...args.keys]], ["time", []]);
  return commands;
}

/** The read's result from the replies of `plainReadCommands`, or TIMED_AGAIN. */
export function decodePlainRead(
  store: string,
  args: ReadArgs,
  timed: boolean,
  replies: readonly unknown[],
): ReadResult | typeof MISSING | typeof TIMED_AGAIN {
  const [name, dropped, earliest] = list(replies[0]);
  if (dropped !== null && dropped !== undefined) throw new StaleStoreError("DSSTALE dropped");
  if (name === null || name === undefined) return MISSING;
  if (String(name) !== store) throw new StaleStoreError("DSSTALE renamed");
  const hasTimedKeys = earliest !== null && earliest !== undefined;
  if (hasTimedKeys && !timed) return TIMED_AGAIN;
  const versions = list(replies[1]);
  let next = 2;
  const values = args.withValues ? list(replies[next++]) : undefined;
  const expiries = hasTimedKeys ? list(replies[next++]) : undefined;
  const now = hasTimedKeys ? serverMs(list(replies[next])) : 0;
  const entries: (BackendEntry | undefined)[] = [];
  for (let i = 0; i < args.keys.length; i++) {
    const version = versions[i];
    const expiresAt = expiries === undefined ? null : expiry(expiries[i]);
    const value = values === undefined ? "" : values[i];
    // A version without a value: the values were deleted behind our back; the key is gone.
    const live =
      version !== null &&
      version !== undefined &&
      value !== null &&
      value !== undefined &&
      (expiresAt === null || expiresAt > now);
    entries.push(live ? { value: String(value), version: num(version), expiresAt } : undefined);
  }
  return { now, entries };
}

// --- internal ---

/** TIME's `[seconds, microseconds]` as epoch milliseconds, as the scripts compute it. */
function serverMs(time: readonly unknown[]): number {
  return num(time[0]) * 1000 + Math.floor(num(time[1]) / 1000);
}
