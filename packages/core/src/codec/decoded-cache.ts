import { decodeValue } from "./codec.ts";

/** Marks an entry whose owner keeps a decode cache that is still empty. */
export const UNDECODED: unique symbol = Symbol("undecoded");
/** Marks a cached entry whose value is an object: every read decodes a fresh copy. */
const NOT_PRIMITIVE: unique symbol = Symbol("not primitive");

/**
 * An entry that a long-lived owner (a memory backend slot) hands out again and again: it carries a
 * `decoded` field, born `UNDECODED`, where the first read leaves the value if it is a primitive.
 * Entries are replaced, never changed, on write, so the cache can never go stale.
 */
export interface DecodeCache {
  /** The decoded primitive of a copying read. */
  decoded?: unknown;
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
