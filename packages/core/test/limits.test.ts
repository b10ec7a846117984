import { createStore, DEFAULT_LIMITS, memoryBackend } from "@dictstore/core";
import { describe, expect, it } from "vitest";
import { expectRejection, expectStoreError, storedText } from "./support.ts";

const EMOJI = "😀"; // 2 UTF-16 units, 4 UTF-8 bytes

describe("default limits", () => {
  it("are documented numbers", () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxKeyBytes: 2048,
      maxValueBytes: 16 * 1024 * 1024,
      maxKeys: 10_000_000,
    });
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
  });

  it("a key of exactly 2,048 UTF-8 bytes is accepted; one more byte is LIMIT_EXCEEDED", () => {
    const store = createStore();
    store[EMOJI.repeat(512)] = 1;
    expect(store.size).toBe(1);
    expectStoreError(() => store.set(`${EMOJI.repeat(511)}abcde`, 1), "LIMIT_EXCEEDED");
    expect(store.size).toBe(1);
  });
});

describe("maxKeyBytes counts UTF-8 bytes", () => {
  const limits = { maxKeyBytes: 8 };

  it("two 4-byte emoji (8 bytes, 4 UTF-16 units) fit; one more byte does not", () => {
    const store = createStore({ limits });
    store[EMOJI + EMOJI] = 1;
    expect(store.get(EMOJI + EMOJI)).toBe(1);
    const error = expectStoreError(() => {
      store[`${EMOJI + EMOJI}a`] = 1;
    }, "LIMIT_EXCEEDED");
    expect(error.message).toContain("9 bytes");
    expect(error.message).toContain("maxKeyBytes");
    expect([...store.keys()]).toEqual([EMOJI + EMOJI]);
  });

  it("8 ASCII characters fit; 3 emoji (6 UTF-16 units, 12 bytes) do not", () => {
    const store = createStore({ limits });
    store.abcdefgh = 1;
    expectStoreError(() => store.set(EMOJI.repeat(3), 1), "LIMIT_EXCEEDED");
    expectStoreError(() => store.set("é".repeat(5), 1), "LIMIT_EXCEEDED"); // 10 bytes, 5 units
    store.set("é".repeat(4), 1); // 8 bytes
    expect(store.size).toBe(2);
  });

  it("every entry point checks the key, writes included", async () => {
    const store = createStore({ limits });
    const long = "123456789";
    expectStoreError(() => store[long], "LIMIT_EXCEEDED");
    expectStoreError(() => store.get(long), "LIMIT_EXCEEDED");
    expectStoreError(() => store.has(long), "LIMIT_EXCEEDED");
    expectStoreError(() => long in store, "LIMIT_EXCEEDED");
    expectStoreError(() => store.delete(long), "LIMIT_EXCEEDED");
    expectStoreError(() => store.update({ [long]: 1 }), "LIMIT_EXCEEDED");
    expectStoreError(() => store.setdefault(long, 1), "LIMIT_EXCEEDED");
    await expectRejection(store.increment(long), "LIMIT_EXCEEDED");
    await expectRejection(store.setIfAbsent(long, 1), "LIMIT_EXCEEDED");
    expect(store.size).toBe(0);
  });
});

