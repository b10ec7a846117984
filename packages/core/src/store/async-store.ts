import * as atomic from "./atomic.ts";
import { DictOperations, type ListingOptions } from "./dict-operations.ts";
import { createDictProxy } from "./dict-proxy.ts";
import { pagedAsyncIterable } from "./paging.ts";
import { objectFromEntries, type SetOptions, type StoreCore } from "./store-core.ts";
import { loadingTransactionSource, runTransaction } from "./transaction.ts";
import type { AsyncDataStore, TransactionOptions, UpdateRecipe } from "./types.ts";

/**
 * The all-async store (Pipedream's Node.js form): every call goes to the backend and is awaited.
 * The operations are the dict's own (DictOperations), so checks, encoding and errors are the same;
 * `async` wrappers turn a synchronous throw into a rejection. Works on every backend.
 */
export function createAsyncFacade<T>(core: StoreCore): AsyncDataStore<T> {
  const ops = new DictOperations(core, core.backend);
  const keys = (options?: ListingOptions) =>
    pagedAsyncIterable(core, async (cursor) => ops.keyPage(options)(cursor));
  const entries = (options?: ListingOptions) => {
    const fetch = ops.entryPage(options);
    return pagedAsyncIterable(core, async (cursor) => fetch(cursor));
  };

  const facade = {
    get: async (key: unknown, ...fallback: [unknown?]) => ops.get(key, fallback[0]),
    set: async (key: unknown, value: unknown, options?: SetOptions) => ops.set(key, value, options),
    has: async (key: unknown) => ops.has(key),
    delete: async (key: unknown) => ops.delete(key),
    keys,
    entries,
    values: (options?: ListingOptions) => ({
      async *[Symbol.asyncIterator]() {
        for await (const [, value] of entries(options)) yield value;
      },
    }),
    clear: async () => ops.clear(),
    setTtl: async (key: unknown, seconds: number | null) => ops.setTtl(key, seconds),
    getTtl: async (key: unknown) => ops.getTtl(key),
    size: async () => ops.size(),
    toObject: async (options?: ListingOptions) => {
      const pairs: [string, unknown][] = [];
      for await (const pair of entries(options)) pairs.push(pair);
      return objectFromEntries(pairs);
    },
    pop: async (key: unknown, ...fallback: [unknown?]) => ops.pop(key, fallback),
    setdefault: async (key: unknown, value: unknown) => ops.setdefault(key, value),
    update: async (keyOrMapping: unknown, recipe?: UpdateRecipe<unknown>, ...initial: [unknown?]) =>
      typeof recipe === "function"
        ? atomic.update(core, keyOrMapping, recipe, initial[0])
        : ops.update(keyOrMapping),
    increment: (key: unknown, by?: number) => atomic.increment(core, key, by),
    setIfAbsent: (key: unknown, value: unknown, options?: SetOptions) =>
      atomic.setIfAbsent(core, key, value, options),
    append: (key: unknown, ...items: unknown[]) => atomic.append(core, key, items),
    transaction: (fn: (tx: never) => unknown, options?: TransactionOptions) =>
      runTransaction(core, loadingTransactionSource(core, options?.load), fn, createDictProxy),
    [Symbol.asyncIterator]: () => keys()[Symbol.asyncIterator](),
  };
  return facade as unknown as AsyncDataStore<T>;
}
