import { createStore, memoryBackend } from "@dictstore/core";
import { describe, expect, it } from "vitest";
import { expectRejection, expectStoreError } from "./support.ts";

const LONE_SURROGATES = ["\uD800", "\uDBFF", "\uDC00", "a\uD800b", "\uDC00\uD800", "😀".slice(0, 1)];

describe("lone surrogate keys are INVALID_KEY (item 60)", () => {
  for (const key of LONE_SURROGATES) {
    it(`${JSON.stringify(key)} is refused on every entry point`, async () => {
      const store = createStore();
      const record = store as Record<string, unknown>;
      expectStoreError(() => {
        record[key] = 1;
      }, "INVALID_KEY");
      expectStoreError(() => record[key], "INVALID_KEY");
      expectStoreError(() => key in store, "INVALID_KEY");
      expectStoreError(() => delete record[key], "INVALID_KEY");
      expectStoreError(() => store.get(key), "INVALID_KEY");
      expectStoreError(() => store.set(key, 1), "INVALID_KEY");
      expectStoreError(() => store.has(key), "INVALID_KEY");
      expectStoreError(() => store.delete(key), "INVALID_KEY");
      expectStoreError(() => store.pop(key, null), "INVALID_KEY");
      expectStoreError(() => store.setdefault(key, 1), "INVALID_KEY");
      expectStoreError(() => store.update({ [key]: 1 }), "INVALID_KEY");
      expectStoreError(() => store.setTtl(key, 1), "INVALID_KEY");
      expectStoreError(() => store.getTtl(key), "INVALID_KEY");
      await expectRejection(store.increment(key), "INVALID_KEY");
      await expectRejection(store.setIfAbsent(key, 1), "INVALID_KEY");
      await expectRejection(store.append(key, 1), "INVALID_KEY");
      await expectRejection(
        store.update(key, () => 1),
        "INVALID_KEY",
      );
      expect(store.size).toBe(0);
    });
  }

  it("\\uD800 and \\uDBFF (which both become U+FFFD in UTF-8) never alias each other or U+FFFD", () => {
    const store = createStore();
    store["\uFFFD"] = "replacement";
    expectStoreError(() => store.set("\uD800", 1), "INVALID_KEY");
    expectStoreError(() => store.get("\uDBFF"), "INVALID_KEY");
    expect(store.toObject()).toEqual({ "\uFFFD": "replacement" });
  });

  it("a well-formed surrogate pair is a normal key", () => {
    const store = createStore();
    store["\uD83D\uDE00"] = 1;
    expect(store["😀"]).toBe(1);
    expect([...store.keys()]).toEqual(["😀"]);
  });
});

describe("keys are never normalised (item 59)", () => {
  it("NFC é and NFD e\\u0301 are distinct keys", () => {
    const store = createStore();
    const nfc = "\u00E9";
    const nfd = "e\u0301";
    expect(nfc.normalize("NFD")).toBe(nfd);
    store[nfc] = "composed";
    store[nfd] = "decomposed";
    expect(store.size).toBe(2);
    expect(store[nfc]).toBe("composed");
    expect(store[nfd]).toBe("decomposed");
    expect([...store.keys()]).toEqual([nfc, nfd]);
    delete store[nfc];
    expect(store[nfd]).toBe("decomposed");
  });

  it("case, surrounding spaces and full-width forms are distinct", () => {
    const store = createStore();
    for (const key of ["key", "Key", " key", "key ", "ｋｅｙ"]) store[key] = key;
    expect(store.size).toBe(5);
    expect(store.toObject()).toEqual({
      key: "key",
      Key: "Key",
      " key": " key",
      "key ": "key ",
      ｋｅｙ: "ｋｅｙ",
    });
  });
});

describe("numbers are coerced like object keys (item 63)", () => {
  it('store[1], store["1"] and get(1) are one entry; keys() yields "1"', () => {
    const store = createStore();
    const record = store as unknown as Record<number, unknown>;
    record[1] = "one";
    expect(store["1"]).toBe("one");
    expect(store.get(1)).toBe("one");
    expect(store.has(1)).toBe(true);
    expect(1 in store).toBe(true);
    store.set(1, "uno");
    expect(record[1]).toBe("uno");
    expect(store.size).toBe(1);
    expect([...store.keys()]).toEqual(["1"]);
    expect(store.delete(1)).toBe(true);
    expect("1" in store).toBe(false);
  });

  it("numbers become the same strings as property keys (1.5, -0, NaN, 1e21)", () => {
    const store = createStore();
    const record = store as unknown as Record<number, unknown>;
    for (const n of [1.5, -0, Number.NaN, 1e21]) {
      store.set(n, n);
      expect(store.get(String(n))).toBe(n);
      expect(record[n]).toBe(n);
    }
    expect([...store.keys()]).toEqual(["1.5", "0", "NaN", "1e+21"]);
  });

  it("other key types are INVALID_KEY", () => {
    const store = createStore();
    const loose = store as unknown as { get(key: unknown): unknown; set(key: unknown, value: unknown): void };
    for (const key of [true, null, undefined, {}, [], 1n]) {
      expectStoreError(() => loose.get(key), "INVALID_KEY");
      expectStoreError(() => loose.set(key, 1), "INVALID_KEY");
    }
    expect(store.size).toBe(0);
  });
});

describe("key order and special characters", () => {
  it('numeric-string keys keep insertion order ("10", "2", "a")', () => {
    const store = createStore();
    store["10"] = 1;
    store["2"] = 2;
    store.a = 3;
    store["1"] = 4;
    expect([...store.keys()]).toEqual(["10", "2", "a", "1"]);
    expect(Object.keys(store)).toEqual(["10", "2", "a", "1"]);
  });

  it("delete and re-insert moves a key last", () => {
    const store = createStore();
    store.update({ a: 1, b: 2, c: 3 });
    delete store.a;
    store.a = 1;
    expect([...store.keys()]).toEqual(["b", "c", "a"]);
  });

  it("the empty string is an ordinary key", () => {
    const store = createStore();
    store[""] = "empty";
    expect("" in store).toBe(true);
    expect(store.get("")).toBe("empty");
    expect([...store.keys()]).toEqual([""]);
  });

  it("keys with CRLF, NUL, quotes, globs and braces round-trip and touch no other key (item 61)", () => {
    const store = createStore();
    const keys = [
      "a\r\nb",
      "nul\u0000byte",
      "sp ace",
      `"quoted'`,
      "*",
      "a?c",
      "[x]",
      "{tag}",
      "key; GET x",
      "\\",
      "a:b",
    ];
    for (const key of keys) store[key] = key;
    store.a = "plain";
    for (const key of keys) expect(store[key]).toBe(key);
    expect([...store.keys()]).toEqual([...keys, "a"]);
    delete store["*"];
    expect(store.size).toBe(keys.length);
  });

  it("`:` never collides across stores (store a key b:c vs store a:b key c) (item 57)", () => {
    const backend = memoryBackend(undefined);
    const a = createStore({ backend, name: "a" });
    const ab = createStore({ backend, name: "a:b" });
    a["b:c"] = "from a";
    ab.c = "from a:b";
    expect(a.toObject()).toEqual({ "b:c": "from a" });
    expect(ab.toObject()).toEqual({ c: "from a:b" });
  });
});
