import { inspect } from "node:util";
import { RESERVED_KEYS } from "@dictstore/core";
import { describe, expect } from "vitest";
import { ALL_MODES, DICT_MODES, modeTest } from "./harness.ts";
import { countingBackend, expectKeys, expectStoreError, rawEntries, rawKeys } from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";

const DEFAULT_MAX_KEY_BYTES = 2048;
const PROTO = "__proto__";

/** Checklist F (items 56–72): keys, and the names the runtime reads off a Proxy. */
export function registerKeyTests(env: SuiteEnv): void {
  describe("F. keys", () => {
    modeTest(env, ALL_MODES, "F56", "the empty string is an ordinary key", async (run) => {
      const store = await run.open();
      await store.set("", "empty");
      expect(await store.has("")).toBe(true);
      expect(await store.read("")).toBe("empty");
      expect(await store.keys()).toEqual([""]);
      expect(await store.delete("")).toBe(true);
      expect(await store.size()).toBe(0);
    });

    modeTest(env, ALL_MODES, "F57", "':' never collides across stores (a / b:c vs a:b / c)", async (run) => {
      const a = await run.open({ name: "a" });
      const ab = await run.open({ name: "a:b" });
      await a.set("b:c", "in a");
      await ab.set("c", "in a:b");
      await a.flush();
      await ab.flush();
      expect(await a.toObject()).toEqual({ "b:c": "in a" });
      expect(await ab.toObject()).toEqual({ c: "in a:b" });
      expect(await rawKeys(run.backend, "a")).toEqual(["b:c"]);
      expect(await rawKeys(run.backend, "a:b")).toEqual(["c"]);
    });

    modeTest(env, ALL_MODES, "F58", "unicode and emoji keys round-trip and list exactly", async (run) => {
      const store = await run.open();
      const keys = ["日本", "ключ", "👩‍👩‍👧‍👦", "🏳️‍🌈", "naïve", "𝔘𝔫𝔦"];
      for (const [i, key] of keys.entries()) await store.set(key, i);
      for (const [i, key] of keys.entries()) expect(await store.read(key)).toBe(i);
      expectKeys(await store.keys(), keys, run.backend.flags.ordered);
    });

    modeTest(
      env,
      ALL_MODES,
      "F59",
      "NFC é and NFD e\\u0301 are distinct keys (no normalisation)",
      async (run) => {
        const store = await run.open();
        await store.set("\u00e9", "nfc");
        await store.set("e\u0301", "nfd");
        expect(await store.size()).toBe(2);
        expect(await store.read("\u00e9")).toBe("nfc");
        expect(await store.read("e\u0301")).toBe("nfd");
        expectKeys(await store.keys(), ["\u00e9", "e\u0301"], run.backend.flags.ordered);
        await store.flush();
        expect([...(await rawEntries(run.backend, "default")).keys()].sort()).toEqual(
          ["\u00e9", "e\u0301"].sort(),
        );
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "F60",
      "keys with lone surrogates are refused with INVALID_KEY, nothing written",
      async (run) => {
        const store = await run.open();
        await store.set("\uFFFD", "replacement char");
        for (const key of ["\uD800", "\uDBFF", "a\uDC00", "\uDC00\uD800"]) {
          await expectStoreError(store.set(key, 1), "INVALID_KEY");
          await expectStoreError(store.get(key), "INVALID_KEY");
          await expectStoreError(store.has(key), "INVALID_KEY");
          await expectStoreError(store.delete(key), "INVALID_KEY");
        }
        expect(await store.toObject()).toEqual({ "\uFFFD": "replacement char" });
        await store.flush();
        expect([...(await rawEntries(run.backend, "default")).keys()]).toEqual(["\uFFFD"]);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "F61",
      "keys with CRLF, NUL, spaces, quotes, globs, braces and injection text round-trip",
      async (run) => {
        const store = await run.open();
        const keys = [
          "a\r\nb",
          "nul\u0000byte",
          "  spaced  ",
          `'"quoted"'`,
          "*",
          "?",
          "[ab]",
          "a*b",
          "\\",
          "{tag}",
          "}{",
          "key; GET x",
          "%s%d",
          "../etc",
        ];
        await store.set("bystander", "untouched");
        for (const [i, key] of keys.entries()) await store.set(key, i);
        for (const [i, key] of keys.entries()) expect(await store.read(key)).toBe(i);
        expect(await store.read("bystander")).toBe("untouched");
        expectKeys(await store.keys(), ["bystander", ...keys], run.backend.flags.ordered);
        for (const key of keys) expect(await store.delete(key)).toBe(true);
        expect(await store.toObject()).toEqual({ bystander: "untouched" });
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "F62",
      "a key at the byte limit is accepted; one UTF-8 byte more is LIMIT_EXCEEDED",
      async (run) => {
        const store = await run.open();
        const atLimit = "é".repeat(DEFAULT_MAX_KEY_BYTES / 2); // 2 bytes each
        const emoji = "😀".repeat(DEFAULT_MAX_KEY_BYTES / 4); // 4 bytes each
        await store.set(atLimit, 1);
        await store.set(emoji, 2);
        expect(await store.read(atLimit)).toBe(1);
        await expectStoreError(store.set(`${atLimit}a`, 3), "LIMIT_EXCEEDED");
        await expectStoreError(store.set(`${emoji.slice(2)}\u00e9\u00e9a`, 3), "LIMIT_EXCEEDED");
        const small = await run.open({ name: "small", limits: { maxKeyBytes: 8 } });
        await small.set("12345678", 1);
        await expectStoreError(small.set("123456789", 1), "LIMIT_EXCEEDED");
        await expectStoreError(small.set("1234567é", 1), "LIMIT_EXCEEDED");
        expect(await small.keys()).toEqual(["12345678"]);
        expect(await store.size()).toBe(2);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "F63",
      "store[1], store['1'] and get(1) are one entry; keys() yields '1'",
      async (run) => {
        const store = await run.open();
        await store.set(1, "one");
        expect(await store.read("1")).toBe("one");
        expect(await store.get(1)).toBe("one");
        expect(await store.has(1)).toBe(true);
        await store.set("1", "uno");
        expect(await store.read(1)).toBe("uno");
        expect(await store.keys()).toEqual(["1"]);
        expect(await store.delete(1)).toBe(true);
        expect(await store.size()).toBe(0);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "F64",
      "numeric-string keys keep insertion order on ordered backends",
      async (run) => {
        const store = await run.open();
        for (const key of ["10", "2", "a", "1", "-1", "01"]) await store.set(key, key);
        expectKeys(await store.keys(), ["10", "2", "a", "1", "-1", "01"], run.backend.flags.ordered);
        if (store.dict !== undefined)
          expectKeys(Object.keys(store.dict), ["10", "2", "a", "1", "-1", "01"], run.backend.flags.ordered);
      },
    );

    modeTest(
      env,
      DICT_MODES,
      "F65",
      "symbol keys: assignment throws TypeError; symbol reads never reach the backend",
      async (run) => {
        const counting = countingBackend(run.backend);
        const store = await run.dict({ backend: counting.backend });
        const bag = store as unknown as Record<symbol, unknown>;
        const symbol = Symbol("k");
        expect(() => {
          bag[symbol] = 1;
        }).toThrow(TypeError);
        expect(() => delete bag[symbol]).toThrow(TypeError);
        counting.reset();
        expect(symbol in store).toBe(false);
        expect(bag[symbol]).toBeUndefined();
        expect(typeof bag[Symbol.iterator]).toBe("function");
        expect(typeof bag[Symbol.toPrimitive]).toBe("function");
        expect(Object.prototype.toString.call(store)).toBe("[object DataStore]");
        expect(typeof inspect(store)).toBe("string");
        void bag[Symbol.asyncIterator];
        void bag[Symbol.hasInstance];
        expect(counting.count()).toBe(0);
        expect(store.size).toBe(0);
      },
    );

    modeTest(
      env,
      DICT_MODES,
      "F66",
      "store.__proto__ = {...} is a normal entry and pollutes no prototype",
      async (run) => {
        const store = await run.dict();
        const bag = store as unknown as Record<string, unknown>;
        // Through a variable, exactly like `store.__proto__ = …` (and `store[userInput] = …`) at runtime.
        bag[PROTO] = { polluted: 1 };
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.getPrototypeOf(store)).toBeNull();
        expect([...store.keys()]).toEqual(["__proto__"]);
        expect(bag[PROTO]).toEqual({ polluted: 1 });
        expect(store.get("__proto__")).toEqual({ polluted: 1 });
        expect("__proto__" in store).toBe(true);
        const copy = store.toObject();
        expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
        expect(Object.keys(copy)).toEqual(["__proto__"]);
        expect((copy as Record<string, unknown>).polluted).toBeUndefined();
        expect(delete bag[PROTO]).toBe(true);
        expect(store.size).toBe(0);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "F67",
      "constructor, prototype, toString, hasOwnProperty, valueOf are ordinary keys",
      async (run) => {
        const store = await run.open();
        const names = [
          "constructor",
          "prototype",
          "toString",
          "hasOwnProperty",
          "valueOf",
          "__defineGetter__",
          "isPrototypeOf",
        ];
        for (const name of names) {
          expect(await store.has(name)).toBe(false);
          expect(await store.read(name)).toBeUndefined();
        }
        if (store.dict !== undefined) expect("constructor" in store.dict).toBe(false);
        for (const [i, name] of names.entries()) await store.set(name, i);
        for (const [i, name] of names.entries()) expect(await store.read(name)).toBe(i);
        expectKeys(await store.keys(), names, run.backend.flags.ordered);
        if (store.dict !== undefined) expect(`${store.dict}`).toContain("DataStore");
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "F68",
      "reserved names: methods win on property reads; data via get/set; property assignment is RESERVED_KEY",
      async (run) => {
        const store = await run.open();
        for (const name of RESERVED_KEYS) await store.set(name, `data:${name}`);
        for (const name of RESERVED_KEYS) {
          expect(await store.get(name)).toBe(`data:${name}`);
          expect(await store.has(name)).toBe(true);
        }
        expect(await store.size()).toBe(RESERVED_KEYS.size);
        if (store.dict !== undefined) {
          const bag = store.dict as unknown as Record<string, unknown>;
          expect(typeof bag.keys).toBe("function");
          expect(typeof bag.get).toBe("function");
          expect(bag.then).toBeUndefined();
          expect(bag.size).toBe(RESERVED_KEYS.size);
          for (const name of RESERVED_KEYS) {
            await expectStoreError(() => {
              bag[name] = 1;
            }, "RESERVED_KEY");
            await expectStoreError(() => delete bag[name], "RESERVED_KEY");
            expect(name in store.dict).toBe(true);
          }
          // Reserved-named data keys are own, enumerable keys (spread would read the method for them).
          expect(Reflect.ownKeys(store.dict).sort()).toEqual([...RESERVED_KEYS].sort());
          expect(Object.keys(store.dict).sort()).toEqual([...RESERVED_KEYS].sort());
        }
        for (const name of RESERVED_KEYS) expect(await store.get(name)).toBe(`data:${name}`);
        expect(await store.delete("keys")).toBe(true);
        expect(await store.has("keys")).toBe(false);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "F69",
      "`await store` and `return store` resolve to the store, even with a data key 'then'",
      async (run) => {
        const store = await run.open();
        await store.set("then", "data");
        expect(await store.handle).toBe(store.handle);
        const passThrough = async () => store.handle;
        expect(await passThrough()).toBe(store.handle);
        expect((store.handle as { then?: unknown }).then).toBeUndefined();
        expect(await store.get("then")).toBe("data");
        expect(await Promise.resolve(store.handle)).toBe(store.handle);
      },
    );

    modeTest(
      env,
      DICT_MODES,
      "F70",
      "JSON.stringify, String, template and + on the store: no hang, no backend read of method names",
      async (run) => {
        const counting = countingBackend(run.backend);
        const store = await run.dict({ backend: counting.backend });
        store.set("toJSON", "data");
        store.set("toString", "data");
        store.set("valueOf", "data");
        const bag = store as unknown as Record<string, unknown>;
        bag.a = 1;
        counting.reset();
        expect(JSON.parse(JSON.stringify(store))).toEqual({
          toJSON: "data",
          toString: "data",
          valueOf: "data",
          a: 1,
        });
        expect(typeof String(store)).toBe("string");
        expect(`${store}`).toContain("DataStore");
        expect(typeof ((store as unknown as string) + 1)).toBe("string");
        const askedFor = counting.calls.flatMap((c) =>
          ["get", "has", "getMany"].includes(c.method) ? [c.args[1]] : [],
        );
        for (const name of ["toJSON", "toString", "valueOf", "then", "constructor"])
          expect(askedFor).not.toContain(name);
      },
    );

    modeTest(
      env,
      DICT_MODES,
      "F71",
      "structuredClone(store) throws DataCloneError; toObject() is the way",
      async (run) => {
        const store = await run.dict();
        store.set("k", { a: 1 });
        let caught: unknown;
        try {
          structuredClone(store);
        } catch (error) {
          caught = error;
        }
        expect((caught as Error | undefined)?.name).toBe("DataCloneError");
        expect(structuredClone(store.toObject())).toEqual({ k: { a: 1 } });
        expect(structuredClone(store.k)).toEqual({ a: 1 });
      },
    );

    modeTest(
      env,
      DICT_MODES,
      "F72",
      "Object.keys, spread, entries and descriptors list every data key (reserved names too), no Proxy-invariant errors",
      async (run) => {
        const store = await run.dict();
        const bag = store as unknown as Record<string, unknown>;
        bag.b = 1;
        bag.a = { x: 2 };
        store.set("keys", "reserved-data");
        expectKeys(Object.keys(store), ["b", "a", "keys"], run.backend.flags.ordered);
        expectKeys(Reflect.ownKeys(store) as string[], ["b", "a", "keys"], run.backend.flags.ordered);
        // Spread reads through property access, where "keys" is the method: toObject() has the data.
        expect({ ...store }).toEqual({
          b: 1,
          a: { x: 2 },
          keys: (store as unknown as Record<string, unknown>).keys,
        });
        expect(store.toObject()).toEqual({ b: 1, a: { x: 2 }, keys: "reserved-data" });
        expect(JSON.parse(JSON.stringify(store))).toEqual({ b: 1, a: { x: 2 }, keys: "reserved-data" });
        expect(Object.getOwnPropertyDescriptor(store, "a")).toEqual({
          value: { x: 2 },
          writable: true,
          enumerable: true,
          configurable: true,
        });
        expect(Object.getOwnPropertyDescriptor(store, "missing")).toBeUndefined();
        expect(Object.hasOwn(store, "b")).toBe(true);
        expect(Object.hasOwn(store, "missing")).toBe(false);
        expect(Object.getOwnPropertyDescriptor(store, "keys")).toEqual({
          value: "reserved-data",
          writable: true,
          enumerable: true,
          configurable: true,
        });
        expect(Object.keys(Object.assign({}, store))).toEqual(expect.arrayContaining(["b", "a", "keys"]));
      },
    );
  });
}
