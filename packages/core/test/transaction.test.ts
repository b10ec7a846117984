import {
  createAsyncStore,
  createStore,
  isStoreError,
  memoryBackend,
  openStore,
  withStagedWrites,
} from "@dictstore/core";
import { asAsyncBackend } from "@dictstore/testing";
import { describe, expect, it } from "vitest";

type Counter = { counter: number; other: string };

describe("transaction", () => {
  it("commits the seed's naive counter exactly under concurrency, through local views", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined), { latencyMs: 1 });
    const views = await Promise.all(Array.from({ length: 8 }, () => openStore<Counter>({ backend })));
    await Promise.all(
      views.map(async (view) => {
        for (let i = 0; i < 15; i++) {
          await view.transaction((tx) => {
            tx.counter = (tx.counter ?? 0) + 1;
          });
        }
      }),
    );
    const check = createAsyncStore<Counter>({ backend });
    expect(await check.get("counter")).toBe(120);
  });

  it("loses updates without it (the hazard it exists for)", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined), { latencyMs: 1 });
    const views = await Promise.all(Array.from({ length: 8 }, () => openStore<Counter>({ backend })));
    for (const view of views) view.counter = (view.counter ?? 0) + 1;
    await Promise.all(views.map((view) => view.transaction(() => undefined)));
    expect(await createAsyncStore<Counter>({ backend }).get("counter")).toBeLessThan(8);
  });

  it("runs on the async API and on a direct store, returning the function's result", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined));
    const store = createAsyncStore<Counter>({ backend });
    await store.set("counter", 41);
    const result = await store.transaction((tx) => {
      tx.counter = (tx.counter ?? 0) + 1;
      return tx.counter;
    });
    expect(result).toBe(42);
    expect(await store.get("counter")).toBe(42);

    const direct = createStore<Counter>();
    expect(await direct.transaction((tx) => (tx.other = "x"))).toBe("x");
    expect(direct.other).toBe("x");
  });

  it("writes nothing when the function throws, and refuses async functions", async () => {
    const store = createStore<Counter>();
    store.counter = 1;
    await expect(
      store.transaction((tx) => {
        tx.counter = 2;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(store.counter).toBe(1);
    const error = await store.transaction((async () => undefined) as never).catch((e: unknown) => e);
    expect(isStoreError(error, "INVALID_ARGUMENT")).toBe(true);
  });
});

describe("withStagedWrites", () => {
  it("commits an async function's writes together when it resolves, and none when it throws", async () => {
    const store = createStore<Counter>();
    const result = await withStagedWrites(store, async (dict) => {
      dict.counter = 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(store.counter).toBeUndefined(); // held back until fn resolves
      dict.other = "x";
      return "done";
    });
    expect(result).toBe("done");
    expect(store.toObject()).toEqual({ counter: 1, other: "x" });
    await expect(
      withStagedWrites(store, async (dict) => {
        dict.counter = 99;
        await Promise.resolve();
        throw new Error("step failed");
      }),
    ).rejects.toThrow("step failed");
    expect(store.counter).toBe(1);
  });

  it("makes the naive counter exact with serializable isolation, even across awaits", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined), { latencyMs: 1 });
    const views = await Promise.all(Array.from({ length: 6 }, () => openStore<Counter>({ backend })));
    await Promise.all(
      views.map(async (view) => {
        for (let i = 0; i < 10; i++) {
          await withStagedWrites(
            view,
            async (dict) => {
              const count = dict.get("counter", 0);
              await new Promise((resolve) => setTimeout(resolve, 1));
              dict.counter = count + 1;
            },
            { isolation: "serializable" },
          );
        }
      }),
    );
    expect(await createAsyncStore<Counter>({ backend }).get("counter")).toBe(60);
  });
});

describe("transaction: several writes to one key", () => {
  it("applies them in program order: set then delete leaves it absent, delete then set present", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined));
    const store = await openStore<Counter>({ backend });
    store.counter = 1;
    store.other = "a";
    await store.transaction((tx) => {
      tx.counter = 2;
      delete tx.counter;
      delete tx.other;
      tx.other = "b";
    });
    const check = createAsyncStore<Counter>({ backend });
    expect(await check.has("counter")).toBe(false);
    expect(await check.get("other")).toBe("b");
  });
});
