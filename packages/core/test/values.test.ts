import { createStore, memoryBackend, RICH_ENCODING_MARK } from "@dictstore/core";
import { describe, expect, it } from "vitest";
import { expectRejection, expectStoreError, storedText } from "./support.ts";

/** A store over a backend the test can read directly, to check what is stored. */
function setup() {
  const backend = memoryBackend(undefined);
  const store = createStore({ backend });
  const stored = (key: string) => storedText(backend, key);
  return { store, backend, stored };
}

/** Writes a value, reads it back, and returns the read value and the stored text. */
function roundTrip(value: unknown): { read: unknown; text: string | undefined } {
  const { store, stored } = setup();
  store.k = value;
  return { read: store.k, text: stored("k") };
}

function isRich(text: string | undefined): boolean {
  return text?.startsWith(RICH_ENCODING_MARK) === true;
}

describe("plain JSON values are stored as plain JSON text", () => {
  const plain: [string, unknown][] = [
    ["a string", "Hello World"],
    ["an empty string", ""],
    ["an integer", 42],
    ["a float", -1.25],
    ["zero", 0],
    ["true", true],
    ["false", false],
    ["null", null],
    ["an array", [1, "two", null, [3]]],
    ["an object", { name: "Charmander", type: "fire", stats: { hp: 39 }, tags: [] }],
    ["an empty object", {}],
    [
      "a null-prototype object with constructor and prototype keys",
      { __proto__: null, constructor: { c: 1 }, prototype: 1 },
    ],
  ];
  for (const [label, value] of plain) {
    it(`${label}: stored text is JSON.stringify(value) and reads back equal`, () => {
      const { read, text } = roundTrip(value);
      expect(text).toBe(JSON.stringify(value));
      expect(JSON.parse(text as string)).toEqual(value);
      expect(read).toEqual(value);
    });
  }

  it("JSON text from another tool is read as the value", () => {
    const backend = memoryBackend(undefined);
    backend.set("default", "k", '{"from":"python","n":[1,2]}');
    expect(createStore({ backend }).k).toEqual({ from: "python", n: [1, 2] });
  });
});

describe("strings and numbers (items 33–35)", () => {
  it("strings with quotes, backslashes and newlines round-trip", () => {
    const value = `it's ''quoted'' "double" \\back\\slash\nnew\r\nline\ttab \u0000 nul`;
    const { read, text } = roundTrip(value);
    expect(read).toBe(value);
    expect(text).toBe(JSON.stringify(value));
  });

  it("unicode and emoji are exact; a value with a lone surrogate round-trips", () => {
    for (const value of ["😀 é e\u0301 中文 \u{10FFFF}", "\uD800", "a\uDBFFb", "\uDC00\uD800"]) {
      expect(roundTrip(value).read).toBe(value);
    }
  });

  it("integers, negatives and floats round-trip; 0 is present, not missing", () => {
    const { store } = setup();
    for (const n of [0, 1, -1, 3.25, -2.5e-300, 1e300, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE]) {
      store.n = n;
      expect(store.n).toBe(n);
    }
    store.zero = 0;
    expect("zero" in store).toBe(true);
    expect(store.get("zero", 99)).toBe(0);
  });
});

