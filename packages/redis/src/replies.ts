import type { ChangeSet, ListedEntry } from "@dictstore/core";

/*
 * Script replies are arrays of strings, integers and nils. Versions may arrive as integers or as
 * the strings Redis keeps in sorted sets; an empty string stands for "no expiry".
 */

/** A script reply as ioredis hands it over. */
export type Reply = readonly unknown[];

/** A reply element as an array (a nested table in Lua). */
export function list(value: unknown): Reply {
  return Array.isArray(value) ? value : [];
}

/** A version or time, from an integer reply or a numeric string. */
export function num(value: unknown): number {
  return typeof value === "number" ? value : Number(value);
}

/** An expiry: `null` for none. */
export function expiry(value: unknown): number | null {
  return value === "" || value === null || value === undefined || value === false ? null : Number(value);
}

/** Entries from a flat `[key, value, version, expiry, ...]` list. */
export function entries(flat: Reply): ListedEntry[] {
  const out: ListedEntry[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    out.push({
      key: String(flat[i]),
      value: String(flat[i + 1]),
      version: num(flat[i + 2]),
      expiresAt: expiry(flat[i + 3]),
    });
  }
  return out;
}

/** A change set from `{reset, version, entries, deleted}`. */
export function changeSet(reply: Reply): ChangeSet {
  return {
    reset: num(reply[0]) === 1,
    version: num(reply[1]),
    entries: entries(list(reply[2])),
    deleted: list(reply[3]).map(String),
  };
}

/** Entries from a load reply: flat `[key, value, ...]` plus versions and expiries packed as comma-separated text. */
export function packedEntries(flat: Reply, versions: unknown, expiries: unknown): ListedEntry[] {
  const stamps = String(versions).split(",");
  const deadlines =
    expiries === "" || expiries === null || expiries === undefined ? undefined : String(expiries).split(",");
  const out: ListedEntry[] = new Array(flat.length >> 1);
  for (let i = 0, n = 0; i + 1 < flat.length; i += 2, n++) {
    out[n] = {
      key: String(flat[i]),
      value: String(flat[i + 1]),
      version: Number(stamps[n]),
      expiresAt: deadlines === undefined ? null : expiry(deadlines[n]),
    };
  }
  return out;
}

/** Returned by a store script that found the store never initialised. */
export const MISSING: unique symbol = Symbol("missing");

/** What a prelude store script answers: the store's epoch beside the script's own result. */
export interface Epoched<T> {
  /** The store epoch ('' when the script did not open the store, e.g. a replayed commit). */
  readonly epoch: string;
  readonly result: T;
}

/** Decodes `{0}` (never initialised) or `{1, epoch, ...rest}`. */
export function epoched<T>(raw: unknown, rest: (reply: Reply) => T): Epoched<T> | typeof MISSING {
  const reply = list(raw);
  if (num(reply[0]) === 0) return MISSING;
  return { epoch: String(reply[1] ?? ""), result: rest(reply.slice(2)) };
}