describe("maxValueBytes counts the UTF-8 bytes of the stored encoding", () => {
  const limits = { maxValueBytes: 10 };

  it('"😀😀" encodes to 10 bytes (quotes included) and fits; one more byte is rejected, the old value intact', () => {
    const backend = memoryBackend(undefined);
    const store = createStore({ backend, limits });
    store.v = EMOJI + EMOJI;
    expect(storedText(backend, "v")).toBe(`"${EMOJI}${EMOJI}"`);
    expect(Buffer.byteLength(storedText(backend, "v") as string)).toBe(10);
    const error = expectStoreError(() => {
      store.v = `${EMOJI + EMOJI}a`;
    }, "LIMIT_EXCEEDED");
    expect(error.message).toContain("11 bytes");
    expect(error.message).toContain("maxValueBytes");
    expect(error.message).toContain("Nothing was written");
    expect(store.v).toBe(EMOJI + EMOJI);
  });

  it("the limit applies to the encoding: a rich value's type tag counts", () => {
    const store = createStore({ limits: { maxValueBytes: 20 } });
    store.small = [1, 2, 3];
    expectStoreError(() => {
      store.date = new Date(0);
    }, "LIMIT_EXCEEDED");
    expect(store.has("date")).toBe(false);
  });

  it("every write path enforces it and writes nothing", async () => {
    const store = createStore({ limits });
    store.list = [1];
    store.n = 1;
    const big = "x".repeat(20);
    expectStoreError(() => store.set("a", big), "LIMIT_EXCEEDED");
    expectStoreError(() => store.update({ ok: 1, a: big }), "LIMIT_EXCEEDED");
    expectStoreError(() => store.setdefault("a", big), "LIMIT_EXCEEDED");
    await expectRejection(store.setIfAbsent("a", big), "LIMIT_EXCEEDED");
    await expectRejection(store.append("list", big), "LIMIT_EXCEEDED");
    await expectRejection(
      store.update("list", () => [big]),
      "LIMIT_EXCEEDED",
    );
    expect(store.toObject()).toEqual({ list: [1], n: 1 });
  });

  it("a value of exactly 1 MiB fits a 1 MiB + 2 limit (the JSON quotes)", () => {
    const store = createStore({ limits: { maxValueBytes: 1024 * 1024 + 2 } });
    store.big = "x".repeat(1024 * 1024);
    expect((store.big as string).length).toBe(1024 * 1024);
    expectStoreError(() => {
      store.big = "x".repeat(1024 * 1024 + 1);
    }, "LIMIT_EXCEEDED");
  });
});

describe("maxKeys", () => {
  const limits = { maxKeys: 3 };

  it("the N-th key is accepted; N+1 is LIMIT_EXCEEDED with nothing written", () => {
    const store = createStore({ limits });
    store.a = 1;
    store.b = 2;
    store.c = 3;
    const error = expectStoreError(() => {
      store.d = 4;
    }, "LIMIT_EXCEEDED");
    expect(error.message).toContain("maxKeys");
    expect(store.has("d")).toBe(false);
    expect(store.size).toBe(3);
  });

  it("overwriting and deleting at the limit are allowed; a freed slot can be reused", () => {
    const store = createStore({ limits });
    store.update({ a: 1, b: 2, c: 3 });
    store.a = 10;
    store.set("b", 20, { ttl: 60 });
    expect(store.toObject()).toEqual({ a: 10, b: 20, c: 3 });
    delete store.c;
    store.d = 4;
    expect([...store.keys()]).toEqual(["a", "b", "d"]);
  });

  it("update(mapping) that would pass the limit writes none of its pairs, overwrites included", () => {
    const store = createStore({ limits });
    store.update({ a: 1, b: 2 });
    expectStoreError(() => store.update({ a: 100, c: 3, d: 4 }), "LIMIT_EXCEEDED");
    expect(store.toObject()).toEqual({ a: 1, b: 2 });
    store.update({ a: 100, c: 3 });
    expect(store.toObject()).toEqual({ a: 100, b: 2, c: 3 });
  });

  it("setdefault, setIfAbsent, increment and append of a new key are refused at the limit", async () => {
    const store = createStore({ limits });
    store.update({ a: 1, b: [2], c: 3 });
    expectStoreError(() => store.setdefault("d", 1), "LIMIT_EXCEEDED");
    await expectRejection(store.setIfAbsent("d", 1), "LIMIT_EXCEEDED");
    await expectRejection(store.increment("d"), "LIMIT_EXCEEDED");
    await expectRejection(store.append("d", 1), "LIMIT_EXCEEDED");
    expect(store.size).toBe(3);
    // On existing keys they still work.
    expect(await store.increment("a")).toBe(2);
    expect(await store.append("b", 3)).toBe(2);
    expect(store.setdefault("c", 0)).toBe(3);
  });

  it("expired keys do not count", () => {
    let now = 0;
    const store = createStore({ backend: memoryBackend({ now: () => now }), limits });
    store.set("short", 1, { ttl: 1 });
    store.b = 2;
    store.c = 3;
    expectStoreError(() => {
      store.d = 4;
    }, "LIMIT_EXCEEDED");
    now = 1_000;
    store.d = 4;
    expect([...store.keys()]).toEqual(["b", "c", "d"]);
  });

  it("each store on a backend has its own count", () => {
    const backend = memoryBackend(undefined);
    const one = createStore({ backend, name: "one", limits: { maxKeys: 1 } });
    const two = createStore({ backend, name: "two", limits: { maxKeys: 1 } });
    one.a = 1;
    two.a = 1;
    expectStoreError(() => {
      one.b = 2;
    }, "LIMIT_EXCEEDED");
    expect(two.size).toBe(1);
  });
});
