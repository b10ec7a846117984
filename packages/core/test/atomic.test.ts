import { backendOf, createAsyncStore, createStore, memoryBackend } from "@dictstore/core";
import { describe, expect, it } from "vitest";
import { expectRejection } from "./support.ts";

/** A store over a memory backend with a clock the test moves by hand. */
function clockedStore() {
  const clock = { now: 1_000_000 };
  const backend = memoryBackend({ now: () => clock.now });
  return { store: createStore({ backend }), backend, clock };
}

describe("increment (items 86–89)", () => {
  it("86: a missing key starts at 0", async () => {
    const store = createStore();
    expect(await store.increment("a")).toBe(1);
    expect(await store.increment("b", 5)).toBe(5);
    expect(await store.increment("c", -2)).toBe(-2);
    expect(store.toObject()).toEqual({ a: 1, b: 5, c: -2 });
  });

  it("adds to the stored number and resolves to the new value", async () => {
    const store = createStore();
    store.n = 10;
    expect(await store.increment("n")).toBe(11);
    expect(await store.increment("n", 9)).toBe(20);
    expect(await store.increment("n", -25)).toBe(-5);
    expect(store.n).toBe(-5);
  });

  it("89: float steps are supported", async () => {
    const store = createStore();
    store.n = 1;
    expect(await store.increment("n", 0.5)).toBe(1.5);
    expect(await store.increment("n", 0.25)).toBe(1.75);
  });

  it("87: a non-number value is INVALID_VALUE and stays unchanged", async () => {
    const store = createStore();
    const values: unknown[] = ["5", "text", null, true, { n: 1 }, [1], 1n, new Date(0)];
    for (const [i, value] of values.entries()) {
      const key = `k${i}`;
      store[key] = value;
      const error = await expectRejection(store.increment(key), "INVALID_VALUE");
      expect(error.message).toContain(`"${key}"`);
      expect(store[key]).toStrictEqual(value);
    }
  });

  it("88: passing Number.MAX_SAFE_INTEGER is refused and the value stays unchanged", async () => {
    const store = createStore();
    store.n = Number.MAX_SAFE_INTEGER - 1;
    expect(await store.increment("n")).toBe(Number.MAX_SAFE_INTEGER);
    await expectRejection(store.increment("n"), "LIMIT_EXCEEDED");
    expect(store.n).toBe(Number.MAX_SAFE_INTEGER);
    store.low = Number.MIN_SAFE_INTEGER;
    await expectRejection(store.increment("low", -1), "LIMIT_EXCEEDED");
    expect(store.low).toBe(Number.MIN_SAFE_INTEGER);
    await expectRejection(store.increment("fresh", 2 ** 60), "LIMIT_EXCEEDED");
    expect(store.has("fresh")).toBe(false);
  });

  it("77: keeps the key's TTL", async () => {
    const { store, clock } = clockedStore();
    store.set("n", 1, { ttl: 10 });
    clock.now += 4_000;
    expect(await store.increment("n")).toBe(2);
    expect(store.getTtl("n")).toBe(6);
    clock.now += 6_000;
    expect(store.has("n")).toBe(false);
  });

  it("an expired key counts as missing and the new key has no TTL", async () => {
    const { store, clock } = clockedStore();
    store.set("n", 41, { ttl: 1 });
    clock.now += 1_000;
    expect(await store.increment("n")).toBe(1);
    expect(store.getTtl("n")).toBeNull();
  });

  it("200 concurrent increments via Promise.all give the exact total", async () => {
    const store = createStore();
    const results = await Promise.all(Array.from({ length: 200 }, () => store.increment("n")));
    expect(store.n).toBe(200);
    expect(new Set(results).size).toBe(200);
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it("concurrent increments of different sizes from two stores on one backend sum exactly", async () => {
    const backend = memoryBackend(undefined);
    const one = createStore({ backend });
    const two = createAsyncStore({ backend });
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? one.increment("n", i) : two.increment("n", i))),
    );
    expect(one.n).toBe((99 * 100) / 2);
  });
});

