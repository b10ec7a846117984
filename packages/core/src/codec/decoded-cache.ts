import { decodeFrozen, decodeValue } from "./codec.ts";
import { isShareable } from "./shareable.ts";

/** Marks an entry whose owner keeps a decode cache that is still empty. */
export const UNDECODED: unique symbol = Symbol("undecoded");
/** Marks a cached entry whose value must be decoded on every read (an object to copy, an unshareable frozen value). */
const NOT_PRIMITIVE: unique symbol = Symbol("not primitive");

/**
 * An entry that a long-lived owner (a memory backend slot) hands out again and again: it carries a
 * `decoded` field, born `UNDECODED`, where the first read leaves the value if it is a primitive.
 * Entries are replaced, never changed, on write, so the cache can never go stale.
 */
export interface DecodeCache {
  /** The decoded primitive of a copying read. */
  decoded?: unknown;
  /** The frozen value of a frozen read (when it may be shared). */
  frozen?: unknown;
}

/**
 * Decodes an entry's text for a default (copying) read: a stored primitive is decoded once per
 * entry, not once per read; an object is decoded every time, since each read must get a copy.
 */
export function decodeCached(entry: { readonly value: string } & DecodeCache): unknown {
  const cached = entry.decoded;
  if (cached === undefined || cached === NOT_PRIMITIVE) return decodeValue(entry.value);
  if (cached !== UNDECODED) return cached;
  const value = decodeValue(entry.value);
  entry.decoded = typeof value === "object" && value !== null ? NOT_PRIMITIVE : value;
  return value;
}

/**
 * Decodes an entry for a frozen read, or `undefined` when the entry keeps no cache: a value that
 * may be shared is decoded and frozen once per entry; one that may not is decoded every time.
 */
export function frozenCached(entry: { readonly value: string } & DecodeCache): unknown {
  const cached = entry.frozen;
  if (cached === undefined) return undefined;
  if (cached === NOT_PRIMITIVE) return decodeFrozen(entry.value);
  if (cached !== UNDECODED) return cached;
  const value = decodeFrozen(entry.value);
  entry.frozen = isShareable(entry.value, value) ? value : NOT_PRIMITIVE;
  return value;
}
