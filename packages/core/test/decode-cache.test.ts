import { close, createStore, flush, memoryBackend, openStore, refresh } from "@dictstore/core";
import { asAsyncBackend } from "@dictstore/testing";
import { describe, expect, it, vi } from "vitest";

/*
 * A read decodes a stored primitive once and keeps it beside the entry (memory slots, a local
 * view's table), and a frozen read keeps its frozen value there too. These pin down that the kept
 * value never outlives the text it came from and never crosses snapshot modes.
 */

describe("decoded values kept on memory entries", () => {
  it("a cached primitive is replaced by every later write, from this store or another", () => {
    const backend = memoryBackend(undefined);
    const reader = createStore({ backend });
    const writer = createStore({ backend });
    writer.n = 1;
    expect(reader.n).toBe(1);
    expect(reader.n).toBe(1);
    writer.n = 2;
    expect(reader.n).toBe(2);
    writer.n = "two";
    expect(reader.n).toBe("two");
    writer.delete("n");
    expect(reader.n).toBeUndefined();
  });

  it("a copying read never gets the frozen object a frozen store left on the same entry", () => {
    const backend = memoryBackend(undefined);
    const frozen = createStore({ backend, snapshots: "frozen" });
    const copying = createStore({ backend });
    copying.doc = { list: [1] };
    const shared = frozen.doc as { list: number[] };
    expect(Object.isFrozen(shared)).toBe(true);
    const copy = copying.doc as { list: number[] };
    expect(Object.isFrozen(copy)).toBe(false);
    copy.list.push(2);
    expect(copying.doc).toEqual({ list: [1] });
    expect(frozen.doc).toBe(shared);
  });

  it("two frozen stores on one backend each return one object per key, on every read path", () => {
    const backend = memoryBackend(undefined);
    const a = createStore({ backend, snapshots: "frozen" });
    const b = createStore({ backend, snapshots: "frozen" });
    a.doc = { v: 1 };
    const fromA = a.doc;
    const fromB = b.doc;
    expect(fromB).toEqual({ v: 1 });
    for (const [store, first] of [
      [a, fromA],
      [b, fromB],
    ] as const) {
      expect(store.doc).toBe(first);
      expect(store.get("doc")).toBe(first);
      expect([...store.values()][0]).toBe(first);
      expect(store.doc).toBe(first);
    }
  });

  it("a frozen read inside a transaction and after its commit agree", async () => {
    const store = createStore({ snapshots: "frozen" });
    let inside: unknown;
    await store.transaction((tx: Record<string, unknown>) => {
      tx.doc = { v: 1 };
      inside = tx.doc;
    });
    expect(store.doc).toEqual({ v: 1 });
    expect(Object.isFrozen(store.doc)).toBe(true);
    expect(inside).toEqual({ v: 1 });
  });

  it("data keys shaped like reserved names read their data; reserved names still read methods", () => {
    const store = createStore();
    // Same first character and length as setTtl / append / size / then, different last character.
    for (const key of ["status", "absent", "sizy", "thex", "gets", "keysX"]) {
      store[key] = key.length;
      expect(store[key]).toBe(key.length);
      expect(store[key]).toBe(key.length);
    }
    store.set("keys", 1);
    store.set("size", 2);
    expect(typeof store.keys).toBe("function");
    expect(store.size).toBe(8);
    expect(store.get("keys")).toBe(1);
    expect(store.get("keys")).toBe(1);
    expect(typeof store.keys).toBe("function");
  });
});

describe("decoded values kept by a local view", () => {
  it("a cached primitive follows refreshes, local writes and deletes", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined));
    const writer = await openStore({ backend, name: "s" });
    const view = await openStore({ backend, name: "s" });
    writer.n = 1;
    await flush(writer);
    await refresh(view);
    expect(view.n).toBe(1);
    expect(view.n).toBe(1);
    writer.n = 2;
    await flush(writer);
    await refresh(view);
    expect(view.n).toBe(2);
    view.n = true;
    expect(view.n).toBe(true);
    delete view.n;
    expect(view.n).toBeUndefined();
    view.n = "back";
    expect(view.n).toBe("back");
    await close(writer);
    await close(view);
  });

  it("a key outside a partial view still throws NOT_LOADED; reserved names still read methods", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined));
    const writer = await openStore({ backend, name: "partial" });
    writer.in = 1;
    writer.out = 2;
    writer.set("keys", 3);
    await close(writer);
    const view = await openStore({ backend, name: "partial", load: { keys: ["in", "keys"] } });
    expect(view.in).toBe(1);
    expect(view.in).toBe(1);
    expect(() => view.out).toThrow(expect.objectContaining({ code: "NOT_LOADED", key: "out" }));
    expect(typeof view.keys).toBe("function");
    expect(view.get("keys")).toBe(3);
    expect(typeof view.keys).toBe("function");
    await close(view);
  });

  it("a slot reused for another key never shows the old key's cached value", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined));
    const view = await openStore({ backend, name: "reuse" });
    view.a = 1;
    expect(view.a).toBe(1);
    delete view.a;
    view.b = { fresh: true };
    expect(view.b).toEqual({ fresh: true });
    view.c = 3;
    expect(view.c).toBe(3);
    expect(view.a).toBeUndefined();
    await close(view);
  });

  it("a cached primitive expires with its key's TTL", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined));
    const view = await openStore({ backend, name: "ttl" });
    const start = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(start);
    try {
      view.set("n", 7, { ttl: 10 });
      expect(view.n).toBe(7);
      expect(view.n).toBe(7);
      clock.mockReturnValue(start + 9_000);
      expect(view.n).toBe(7);
      clock.mockReturnValue(start + 10_001);
      expect(view.n).toBeUndefined();
    } finally {
      clock.mockRestore();
    }
    await close(view);
  });

  it("a closed view's cached read throws CLOSED; the next open sees what changed meanwhile", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined));
    const view = await openStore({ backend, name: "reopen" });
    view.n = 1;
    expect(view.n).toBe(1);
    expect(view.n).toBe(1);
    await close(view);
    expect(() => view.n).toThrow(expect.objectContaining({ code: "CLOSED" }));
    const writer = await openStore({ backend, name: "reopen", load: { keys: ["n"] } });
    writer.n = 2;
    await close(writer);
    const again = await openStore({ backend, name: "reopen" });
    expect(again.n).toBe(2);
    expect(again.n).toBe(2);
    await close(again);
  });

  it("cached values survive the table growing past its first capacity", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined));
    const view = await openStore({ backend, name: "grow" });
    for (let i = 0; i < 40; i++) view[`k${i}`] = i;
    for (let i = 0; i < 40; i++) expect(view[`k${i}`]).toBe(i);
    for (let i = 40; i < 300; i++) view[`k${i}`] = i;
    for (let i = 0; i < 300; i++) expect(view[`k${i}`]).toBe(i);
    view.clear();
    expect(view.k1).toBeUndefined();
    view.k1 = "after clear";
    expect(view.k1).toBe("after clear");
    await close(view);
  });
});
