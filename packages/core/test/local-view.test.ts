import { close, flush, isStoreError, memoryBackend, openStore, refresh } from "@dictstore/core";
import { asAsyncBackend } from "@dictstore/testing";
import { describe, expect, it } from "vitest";

function remote() {
  const calls: string[] = [];
  const backend = asAsyncBackend(memoryBackend(undefined), { onCall: (m) => calls.push(m) });
  return { backend, calls };
}

describe("local view over an asynchronous backend", () => {
  it("loads once, reads and writes synchronously, commits writes of one tick together", async () => {
    const { backend, calls } = remote();
    await backend.set("default", "a", "1");
    const store = await openStore<Record<string, number>>({ backend });
    expect(calls).toEqual(["set", "load"]);
    expect(store.a).toBe(1);
    store.b = 2;
    store.c = 3;
    delete store.a;
    expect(store.b).toBe(2); // read-your-writes
    expect("a" in store).toBe(false);
    await flush(store);
    expect(calls.filter((c) => c === "commit")).toHaveLength(1);
    expect(await backend.get("default", "a")).toBeUndefined();
    expect((await backend.get("default", "c"))?.value).toBe("3");
  });

  it("sees another view's commits after refresh, in one round trip when nothing changed", async () => {
    const { backend, calls } = remote();
    const a = await openStore<Record<string, number>>({ backend });
    const b = await openStore<Record<string, number>>({ backend });
    a.x = 1;
    await flush(a);
    expect(b.x).toBeUndefined();
    await refresh(b);
    expect(b.x).toBe(1);
    calls.length = 0;
    await refresh(b);
    expect(calls).toEqual(["changes"]);
  });

  it("keeps writes buffered when a commit fails and rejects the next flush with a typed error", async () => {
    const inner = memoryBackend(undefined);
    let down = false;
    const backend = asAsyncBackend(inner, {
      onCall: () => {
        if (down) throw new Error("connection refused");
      },
    });
    const store = await openStore<Record<string, number>>({ backend });
    down = true;
    store.k = 1;
    const error = await flush(store).catch((e: unknown) => e);
    expect(isStoreError(error, "BACKEND_UNAVAILABLE")).toBe(true);
    expect(store.k).toBe(1);
    down = false;
    await flush(store);
    expect(inner.get("default", "k")?.value).toBe("1");
    await close(store);
  });

  it("throws NOT_LOADED outside a partial view", async () => {
    const { backend } = remote();
    await backend.set("default", "user:1", '"ann"');
    await backend.set("default", "other", '"x"');
    const store = await openStore<Record<string, string>>({ backend, load: { prefixes: ["user:"] } });
    expect(store["user:1"]).toBe("ann");
    const outside = (() => {
      try {
        return store.other;
      } catch (error) {
        return error;
      }
    })();
    expect(isStoreError(outside, "NOT_LOADED")).toBe(true);
    expect(outside).toMatchObject({
      key: "other",
      message: expect.stringMatching(/outside this view.*`load` option/),
    });
    const listing = (() => {
      try {
        return [...store.keys({ prefix: "o" })];
      } catch (error) {
        return error;
      }
    })();
    expect(listing).toMatchObject({
      code: "NOT_LOADED",
      prefix: "o",
      message: expect.stringMatching(/Add "o" to `load.prefixes`/),
    });
    expect(() => store.clear()).toThrow(/needs the whole store/);
  });

  it("reopening a store in the same process takes over the closed view: one changes call, no load", async () => {
    const { backend, calls } = remote();
    const first = await openStore<Record<string, number>>({ backend });
    first.a = 1;
    first.b = 2;
    await close(first);
    calls.length = 0;
    const again = await openStore<Record<string, number>>({ backend });
    expect(calls).toEqual(["changes"]);
    expect(again.toObject()).toEqual({ a: 1, b: 2 });
    // What others wrote while no view was open is brought in by that one call.
    await backend.set("default", "c", "3");
    await backend.delete("default", "a");
    await close(again);
    calls.length = 0;
    const third = await openStore<Record<string, number>>({ backend });
    expect(calls).toEqual(["changes"]);
    expect(third.toObject()).toEqual({ b: 2, c: 3 });
    // Two views open at once: the second loads its own data.
    const fourth = await openStore<Record<string, number>>({ backend });
    expect(calls).toContain("load");
    third.d = 4;
    await flush(third);
    expect(fourth.d).toBeUndefined();
    await Promise.all([close(third), close(fourth)]);
    // A dropped store answers reset: the reopened view reloads instead of serving old keys.
    await backend.dropStore("default");
    const fifth = await openStore<Record<string, number>>({ backend });
    expect(fifth.toObject()).toEqual({});
  });

  it("lists what a prefix-limited view holds: keys, values, entries, size, toObject", async () => {
    const { backend } = remote();
    await backend.setMany("default", [
      { key: "user:1", value: '"ann"' },
      { key: "user:2", value: '"bob"' },
      { key: "team:1", value: '"red"' },
      { key: "other", value: '"x"' },
    ]);
    const store = await openStore<Record<string, string>>({
      backend,
      load: { keys: ["other"], prefixes: ["user:", "team:"] },
    });
    store["user:3"] = "cy";
    delete store["user:1"];
    expect([...store.keys({ prefix: "user:" })].sort()).toEqual(["user:2", "user:3"]);
    expect([...store.values({ prefix: "user:" })].sort()).toEqual(["bob", "cy"]);
    expect([...store.entries({ prefix: "team:" })]).toEqual([["team:1", "red"]]);
    expect(store.toObject({ prefix: "user:2" })).toEqual({ "user:2": "bob" });
    expect([...store.keys()].sort()).toEqual(["other", "team:1", "user:2", "user:3"]);
    expect(store.size).toBe(4);
    await flush(store);
    const all = await openStore<Record<string, string>>({ backend });
    expect([...all.keys({ prefix: "user:" })].sort()).toEqual(["user:2", "user:3"]);
    expect(() => [...store.keys({ prefix: 1 as unknown as string })]).toThrow(/must be a string/);
  });

  it('with viewListings "whole", a listing without a prefix and size need the whole store', async () => {
    const { backend } = remote();
    await backend.setMany("default", [
      { key: "user:1", value: '"ann"' },
      { key: "other", value: '"x"' },
    ]);
    const store = await openStore<Record<string, string>>({
      backend,
      load: { keys: ["other"], prefixes: ["user:"] },
      viewListings: "whole",
    });
    expect([...store.keys({ prefix: "user:" })]).toEqual(["user:1"]);
    const missOf = (read: () => unknown) => {
      try {
        read();
        return undefined;
      } catch (error) {
        return error;
      }
    };
    for (const read of [
      () => [...store.keys()],
      () => store.size,
      () => store.toObject(),
      () => Object.keys(store),
    ]) {
      expect(missOf(read)).toMatchObject({
        code: "NOT_LOADED",
        key: undefined,
        store: "default",
        message: expect.stringMatching(/needs the whole store/),
      });
    }
    await close(store);
  });

  it("runs atomic operations on the backend and keeps the view current", async () => {
    const { backend } = remote();
    const a = await openStore<Record<string, number>>({ backend });
    const b = await openStore<Record<string, number>>({ backend });
    await Promise.all([a.increment("n"), b.increment("n"), a.increment("n", 5)]);
    expect(a.n).toBe(await a.increment("n", 0));
    expect(a.n).toBe(7);
  });
});