describe("rich values round-trip with their types (items 36–42)", () => {
  const rich: [string, unknown][] = [
    ["-0", -0],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
    ["BigInt", 12345678901234567890123456789n],
    ["negative BigInt", -1n],
    ["Date", new Date("2024-05-06T07:08:09.123Z")],
    [
      "Map",
      new Map<unknown, unknown>([
        ["a", 1],
        [2, { b: [3] }],
      ]),
    ],
    ["Set", new Set([1, "a", null])],
    ["RegExp", /a+b*/giu],
    ["URL", new URL("https://example.com/a/b?c=d#e")],
    ["undefined", undefined],
    ["Uint8Array", new Uint8Array([0, 1, 254, 255])],
    ["Float64Array", new Float64Array([1.5, -2])],
    ["nested rich values", { when: new Date(0), ids: new Set([1n]), list: [Number.NaN, -0] }],
  ];
  for (const [label, value] of rich) {
    it(`${label} keeps its type and value and is stored in the rich encoding`, () => {
      const { read, text } = roundTrip(value);
      expect(isRich(text)).toBe(true);
      expect(read).toStrictEqual(value);
    });
  }

  it("-0, NaN and ±Infinity are never stored as null or 0", () => {
    expect(Object.is(roundTrip(-0).read, -0)).toBe(true);
    expect(roundTrip([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]).read).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(roundTrip({ x: Number.NaN }).read).toEqual({ x: Number.NaN });
  });

  it("Date comes back as a Date, not an ISO string", () => {
    const { read } = roundTrip({ at: new Date(86_400_000) });
    expect((read as { at: unknown }).at).toBeInstanceOf(Date);
    expect((read as { at: Date }).at.getTime()).toBe(86_400_000);
  });

  it("Error keeps name, message and cause; a subclass comes back as an Error with its name", () => {
    const { read } = roundTrip(new Error("boom", { cause: "why" }));
    expect(read).toBeInstanceOf(Error);
    expect((read as Error).message).toBe("boom");
    expect((read as Error).cause).toBe("why");
    const typed = roundTrip(new TypeError("bad")).read as Error;
    expect(typed).toBeInstanceOf(Error);
    expect(typed.name).toBe("TypeError");
    expect(typed.message).toBe("bad");
  });

  it("a Node Buffer is converted to a plain Uint8Array", () => {
    const { read, text } = roundTrip(Buffer.from("hi"));
    expect(isRich(text)).toBe(true);
    expect(Buffer.isBuffer(read)).toBe(false);
    expect(read).toBeInstanceOf(Uint8Array);
    expect([...(read as Uint8Array)]).toEqual([104, 105]);
    const nested = roundTrip({ bytes: [Buffer.from([7])] }).read as { bytes: Uint8Array[] };
    expect(Buffer.isBuffer(nested.bytes[0])).toBe(false);
    expect([...(nested.bytes[0] as Uint8Array)]).toEqual([7]);
  });
});

describe("undefined, holes and dropped properties (items 43–45)", () => {
  it("store.k = undefined keeps the key with the value undefined", () => {
    const { store } = setup();
    store.k = undefined;
    expect("k" in store).toBe(true);
    expect(store.has("k")).toBe(true);
    expect(store.k).toBeUndefined();
    expect(store.get("k", "fallback")).toBeUndefined();
    expect([...store.keys()]).toEqual(["k"]);
  });

  it("set(k, undefined) is the same as assigning undefined", () => {
    const { store } = setup();
    store.set("k", undefined);
    expect(store.has("k")).toBe(true);
    expect(store.toObject()).toStrictEqual({ k: undefined });
  });

  it("{k: undefined} keeps the key k", () => {
    const { read } = roundTrip({ k: undefined, j: 1 });
    expect(Object.keys(read as object)).toEqual(["k", "j"]);
    expect(read).toStrictEqual({ k: undefined, j: 1 });
  });

  it("undefined array elements are kept; holes become null", () => {
    expect(roundTrip([1, undefined, 3]).read).toStrictEqual([1, undefined, 3]);
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of this test
    const { read } = roundTrip([1, , 3]);
    expect(read).toStrictEqual([1, null, 3]);
  });

  it("symbol-keyed, non-enumerable and array extra properties are dropped; getters are stored as their value", () => {
    const hidden = { visible: 1 };
    Object.defineProperty(hidden, "hidden", { value: 2, enumerable: false });
    const list: number[] & { extra?: string } = [1];
    list.extra = "dropped";
    const value = {
      [Symbol("s")]: 1,
      hidden,
      list,
      get computed() {
        return 42;
      },
    };
    const { read, text } = roundTrip(value);
    expect(isRich(text)).toBe(false);
    expect(read).toStrictEqual({ hidden: { visible: 1 }, list: [1], computed: 42 });
  });

  it("Object.create(null) objects are accepted and read back as plain objects", () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const { read, text } = roundTrip({ bare });
    expect(text).toBe('{"bare":{"a":1}}');
    expect(read).toEqual({ bare: { a: 1 } });
  });
});

