import {
  close,
  createAsyncStore,
  createStore,
  type DataStore,
  flush,
  memoryBackend,
  openStore,
} from "@dictstore/core";
import { asAsyncBackend } from "@dictstore/testing";
import { describe, expect, it } from "vitest";

// The core vitest project runs with --expose-gc (root vitest.config.ts), so this is always set.
const gc = (globalThis as { gc?: () => void }).gc;

/** Forces collections until every reference is gone, or gives up after a few rounds. */
async function collected(refs: readonly WeakRef<object>[]): Promise<boolean> {
  for (let round = 0; round < 6; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc?.();
    if (refs.every((ref) => ref.deref() === undefined)) return true;
  }
  return false;
}

/** Exercises a dict store the way step code would, so every internal cache and index is populated. */
async function use(store: DataStore): Promise<void> {
  store.counter = 1;
  store.doc = { list: [1, 2], when: new Date(0) };
  store.set("ttl", "x", { ttl: 60 });
  void store.doc;
  void ("counter" in store);
  void [...store.keys()];
  void [...store.entries()];
  void { ...store };
  void JSON.stringify(store);
  await store.increment("counter");
  await store.update("doc", (draft: { list: number[] }) => void draft.list.push(3));
  await store.setIfAbsent("lock", 1);
  delete store.counter;
}

describe("dropped stores are garbage-collected", () => {
  it("runs with global.gc exposed", () => {
    expect(typeof gc).toBe("function");
  });

  it("a store kept in a live array is not collected (the check can fail)", async () => {
    const kept: object[] = [];
    const refs = [
      (() => {
        const store = createStore();
        kept.push(store);
        return new WeakRef(store);
      })(),
    ];
    expect(await collected(refs)).toBe(false);
    expect(kept).toHaveLength(1);
  });

  it("a used dict store and its own memory backend are collected", async () => {
    const refs = await (async () => {
      const store = createStore();
      await use(store);
      return [new WeakRef(store)];
    })();
    expect(await collected(refs)).toBe(true);
  });

  it("a frozen-snapshot store (with its decode cache) is collected", async () => {
    const refs = await (async () => {
      const store = createStore({ snapshots: "frozen" });
      await use(store);
      const value = store.doc;
      return [new WeakRef(store), new WeakRef(value as object)];
    })();
    expect(await collected(refs)).toBe(true);
  });

  it("100 stores dropped while their shared backend stays alive are all collected", async () => {
    const backend = memoryBackend(undefined);
    const refs = await (async () => {
      const out: WeakRef<object>[] = [];
      for (let i = 0; i < 100; i++) {
        const store = createStore({ backend, name: `s${i % 5}` });
        await use(store);
        out.push(new WeakRef(store));
      }
      return out;
    })();
    expect(await collected(refs)).toBe(true);
    expect(backend.listStores().length).toBe(5);
  });

  it("closed stores are collected", async () => {
    const refs = await (async () => {
      const store = createStore();
      await use(store);
      await close(store);
      const asyncStore = createAsyncStore();
      await asyncStore.set("k", 1);
      await close(asyncStore);
      return [new WeakRef(store), new WeakRef(asyncStore)];
    })();
    expect(await collected(refs)).toBe(true);
  });

  it("async stores are collected", async () => {
    const refs = await (async () => {
      const store = createAsyncStore();
      await store.set("k", { a: 1 });
      await store.get("k");
      await store.increment("n");
      for await (const key of store.keys()) void key;
      return [new WeakRef(store)];
    })();
    expect(await collected(refs)).toBe(true);
  });

  it("local views over an async backend are collected once their writes are flushed", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined));
    const refs = await (async () => {
      const out: WeakRef<object>[] = [];
      for (let i = 0; i < 10; i++) {
        const view = await openStore({ backend });
        view.counter = i;
        view.doc = { i };
        void view.doc;
        await flush(view);
        out.push(new WeakRef(view));
      }
      return out;
    })();
    expect(await collected(refs)).toBe(true);
  });
});