describe("update(key, recipe) (item 90)", () => {
  it("applies an immer recipe that mutates the draft, and resolves to the new value", async () => {
    const store = createStore();
    store.doc = { list: [1], meta: { n: 1 } };
    const result = await store.update("doc", (draft: { list: number[]; meta: { n: number } }) => {
      draft.list.push(2);
      draft.meta.n++;
    });
    expect(result).toEqual({ list: [1, 2], meta: { n: 2 } });
    expect(store.doc).toEqual({ list: [1, 2], meta: { n: 2 } });
  });

  it("takes the recipe's return value for primitives", async () => {
    const store = createStore();
    store.n = 1;
    expect(await store.update("n", (n: number) => n * 10)).toBe(10);
    expect(store.n).toBe(10);
  });

  it("starts a missing key from `initial`", async () => {
    const store = createStore();
    const result = await store.update("doc", (draft: { seen: string[] }) => void draft.seen.push("a"), {
      seen: [],
    });
    expect(result).toEqual({ seen: ["a"] });
    expect(store.doc).toEqual({ seen: ["a"] });
  });

  it("90: a stale attempt writes nothing and is retried on the new value", async () => {
    const store = createStore();
    store.n = 0;
    let calls = 0;
    const result = await store.update("n", (n: number) => {
      calls++;
      if (calls === 1) store.n = 100; // a concurrent writer gets in between read and commit
      return n + 1;
    });
    expect(calls).toBe(2);
    expect(result).toBe(101);
    expect(store.n).toBe(101);
  });

  it("a recipe that changes nothing writes nothing", async () => {
    const store = createStore();
    store.doc = { a: 1 };
    const backend = backendOf(store);
    const version = backend.version("default");
    const result = await store.update("doc", () => undefined);
    expect(result).toEqual({ a: 1 });
    expect(backend.version("default")).toBe(version);
  });

  it("a throwing recipe rejects with its error and leaves the value unchanged", async () => {
    const store = createStore();
    store.doc = { a: 1 };
    const boom = new Error("boom");
    await expect(
      store.update("doc", (draft: { a: number }) => {
        draft.a = 2;
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(store.doc).toEqual({ a: 1 });
  });

  it("keeps the key's TTL", async () => {
    const { store, clock } = clockedStore();
    store.set("doc", { n: 1 }, { ttl: 10 });
    clock.now += 2_000;
    await store.update("doc", (draft: { n: number }) => {
      draft.n = 2;
    });
    expect(store.getTtl("doc")).toBe(8);
  });

  it("50 concurrent contenders give an exact result", async () => {
    const store = createStore();
    store.doc = { count: 0, ids: [] as number[] };
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.update("doc", (draft: { count: number; ids: number[] }) => {
          draft.count++;
          draft.ids.push(i);
        }),
      ),
    );
    const doc = store.doc as { count: number; ids: number[] };
    expect(doc.count).toBe(50);
    expect([...doc.ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("a non-function recipe is the dict update(mapping) form, which refuses a string", () => {
    const store = createStore();
    expect(() => store.update("doc" as unknown as Record<string, unknown>)).toThrow();
    expect(store.size).toBe(0);
  });
});

describe("setIfAbsent (item 93)", () => {
  it("writes only when the key is missing", async () => {
    const store = createStore();
    expect(await store.setIfAbsent("k", "first")).toBe(true);
    expect(await store.setIfAbsent("k", "second")).toBe(false);
    expect(store.k).toBe("first");
  });

  it("a present null, 0, false or undefined counts as present", async () => {
    const store = createStore();
    store.update({ a: null, b: 0, c: false });
    store.d = undefined;
    for (const key of ["a", "b", "c", "d"]) expect(await store.setIfAbsent(key, "new"), key).toBe(false);
    expect(store.toObject()).toStrictEqual({ a: null, b: 0, c: false, d: undefined });
  });

  it("takes a TTL, and an expired key counts as absent", async () => {
    const { store, clock } = clockedStore();
    expect(await store.setIfAbsent("k", 1, { ttl: 5 })).toBe(true);
    expect(store.getTtl("k")).toBe(5);
    clock.now += 5_000;
    expect(await store.setIfAbsent("k", 2)).toBe(true);
    expect(store.k).toBe(2);
    expect(store.getTtl("k")).toBeNull();
  });

  it("93: 50 concurrent calls give exactly one winner, whose value is stored", async () => {
    const store = createStore();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.setIfAbsent("lock", `worker-${i}`)),
    );
    expect(results.filter((won) => won)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(store.lock).toBe(`worker-${winner}`);
  });

  it("93: concurrent callers on separate stores of one backend also get one winner", async () => {
    const backend = memoryBackend(undefined);
    const stores = Array.from({ length: 10 }, () => createAsyncStore({ backend }));
    const results = await Promise.all(stores.map((store, i) => store.setIfAbsent("lock", i)));
    expect(results.filter((won) => won)).toHaveLength(1);
    expect(await stores[0]?.get("lock")).toBe(results.indexOf(true));
  });
});

describe("append", () => {
  it("creates a missing list, appends items, and resolves to the new length", async () => {
    const store = createStore();
    expect(await store.append("list", "a")).toBe(1);
    expect(await store.append("list", "b", "c")).toBe(3);
    expect(await store.append("list")).toBe(3);
    expect(store.list).toEqual(["a", "b", "c"]);
  });

  it("appends rich values", async () => {
    const store = createStore();
    await store.append("events", new Date(5), new Map([["k", 1n]]));
    expect(store.events).toStrictEqual([new Date(5), new Map([["k", 1n]])]);
  });

  it("a non-list value is INVALID_VALUE and stays unchanged", async () => {
    const store = createStore();
    store.text = "abc";
    store.obj = { 0: "a", length: 1 };
    await expectRejection(store.append("text", "d"), "INVALID_VALUE");
    await expectRejection(store.append("obj", "b"), "INVALID_VALUE");
    expect(store.toObject()).toEqual({ text: "abc", obj: { 0: "a", length: 1 } });
  });

  it("keeps the key's TTL", async () => {
    const { store, clock } = clockedStore();
    store.set("list", [], { ttl: 3 });
    clock.now += 1_000;
    await store.append("list", 1);
    expect(store.getTtl("list")).toBe(2);
  });

  it("50 concurrent appends keep every item", async () => {
    const store = createStore();
    const lengths = await Promise.all(Array.from({ length: 50 }, (_, i) => store.append("list", i)));
    expect([...lengths].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect([...(store.list as number[])].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
  });
});

describe("the async API has the same atomic operations", () => {
  it("increment, update, setIfAbsent and append behave as on the dict", async () => {
    const store = createAsyncStore();
    expect(await store.increment("n", 2)).toBe(2);
    await store.set("s", "x");
    await expectRejection(store.increment("s"), "INVALID_VALUE");
    expect(await store.update("n", (n: number) => n + 1)).toBe(3);
    expect(await store.setIfAbsent("n", 0)).toBe(false);
    expect(await store.append("list", 1, 2)).toBe(2);
    expect(await store.toObject()).toEqual({ n: 3, s: "x", list: [1, 2] });
  });
});
