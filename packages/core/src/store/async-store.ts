import { StoreError } from "../errors.ts";
import { ttlToMs } from "../limits.ts";
import * as atomic from "./atomic.ts";
import { createDictProxy } from "./dict-proxy.ts";
import { pagedAsyncIterable } from "./paging.ts";
import { objectFromEntries, type SetOptions, StoreCore } from "./store-core.ts";
import { loadingTransactionSource, runTransaction } from "./transaction.ts";
import type { AsyncDataStore, TransactionOptions, UpdateRecipe } from "./types.ts";

/**
 * The all-async store (Pipedream's Node.js form): every call goes to the backend and is awaited,
 * with the same checks, encoding and errors as the dict. Works on every backend.
 */
export function createAsyncFacade<T>(core: StoreCore): AsyncDataStore<T> {
  const { backend, name } = core;
  const pageOptions = (cursor: string | undefined) =>
    cursor === undefined ? { limit: core.pageSize } : { limit: core.pageSize, cursor };

  const get = async (key: unknown, fallback?: unknown) => {
    const checked = core.key(key);
    const entry = await backend.get(name, checked);
    return entry === undefined ? fallback : core.decode(checked, entry);
  };
  const set = async (key: unknown, value: unknown, options?: SetOptions) => {
    const write = core.setWrite(key, value, options);
    await backend.set(name, write.key, write.value, {
      ttlMs: write.ttlMs ?? null,
      maxKeys: core.limits.maxKeys,
    });
    core.remember(write.key, write.value);
  };
  const del = async (key: unknown) => {
    const checked = core.key(key);
    core.assertWritable();
    core.forget(checked);
    return backend.delete(name, checked);
  };
  const keys = () =>
    pagedAsyncIterable(core, async (cursor) => {
      const page = await backend.listKeys(name, pageOptions(cursor));
      return { items: page.keys, cursor: page.cursor };
    });
  const entries = () =>
    pagedAsyncIterable(core, async (cursor) => {
      const page = await backend.listEntries(name, pageOptions(cursor));
      return {
        items: page.entries.map((e): [string, unknown] => [e.key, core.decode(e.key, e)]),
        cursor: page.cursor,
      };
    });

  const facade = {
    get: (key: unknown, ...fallback: [unknown?]) => get(key, fallback[0]),
    set,
    has: async (key: unknown) => backend.has(name, core.key(key)),
    delete: del,
    keys,
    entries,
    values: () => ({
      async *[Symbol.asyncIterator]() {
        for await (const [, value] of entries()) yield value;
      },
    }),
    clear: async () => {
      core.assertOpen();
      core.assertWritable();
      core.forget();
      await backend.clear(name);
    },
    setTtl: async (key: unknown, seconds: number | null) => {
      const checked = core.key(key);
      core.assertWritable();
      return backend.setTtl(name, checked, ttlToMs(seconds));
    },
    getTtl: async (key: unknown) => StoreCore.ttlSeconds(await backend.getTtl(name, core.key(key))),
    size: async () => {
      core.assertOpen();
      return backend.count(name);
    },
    toObject: async () => {
      const pairs: [string, unknown][] = [];
      for await (const pair of entries()) pairs.push(pair);
      return objectFromEntries(pairs);
    },
    pop: async (key: unknown, ...fallback: [unknown?]) => {
      const checked = core.key(key);
      core.assertWritable();
      const entry = await backend.get(name, checked);
      if (entry === undefined) {
        if (fallback.length > 0) return fallback[0];
        throw new StoreError(
          "KEY_ERROR",
          `[@dictstore/core] KeyError: "${checked}" is not in store "${name}".`,
          { key: checked },
        );
      }
      await del(checked);
      return core.decode(checked, entry);
    },
    setdefault: async (key: unknown, value: unknown) => {
      const checked = core.key(key);
      const entry = await backend.get(name, checked);
      if (entry !== undefined) return core.decode(checked, entry);
      await set(checked, value);
      return get(checked);
    },
    update: async (keyOrMapping: unknown, recipe?: UpdateRecipe<unknown>, ...initial: [unknown?]) => {
      if (typeof recipe === "function") return atomic.update(core, keyOrMapping, recipe, initial[0]);
      core.assertOpen();
      const writes = core.mappingWrites(keyOrMapping);
      if (writes.length === 0) return undefined;
      await backend.setMany(
        name,
        writes.map((w) => ({ key: w.key, value: w.value })),
        { maxKeys: core.limits.maxKeys },
      );
      for (const w of writes) core.remember(w.key, w.value);
      return undefined;
    },
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
