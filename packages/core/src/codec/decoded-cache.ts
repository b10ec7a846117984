import { decodeValue } from "./codec.ts";

/** Marks an entry whose owner keeps a decode cache that is still empty. */
export const UNDECODED: unique symbol = Symbol("undecoded");
/** Marks a cached entry whose value is an object: every copying read decodes a fresh copy. */
const NOT_PRIMITIVE: unique symbol = Symbol("not primitive");

/**
 * The frozen value one frozen-snapshot store hands to every reader of a key, valid while the key's
 * stored text is `text`. A store keeps these by key (so a listing and a dict read agree) and may
 * also leave one on a long-lived entry, where its next read finds it without a lookup. `owner` is
 * a number, not the store, so an entry of a shared backend never keeps a dropped store alive.
 */
export interface FrozenRecord {
  readonly owner: number;
  readonly text: string;
  readonly value: unknown;
}

/**
 * An entry that a long-lived owner (a memory backend slot, a local view's table) hands out again
 * and again: it carries a `decoded` field, born `UNDECODED`, where the first read leaves what it
 * learned: the value if it is a primitive, `NOT_PRIMITIVE`, or the FrozenRecord of the last frozen
 * store that read it. Entries are replaced (or their cache cleared) on write, so it never goes stale.
 */
export interface DecodeCache {
  decoded?: unknown;
}

/**
 * The decoded primitive an entry carries, or `undefined` when it carries none yet (or holds an
 * object). A primitive reads the same in both snapshot modes and cannot be mutated, so every read
 * of every store may share it: the hot path of a dict read is this check.
 */
export function cachedPrimitive(entry: object): unknown {
  const known = (entry as DecodeCache).decoded;
  // null is left to the slow path (typeof "object"): it decodes in a few instructions anyway.
  return typeof known === "object" || typeof known === "symbol" ? undefined : known;
}

/**
 * Decodes an entry's text for a default (copying) read: a stored primitive is decoded once per
 * entry, not once per read; an object is decoded every time, since each read must get a copy.
 */
export function decodeCached(entry: { readonly value: string } & DecodeCache): unknown {
  const cached = entry.decoded;
  if (cached === UNDECODED) {
    const value = decodeValue(entry.value);
    entry.decoded = typeof value === "object" && value !== null ? NOT_PRIMITIVE : value;
    return value;
  }
  // No cache, an object, or a frozen store's record (never shared with a copying read).
  if (cached === undefined || cached === NOT_PRIMITIVE || (typeof cached === "object" && cached !== null)) {
    return decodeValue(entry.value);
  }
  return cached;
}

/** The record an entry carries for the frozen store `owner`, if any. */
export function frozenRecordOf(entry: object, owner: number): FrozenRecord | undefined {
  const known = (entry as DecodeCache).decoded;
  if (typeof known !== "object" || known === null) return undefined;
  const record = known as FrozenRecord;
  return record.owner === owner ? record : undefined;
}

/**
 * Leaves what a frozen read learned on an entry that keeps a cache (born with `decoded`): the
 * primitive itself, which every store may share, or the store's record for an object.
 */
export function noteFrozen(entry: object, record: FrozenRecord): void {
  const cache = entry as DecodeCache;
  if (cache.decoded === undefined) return;
  const value = record.value;
  cache.decoded = typeof value === "object" && value !== null ? record : value;
}
