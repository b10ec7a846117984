import * as atomic from "./atomic.ts";
import type { ListingOptions } from "./dict-operations.ts";
import type { SetOptions } from "./store-core.ts";
import type { SyncStore } from "./sync-store.ts";
import { type DictFactory, directTransactionSource, runTransaction } from "./transaction.ts";
import type { UpdateRecipe } from "./types.ts";

/** Makes one reserved method of a store; the dict factory is injected so this module needs no proxy. */
export type MethodMaker = (store: SyncStore, makeDict: DictFactory) => (...args: never[]) => unknown;

/**
 * The reserved methods of a dict store, by name. RESERVED_KEYS is derived from this object, so a
 * method added here is reserved at once and the two can never disagree.
 */
export const DICT_METHODS = {
  get:
    (store) =>
    (key: unknown, ...fallback: [unknown?]) =>
      store.get(key, fallback[0]),
  set: (store) => (key: unknown, value: unknown, options?: SetOptions) => store.set(key, value, options),
  has: (store) => (key: unknown) => store.has(key),
  delete: (store) => (key: unknown) => store.delete(key),
  keys: (store) => (options?: ListingOptions) => store.keys(options),
  values: (store) => (options?: ListingOptions) => store.values(options),
  entries: (store) => (options?: ListingOptions) => store.entries(options),
  clear: (store) => () => store.clear(),
  setTtl: (store) => (key: unknown, seconds: number | null) => store.setTtl(key, seconds),
  getTtl: (store) => (key: unknown) => store.getTtl(key),
  toObject: (store) => (options?: ListingOptions) => store.toObject(options),
  toJSON: (store) => () => store.toObject(),
  // Python dict extras
  pop:
    (store) =>
    (key: unknown, ...fallback: [unknown?]) =>
      store.pop(key, ...fallback),
  setdefault: (store) => (key: unknown, value: unknown) => store.setdefault(key, value),
  // Told apart by arity: update(mapping) is the dict form, update(key, recipe, initial?) the atomic one.
  update:
    (store) =>
    (keyOrMapping: unknown, recipe?: UpdateRecipe<unknown>, ...initial: [unknown?]) =>
      typeof recipe === "function"
        ? atomic.update(store.core, keyOrMapping, recipe, initial[0])
        : store.update(keyOrMapping),
  // atomic operations
  increment: (store) => (key: unknown, by?: number) => atomic.increment(store.core, key, by),
  setIfAbsent: (store) => (key: unknown, value: unknown, options?: SetOptions) =>
    atomic.setIfAbsent(store.core, key, value, options),
  append:
    (store) =>
    (key: unknown, ...items: unknown[]) =>
      atomic.append(store.core, key, items),
  transaction: (store, makeDict) => (fn: (tx: never) => unknown) =>
    runTransaction(store.core, directTransactionSource(store), fn, makeDict),
} satisfies Record<string, MethodMaker>;

/**
 * Reserved names the proxy answers as values, not methods: `size`, and `then`, always undefined so
 * `await store` and `return store` work.
 */
export const DICT_PROPERTIES = ["size", "then"] as const;
