import type { BackendEntry } from "../backend-types.ts";

/**
 * A faster form of an in-memory source's `get`, for the dict's hot path: `reader(source, store)`
 * returns a function of the key alone that answers what `source.get(store, key)` answers, with the
 * store's lookup done once, and that never throws (where `get` would, it answers undefined and
 * leaves the error to the dict's general path). It hangs on the `get` function itself, so a wrapper
 * that replaces `get` (to count, log or fault calls) drops it with it, and one that keeps `get`
 * keeps a reader that agrees with it. Only the memory backend and local views have one: a source
 * without one is read through `get` alone. Internal to the core: not part of the Backend contract.
 */
export const ENTRY_READER: unique symbol = Symbol("dictstore.entryReader");

/**
 * Reads one store's entries by key. `coversEveryKey` says that a miss is final: the key has no live
 * entry in the store (a reader of a limited view also misses keys outside the view, which its
 * source's general path refuses with NOT_LOADED).
 */
export type EntryReader = ((key: string) => BackendEntry | undefined) & { coversEveryKey?: boolean };

/** A `get` that may carry a reader. */
export interface ReaderCarrier {
  [ENTRY_READER]?: (source: object, store: string) => EntryReader;
}

/** The reader that `source.get` carries for `store`, if it carries one. */
export function fastEntryReader(source: { get: unknown }, store: string): EntryReader | undefined {
  return (source.get as ReaderCarrier)[ENTRY_READER]?.(source, store);
}

/**
 * Reads, by key, the primitive a dict read decoded and left on the entry (see DecodeCache), when the
 * key is live: `undefined` when nothing is kept (never read, an object, a frozen record, expired,
 * absent), and the dict then takes its entry path. A source whose entries live in arrays (a local
 * view's table) offers it beside its entry reader, so a repeated read of a primitive needs no entry
 * object and one lookup (P5). Hangs on `get` like ENTRY_READER, for the same reason.
 */
export const KEPT_READER: unique symbol = Symbol("dictstore.keptReader");

/** Reads one store's kept primitives by key. */
export type KeptReader = (key: string) => unknown;

/** A `get` that may carry a kept-value reader. */
export interface KeptReaderCarrier {
  [KEPT_READER]?: (source: object, store: string) => KeptReader;
}

/** The kept-value reader that `source.get` carries for `store`, if it carries one. */
export function fastKeptReader(source: { get: unknown }, store: string): KeptReader | undefined {
  return (source.get as KeptReaderCarrier)[KEPT_READER]?.(source, store);
}