describe("prototype-named keys are plain data in every encoding", () => {
  const json =
    '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":3,"~constructor":4,"~~__proto__":5,"~prototype":6}';

  it("a parsed object with __proto__/constructor/prototype keys is stored as its JSON text", () => {
    const { read, text } = roundTrip(JSON.parse(json));
    expect(text).toBe(json);
    expect(Object.keys(read as object)).toEqual([
      "__proto__",
      "constructor",
      "prototype",
      "~constructor",
      "~~__proto__",
      "~prototype",
    ]);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("the same keys beside a rich value round-trip exactly, including `~`-prefixed look-alikes", () => {
    const value = JSON.parse(json) as Record<string, unknown>;
    value.when = new Date(1);
    value.nested = { inner: JSON.parse(json), set: new Set([JSON.parse('{"__proto__":1}')]) };
    const { read, text } = roundTrip(value);
    expect(isRich(text)).toBe(true);
    const out = read as Record<string, unknown>;
    expect(Object.keys(out)).toEqual([...Object.keys(JSON.parse(json)), "when", "nested"]);
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ polluted: 1 });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out["~constructor"]).toBe(4);
    expect(out["~~__proto__"]).toBe(5);
    expect(out["~prototype"]).toBe(6);
    expect(out.when).toEqual(new Date(1));
    const nested = out.nested as { inner: Record<string, unknown>; set: Set<Record<string, unknown>> };
    expect(Object.keys(nested.inner)).toEqual(Object.keys(JSON.parse(json)));
    const [member] = [...nested.set];
    expect(Object.hasOwn(member as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("Object.assign and spread of a read value pollute no prototype", () => {
    const { read } = roundTrip({ ...JSON.parse(json), d: new Date(0) });
    Object.assign({}, read);
    Object.assign({}, roundTrip(JSON.parse(json)).read);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("cycles and shared references (item 48)", () => {
  it("a cycle is preserved", () => {
    const value: Record<string, unknown> = { a: 1 };
    value.self = value;
    const { read, text } = roundTrip(value);
    expect(isRich(text)).toBe(true);
    const out = read as Record<string, unknown>;
    expect(out.self).toBe(out);
    expect(out.a).toBe(1);
  });

  it("a cycle through an array and a Map is preserved", () => {
    const list: unknown[] = [];
    const map = new Map<string, unknown>([["list", list]]);
    list.push(map);
    const out = roundTrip(list).read as unknown[];
    const back = out[0] as Map<string, unknown>;
    expect(back.get("list")).toBe(out);
  });

  it("shared references in otherwise plain JSON come back shared", () => {
    const shared = { z: 1 };
    const out = roundTrip({ a: shared, b: shared, list: [shared] }).read as Record<string, unknown>;
    expect(out.a).toEqual({ z: 1 });
    expect(out.a).toBe(out.b);
    expect((out.list as unknown[])[0]).toBe(out.a);
  });

  it("shared references beside rich values come back shared", () => {
    const shared = [1, 2];
    const out = roundTrip({ a: shared, b: shared, when: new Date(0) }).read as Record<string, unknown>;
    expect(out.a).toBe(out.b);
  });
});

describe("depth and size (items 49–50)", () => {
  function nest(depth: number, leaf: unknown): unknown {
    let value = leaf;
    for (let i = 0; i < depth; i++) value = { d: value };
    return value;
  }

  function depthOf(value: unknown): number {
    let depth = 0;
    let current = value;
    while (typeof current === "object" && current !== null && "d" in current) {
      current = (current as { d: unknown }).d;
      depth++;
    }
    return depth;
  }

  it("depth-1,000 nesting round-trips, plain and rich", () => {
    expect(depthOf(roundTrip(nest(1000, 1)).read)).toBe(1000);
    expect(depthOf(roundTrip(nest(1000, new Date(0))).read)).toBe(1000);
  });

  for (const depth of [5_000, 20_000, 200_000]) {
    for (const rich of [false, true]) {
      it(`depth ${depth} (${rich ? "rich" : "plain"}): INVALID_VALUE or a round-trip, never a raw stack overflow`, () => {
        const { store } = setup();
        store.k = "before";
        const value = nest(depth, rich ? new Date(0) : 1);
        let error: unknown;
        try {
          store.k = value;
        } catch (caught) {
          error = caught;
        }
        if (error === undefined) {
          expect(depthOf(store.k)).toBe(depth);
        } else {
          expect(error).toMatchObject({ name: "StoreError", code: "INVALID_VALUE" });
          expect(store.k).toBe("before");
        }
      });
    }
  }

  it("a 1 MiB string and a 1 MiB array of strings round-trip", () => {
    const big = "x".repeat(1024 * 1024);
    expect(roundTrip(big).read).toBe(big);
    const list = Array.from({ length: 1024 }, (_, i) => `${i}`.padEnd(1024, "y"));
    expect(roundTrip(list).read).toEqual(list);
  });
});

describe("rejected values throw INVALID_VALUE and write nothing (items 40, 46, 47)", () => {
  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
  }
  const rejected: [string, () => unknown][] = [
    ["a function", () => () => 1],
    ["an async function", () => async () => 1],
    ["a class", () => Point],
    ["a symbol", () => Symbol("s")],
    ["a function in an object", () => ({ a: { b: () => 1 } })],
    ["a symbol in an array", () => [1, [Symbol.iterator]]],
    ["a symbol in a Map value", () => new Map([["k", Symbol("v")]])],
    ["a function as a Map key", () => new Map([[() => 1, 1]])],
    ["a symbol in a Set", () => new Set([Symbol("v")])],
    ["a class instance", () => new Point(1, 2)],
    ["a class instance deep inside", () => ({ list: [{ at: new Point(1, 2) }] })],
    ["an object with a toJSON method", () => ({ toJSON: () => "x" })],
    ["a WeakMap", () => new WeakMap()],
    ["a WeakSet", () => new WeakSet()],
    ["a WeakRef", () => new WeakRef({})],
    ["a Promise", () => Promise.resolve(1)],
    ["an invalid Date", () => new Date(Number.NaN)],
    ["an invalid Date inside", () => ({ at: new Date("not a date") })],
    ["a DataView", () => new DataView(new ArrayBuffer(4))],
    ["an ArrayBuffer", () => new ArrayBuffer(4)],
    ["a boxed number", () => Object(3) as unknown],
    ["a boxed string", () => Object("s") as unknown],
    ["a boxed boolean", () => Object(true) as unknown],
    ["a boxed BigInt", () => Object(1n) as unknown],
  ];

  for (const [label, make] of rejected) {
    it(`${label}: INVALID_VALUE; the old value stays and a missing key stays missing`, () => {
      const { store, stored } = setup();
      store.k = { old: true };
      const before = stored("k");
      const error = expectStoreError(() => {
        store.k = make();
      }, "INVALID_VALUE");
      expect(error.message).toContain("nothing was written");
      expect(stored("k")).toBe(before);
      expect(store.k).toEqual({ old: true });

      expectStoreError(() => store.set("fresh", make()), "INVALID_VALUE");
      expect(store.has("fresh")).toBe(false);
      expect(store.size).toBe(1);
    });
  }

  it("the error names where in the value the bad part is", () => {
    const { store } = setup();
    const error = expectStoreError(() => {
      store.k = { a: [0, { b: () => 1 }] };
    }, "INVALID_VALUE");
    expect(error.message).toContain(".a[1].b");
    expect(error.message).toContain("function");
  });

  it("update(mapping) with one bad value writes none of the pairs", () => {
    const { store } = setup();
    store.a = 1;
    expectStoreError(() => store.update({ a: 2, b: 3, c: () => 4 }), "INVALID_VALUE");
    expect(store.toObject()).toEqual({ a: 1 });
  });

  it("setdefault with a bad value writes nothing", () => {
    const { store } = setup();
    expectStoreError(() => store.setdefault("k", Symbol("s")), "INVALID_VALUE");
    expect(store.has("k")).toBe(false);
  });

  it("the atomic methods reject (never throw synchronously) and write nothing", async () => {
    const { store } = setup();
    store.list = [1];
    store.obj = { a: 1 };
    await expectRejection(
      store.setIfAbsent("fresh", () => 1),
      "INVALID_VALUE",
    );
    await expectRejection(store.append("list", new WeakMap()), "INVALID_VALUE");
    await expectRejection(
      store.update("obj", () => new Date(Number.NaN) as unknown as Record<string, unknown>),
      "INVALID_VALUE",
    );
    expect(store.toObject()).toEqual({ list: [1], obj: { a: 1 } });
  });
});

describe("every read path decodes the same way", () => {
  it("get, bracket read, values(), entries() and toObject() agree on a rich value", () => {
    const { store } = setup();
    const value = { at: new Date(3), tags: new Set(["x"]), n: 10n };
    store.k = value;
    expect(store.k).toStrictEqual(value);
    expect(store.get("k")).toStrictEqual(value);
    expect([...store.values()]).toStrictEqual([value]);
    expect([...store.entries()]).toStrictEqual([["k", value]]);
    expect(store.toObject()).toStrictEqual({ k: value });
  });

  it("a stored value of an unknown rich encoding is a typed SERIALIZE_FAILED on read", () => {
    const backend = memoryBackend(undefined);
    backend.set("default", "k", "~something-else");
    const store = createStore({ backend });
    expectStoreError(() => store.k, "SERIALIZE_FAILED");
  });
});
