import type { StoreErrorCode } from "@dictstore/core";
import { describe, expect } from "vitest";
import { ALL_MODES, type ModeRun, modeTest } from "./harness.ts";
import { expectStoreError, rawEntries } from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";
import type { Subject } from "./subject.ts";

/** Writes each value under its own key and expects every one to read back strictly equal (types, -0, undefined members included). */
async function expectRoundTrips(store: Subject, values: readonly unknown[]): Promise<void> {
  for (const [i, value] of values.entries()) await store.set(`v${i}`, value);
  for (const [i, value] of values.entries()) {
    expect(await store.has(`v${i}`)).toBe(true);
    expect(await store.read(`v${i}`)).toStrictEqual(value);
  }
  // And again once the writes are flushed (a local view commits them; a direct store has nothing to do).
  await store.flush();
  for (const [i, value] of values.entries()) expect(await store.get(`v${i}`)).toStrictEqual(value);
}

/** Expects `value` to be refused with `code` both as an overwrite and as a new key, leaving the store unchanged. */
async function expectRefusedValue(
  run: ModeRun,
  store: Subject,
  value: unknown,
  code: StoreErrorCode,
): Promise<void> {
  await store.set("existing", "old");
  await store.flush();
  const before = await rawEntries(run.backend, "default");
  await expectStoreError(store.set("existing", value), code);
  await expectStoreError(store.set("fresh", value), code);
  await expectStoreError(store.update({ other: 1, fresh: value }), code);
  await expectStoreError(store.setdefault("fresh", value), code);
  expect(await store.read("existing")).toBe("old");
  expect(await store.has("fresh")).toBe(false);
  expect(await store.has("other")).toBe(false);
  await store.flush();
  expect(await rawEntries(run.backend, "default")).toEqual(before);
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

/** Checklist D (items 33–50): values and serialization. */
export function registerValueTests(env: SuiteEnv): void {
  describe("D. values and serialization", () => {
    modeTest(
      env,
      ALL_MODES,
      "D33",
      "strings with quotes, backslashes, newlines and JSON look-alikes round-trip",
      async (run) => {
        await expectRoundTrips(await run.open(), [
          "'",
          "''",
          '"',
          '\\"',
          "back\\slash",
          "line\nbreak\r\n\ttab",
          "\u0000nul",
          "",
          " ",
          '{"a":1}',
          "null",
          "123",
          "-4",
          "true",
          "~sj1:{}",
          "~",
          "\u2028\u2029",
        ]);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "D34",
      "unicode, emoji and lone surrogates in values round-trip exactly",
      async (run) => {
        await expectRoundTrips(await run.open(), [
          "héllo wörld",
          "日本語",
          "👩‍👩‍👧‍👦🏳️‍🌈",
          "e\u0301",
          "\uD800",
          "a\uDC00b",
          { "\uD83D": "\uDE00" },
        ]);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "D35",
      "integers, negatives and floats round-trip; 0 is present, not missing",
      async (run) => {
        const store = await run.open();
        await expectRoundTrips(store, [
          0,
          1,
          -1,
          1.5,
          -2.25,
          0.1 + 0.2,
          Number.MAX_SAFE_INTEGER,
          Number.MIN_SAFE_INTEGER,
          1e300,
          5e-324,
          [0, -1, 2.5],
        ]);
        await store.set("zero", 0);
        expect(await store.has("zero")).toBe(true);
        expect(await store.get("zero", "d")).toBe(0);
      },
    );

    modeTest(env, ALL_MODES, "D36", "-0 is preserved (top level and nested)", async (run) => {
      const store = await run.open();
      await store.set("negzero", -0);
      await store.set("nested", { n: -0, list: [-0] });
      expect(Object.is(await store.read("negzero"), -0)).toBe(true);
      const nested = (await store.read("nested")) as { n: number; list: number[] };
      expect(Object.is(nested.n, -0)).toBe(true);
      expect(Object.is(nested.list[0], -0)).toBe(true);
    });

    modeTest(env, ALL_MODES, "D37", "NaN and ±Infinity are preserved, never null", async (run) => {
      await expectRoundTrips(await run.open(), [
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        { a: Number.NaN, b: [Number.POSITIVE_INFINITY] },
      ]);
    });

    modeTest(env, ALL_MODES, "D38", "BigInt is preserved", async (run) => {
      await expectRoundTrips(await run.open(), [
        0n,
        12345678901234567890123n,
        -5n,
        { big: 2n ** 80n, list: [1n] },
      ]);
    });

    modeTest(env, ALL_MODES, "D39", "Date reads back as a Date with the same time", async (run) => {
      const store = await run.open();
      await expectRoundTrips(store, [
        new Date(0),
        new Date("2024-02-29T12:34:56.789Z"),
        { at: new Date(-1) },
      ]);
      expect((await store.read("v0")) instanceof Date).toBe(true);
    });

    modeTest(
      env,
      ALL_MODES,
      "D40",
      "an invalid Date is refused with INVALID_VALUE, nothing written",
      async (run) => {
        const store = await run.open();
        await expectRefusedValue(run, store, new Date(Number.NaN), "INVALID_VALUE");
        await expectRefusedValue(run, store, { when: [new Date("nope")] }, "INVALID_VALUE");
      },
    );

    modeTest(env, ALL_MODES, "D41", "Map, Set, RegExp, Error and URL keep their type", async (run) => {
      const store = await run.open();
      const map = new Map<unknown, unknown>([
        ["a", 1],
        [2, { b: [3] }],
      ]);
      const set = new Set<unknown>([1, "two", null]);
      await expectRoundTrips(store, [map, set, /a+b?/gi, { nested: new Map([["k", new Set([1])]]) }]);
      await store.set("error", new Error("boom"));
      const error = await store.read("error");
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe("boom");
      await store.set("url", new URL("https://example.com/a?b=c#d"));
      const url = await store.read("url");
      expect(url).toBeInstanceOf(URL);
      expect((url as URL).href).toBe("https://example.com/a?b=c#d");
      expect(await store.read("v2")).toBeInstanceOf(RegExp);
    });

    modeTest(
      env,
      ALL_MODES,
      "D42",
      "Uint8Array round-trips; a Node Buffer reads back as a Uint8Array",
      async (run) => {
        const store = await run.open();
        await expectRoundTrips(store, [
          new Uint8Array([0, 1, 255]),
          new Uint8Array(0),
          { bytes: new Uint8Array([7]) },
        ]);
        await store.set("buffer", Buffer.from("hi"));
        const bytes = await store.read("buffer");
        expect(bytes).toBeInstanceOf(Uint8Array);
        expect([...(bytes as Uint8Array)]).toEqual([104, 105]);
      },
    );

    modeTest(env, ALL_MODES, "D43", "{k: undefined} keeps the key k after a round-trip", async (run) => {
      const store = await run.open();
      await store.set("obj", { k: undefined, j: 1 });
      const read = (await store.read("obj")) as Record<string, unknown>;
      expect("k" in read).toBe(true);
      expect(read).toStrictEqual({ k: undefined, j: 1 });
    });

    modeTest(
      env,
      ALL_MODES,
      "D44",
      "array holes read back as null; undefined elements stay undefined",
      async (run) => {
        const store = await run.open();
        // biome-ignore lint/suspicious/noSparseArray: the hole is what this test is about.
        await store.set("holes", [1, , 3]);
        await store.set("undefs", [1, undefined]);
        expect(await store.read("holes")).toStrictEqual([1, null, 3]);
        expect(await store.read("undefs")).toStrictEqual([1, undefined]);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "D45",
      "objects with a toJSON() method are refused (a function cannot be stored)",
      async (run) => {
        const store = await run.open();
        await expectRefusedValue(run, store, { a: 1, toJSON: () => "x" }, "INVALID_VALUE");
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "D46",
      "functions, symbols (at any depth), WeakMap, WeakSet and Promise: INVALID_VALUE, nothing written",
      async (run) => {
        const store = await run.open();
        const bad: unknown[] = [
          () => 1,
          function named() {},
          Symbol("s"),
          { deep: { deeper: [() => 2] } },
          [1, Symbol.iterator],
          new Map([["k", () => 3]]),
          new Set([Symbol("x")]),
          new WeakMap(),
          new WeakSet(),
          Promise.resolve(1),
          { p: Promise.resolve(2) },
        ];
        for (const value of bad) await expectRefusedValue(run, store, value, "INVALID_VALUE");
      },
    );

    modeTest(env, ALL_MODES, "D47", "class instances are refused with INVALID_VALUE", async (run) => {
      const store = await run.open();
      await expectRefusedValue(run, store, new Point(1, 2), "INVALID_VALUE");
      await expectRefusedValue(run, store, { at: new Point(3, 4) }, "INVALID_VALUE");
    });

    modeTest(env, ALL_MODES, "D48", "cycles and shared references are preserved", async (run) => {
      const store = await run.open();
      const cyclic: Record<string, unknown> = { name: "loop" };
      cyclic.self = cyclic;
      const shared = { s: 1 };
      await store.set("cycle", cyclic);
      await store.set("shared", { a: shared, b: shared });
      const read = (await store.read("cycle")) as Record<string, unknown>;
      expect(read.name).toBe("loop");
      expect(read.self).toBe(read);
      const both = (await store.read("shared")) as { a: unknown; b: unknown };
      expect(both.a).toEqual({ s: 1 });
      expect(both.b).toEqual({ s: 1 });
    });

    modeTest(
      env,
      ALL_MODES,
      "D49",
      "depth-1,000 nesting round-trips without a stack overflow",
      async (run) => {
        const store = await run.open();
        const plain: Record<string, unknown> = {};
        let cursor = plain;
        for (let i = 0; i < 1000; i++) {
          const next: Record<string, unknown> = {};
          cursor.n = next;
          cursor = next;
        }
        cursor.leaf = new Date(1); // the rich path must cope too
        await store.set("deep", plain);
        let read = (await store.read("deep")) as Record<string, unknown>;
        for (let i = 0; i < 1000; i++) read = read.n as Record<string, unknown>;
        expect(read.leaf).toEqual(new Date(1));
        const arrays: unknown[] = [];
        let list = arrays;
        for (let i = 0; i < 1000; i++) {
          const next: unknown[] = [];
          list.push(next);
          list = next;
        }
        await store.set("deep-arrays", arrays);
        expect(await store.read("deep-arrays")).toEqual(arrays);
      },
    );

    modeTest(env, ALL_MODES, "D50", "a 1 MiB value round-trips", async (run) => {
      const store = await run.open();
      const text = "x".repeat(1024 * 1024);
      const object = { rows: Array.from({ length: 1024 }, (_, i) => ({ i, pad: "é".repeat(512) })) };
      await expectRoundTrips(store, [text, object]);
    });

    modeTest(
      env,
      ALL_MODES,
      "D-proto-keys",
      "values with __proto__, constructor, prototype keys round-trip and pollute nothing",
      async (run) => {
        const store = await run.open();
        const parsed = JSON.parse(
          '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":3}',
        );
        const rich = JSON.parse(
          '{"__proto__":{"polluted":4},"constructor":{"x":1},"when":0,"~constructor":5}',
        );
        rich.when = new Date(0);
        await store.set("plain", parsed);
        await store.set("rich", rich);
        const plain = (await store.read("plain")) as Record<string, unknown>;
        const richRead = (await store.read("rich")) as Record<string, unknown>;
        expect(Object.keys(plain)).toEqual(["__proto__", "constructor", "prototype"]);
        expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
        expect(Object.getOwnPropertyDescriptor(plain, "__proto__")?.value).toEqual({ polluted: 1 });
        expect(Object.getOwnPropertyDescriptor(richRead, "__proto__")?.value).toEqual({ polluted: 4 });
        expect(richRead.constructor).toEqual({ x: 1 });
        expect(richRead["~constructor"]).toBe(5);
        expect(richRead.when).toEqual(new Date(0));
        Object.assign({}, plain, richRead);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect((Object.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined();
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "D-json-text",
      "a plain-JSON value is stored as its plain JSON text",
      async (run) => {
        const store = await run.open();
        const values: Record<string, unknown> = {
          s: "text",
          n: 42,
          b: true,
          z: null,
          o: { a: [1, "two", { c: null }] },
        };
        await store.update(values);
        await store.flush();
        const raw = await rawEntries(run.backend, "default");
        for (const [key, value] of Object.entries(values)) {
          expect(JSON.parse(raw.get(key) as string)).toEqual(value);
        }
      },
    );
  });
}
