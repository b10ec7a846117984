import { decodeValue } from "./codec.ts";

/*
 * The markers are records owned by no store (owner -1), not symbols: every value a cache holds is
 * then a primitive or an object of one shape, so the hot check in keptValue is one `typeof` and,
 * for an object, one monomorphic field load.
 */
/** Marks an entry whose owner keeps a decode cache that is still empty. */
export const UNDECODED: FrozenRecord = { owner: -1, text: "", value: undefined };
/** Marks a cached entry whose value is an object: every copying read decodes a fresh copy. */
const NOT_PRIMITIVE: FrozenRecord = { owner: -1, text: "", value: undefined };

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
 * What a read may answer without decoding: the entry's kept primitive (the same in both snapshot
 * modes, immutable, so every read of every store may share it), or the frozen value kept for the
 * frozen store `frozenOwner` (0 for a copying store, which never shares an object). `undefined`
 * when the entry keeps neither. This check is the hot path of a dict read.
 */
export function keptValue(entry: object, frozenOwner: number): unknown {
  const known = (entry as DecodeCache).decoded;
  // A kept primitive, or undefined: the entry keeps no cache.
  if (typeof known !== "object") return known;
  // null is left to the caller's decode (it is stored as a plain null and costs nothing to decode).
  if (known === null || (known as FrozenRecord).owner !== frozenOwner) return undefined;
  return (known as FrozenRecord).value;
}

/**
 * Decodes an entry's text for a default (copying) read: a stored primitive is decoded once per
 * entry (when `keep`), not once per read; an object is decoded every time, since each read must get
 * a copy.
 */
export function decodeCached(entry: { readonly value: string } & DecodeCache, keep: boolean): unknown {
  const cached = entry.decoded;
  if (cached === UNDECODED) {
    const value = decodeValue(entry.value);
    if (keep) entry.decoded = typeof value === "object" && value !== null ? NOT_PRIMITIVE : value;
    return value;
  }
  // No cache, an object (NOT_PRIMITIVE), or a frozen store's record (never shared with a copying read).
  if (cached === undefined || (typeof cached === "object" && cached !== null))
    return decodeValue(entry.value);
  return cached;
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
