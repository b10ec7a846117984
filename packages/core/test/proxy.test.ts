import { inspect } from "node:util";
import { backendOf, createStore, type DataStore, isStore } from "@dictstore/core";
import { describe, expect, it } from "vitest";
import { argumentsOf, expectStoreError, recordingBackend, storedText } from "./support.ts";

// Names the JS runtime reads off objects on its own; none of them may ever become a backend read.
const RUNTIME_PROBES = [
  "toJSON",
  "toString",
  "valueOf",
  "constructor",
  "then",
  "inspect",
  "prototype",
  "__proto__",
];

function recordedStore() {
  const recording = recordingBackend();
  const store = createStore({ backend: recording.backend });
  return { store, ...recording };
}

describe("get trap", () => {
  it("reads data keys and gives undefined for missing ones", () => {
    const store = createStore();
    store.a = { n: 1 };
    expect(store.a).toEqual({ n: 1 });
    expect(store.missing).toBeUndefined();
  });

  it("answers symbols locally", () => {
    const store = createStore();
    store.a = 1;
    expect(typeof store[Symbol.iterator]).toBe("function");
    expect((store as unknown as Record<symbol, unknown>)[Symbol.toStringTag]).toBe("DataStore");
    expect((store as unknown as Record<symbol, unknown>)[Symbol.asyncIterator]).toBeUndefined();
    expect((store as unknown as Record<symbol, unknown>)[Symbol("mine")]).toBeUndefined();
  });

  it("gives `size` as the number of live keys", () => {
    const store = createStore();
    expect(store.size).toBe(0);
    store.a = 1;
    store.b = 2;
    store.a = 3;
    expect(store.size).toBe(2);
  });
});

describe("set trap", () => {
  it("writes data and returns true, so strict-mode assignment and Reflect.set succeed", () => {
    const store = createStore();
    store.a = 1;
    expect(Reflect.set(store, "b", 2)).toBe(true);
    expect(store.toObject()).toEqual({ a: 1, b: 2 });
  });

  it("works through Object.assign", () => {
    const store = createStore();
    Object.assign(store, { x: 1, y: [2] });
    expect(store.toObject()).toEqual({ x: 1, y: [2] });
  });

  it("rejects symbol keys with a TypeError and writes nothing", () => {
    const { store, calls } = recordedStore();
    calls.length = 0;
    expect(() => {
      (store as unknown as Record<symbol, unknown>)[Symbol("k")] = 1;
    }).toThrow(TypeError);
    expect(calls.filter((c) => c.member === "set" || c.member === "setMany")).toEqual([]);
    expect(store.size).toBe(0);
  });
});

describe("has trap", () => {
  it("follows the data: false before set, true after, false after delete", () => {
    const store = createStore();
    expect("k" in store).toBe(false);
    store.k = null;
    expect("k" in store).toBe(true);
    delete store.k;
    expect("k" in store).toBe(false);
  });

  it("is false for Object.prototype names and reserved names on an empty store", () => {
    const store = createStore();
    for (const name of [
      "toString",
      "constructor",
      "hasOwnProperty",
      "valueOf",
      "__proto__",
      "get",
      "size",
      "then",
    ]) {
      expect(name in store, name).toBe(false);
    }
  });

  it("is false for symbols", () => {
    const store = createStore();
    store.a = 1;
    expect(Symbol.iterator in store).toBe(false);
  });
});

describe("deleteProperty trap", () => {
  it("removes a present key and returns true; a missing key also returns true (no TypeError in strict code)", () => {
    const store = createStore();
    store.k = 1;
    expect(delete store.k).toBe(true);
    expect(store.has("k")).toBe(false);
    expect(delete store.never).toBe(true);
    expect(Reflect.deleteProperty(store, "never")).toBe(true);
  });

  it("rejects symbol keys with a TypeError", () => {
    const store = createStore();
    expect(() => delete (store as unknown as Record<symbol, unknown>)[Symbol.iterator]).toThrow(TypeError);
  });
});

describe("ownKeys and getOwnPropertyDescriptor traps", () => {
  it("list data keys only, in insertion order, with configurable descriptors", () => {
    const store = createStore();
    store.b = 1;
    store.a = { x: 1 };
    store.set("keys", "data under a reserved name");
    // A reserved-name data key is listed too (see reserved.test.ts).
    expect(Object.keys(store)).toEqual(["b", "a", "keys"]);
    expect(Reflect.ownKeys(store)).toEqual(["b", "a", "keys"]);
    expect(Object.getOwnPropertyDescriptor(store, "a")).toEqual({
      value: { x: 1 },
      writable: true,
      enumerable: true,
      configurable: true,
    });
    expect(Object.getOwnPropertyDescriptor(store, "missing")).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(store, "get")).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(store, Symbol.iterator)).toBeUndefined();
  });

  it("make spread, Object.entries and for..in see the data", () => {
    const store = createStore();
    store.one = 1;
    store.two = [2];
    expect({ ...store }).toEqual({ one: 1, two: [2] });
    expect(Object.entries(store)).toEqual([
      ["one", 1],
      ["two", [2]],
    ]);
    const seen: string[] = [];
    for (const key in store) seen.push(key);
    expect(seen).toEqual(["one", "two"]);
    expect(Object.hasOwn(store, "one")).toBe(true);
    expect(Object.hasOwn(store, "toString")).toBe(false);
  });

  it("give an empty result for an empty store", () => {
    const store = createStore();
    expect(Object.keys(store)).toEqual([]);
    expect({ ...store }).toEqual({});
  });
});

describe("for..of and iteration", () => {
  it("iterates the keys", () => {
    const store = createStore();
    store.x = 1;
    store.y = 2;
    expect([...store]).toEqual(["x", "y"]);
    const keys: string[] = [];
    for (const key of store) keys.push(key);
    expect(keys).toEqual(["x", "y"]);
  });
});

describe("traps that change the shape of the store", () => {
  it("defineProperty throws UNSUPPORTED_OPERATION and writes nothing", () => {
    const store = createStore();
    expectStoreError(() => Object.defineProperty(store, "x", { value: 1 }), "UNSUPPORTED_OPERATION");
    expect(store.has("x")).toBe(false);
  });

  it("setPrototypeOf throws UNSUPPORTED_OPERATION; the prototype stays null", () => {
    const store = createStore();
    expectStoreError(() => Object.setPrototypeOf(store, { polluted: 1 }), "UNSUPPORTED_OPERATION");
    expect(Object.getPrototypeOf(store)).toBeNull();
    expect((store as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("preventExtensions (freeze, seal) throws UNSUPPORTED_OPERATION; the store stays usable", () => {
    const store = createStore();
    store.a = 1;
    expectStoreError(() => Object.freeze(store), "UNSUPPORTED_OPERATION");
    expectStoreError(() => Object.seal(store), "UNSUPPORTED_OPERATION");
    expectStoreError(() => Object.preventExtensions(store), "UNSUPPORTED_OPERATION");
    expect(Object.isExtensible(store)).toBe(true);
    expect(Object.isFrozen(store)).toBe(false);
    store.a = 2;
    expect(store.a).toBe(2);
  });
});

describe("then is always undefined", () => {
  it("`await store` resolves to the store itself", async () => {
    const store = createStore();
    store.a = 1;
    expect(store.then).toBeUndefined();
    const awaited = await store;
    expect(awaited).toBe(store);
  });

  it("returning the store from an async function resolves to the store, even with a data key `then`", async () => {
    const store = createStore();
    store.set("then", 5);
    const open = async (): Promise<DataStore> => store;
    const result = await open();
    expect(result).toBe(store);
    expect(store.then).toBeUndefined();
    expect(store.get("then")).toBe(5);
    expect("then" in store).toBe(true);
  });

  it("Promise.resolve(store) does not call into the backend for `then`", async () => {
    const { store, calls } = recordedStore();
    calls.length = 0;
    await expect(Promise.resolve(store)).resolves.toBe(store);
    expect(argumentsOf(calls)).not.toContain("then");
  });
});

describe("runtime conversions never reach the backend", () => {
  const conversions: [string, (store: DataStore) => unknown][] = [
    ["String(store)", (store) => String(store)],
    ["template literal", (store) => `${store}`],
    ["store + 1", (store) => (store as unknown as string) + 1],
    ["JSON.stringify(store)", (store) => JSON.stringify(store)],
    ["util.inspect(store)", (store) => inspect(store)],
    ["Object.prototype.toString.call(store)", (store) => Object.prototype.toString.call(store)],
    ["[...store]", (store) => [...store]],
  ];

  for (const [label, convert] of conversions) {
    it(`${label}: no symbol and no runtime probe name reaches the backend`, () => {
      const { store, calls } = recordedStore();
      store.data = { a: 1 };
      calls.length = 0;
      convert(store);
      for (const call of calls) expect(typeof call.member, String(call.member)).toBe("string");
      const args = argumentsOf(calls);
      expect(args.filter((arg) => typeof arg === "symbol")).toEqual([]);
      for (const probe of RUNTIME_PROBES) expect(args, probe).not.toContain(probe);
    });
  }

  it("String(store) and Object.prototype.toString give fixed descriptions", () => {
    const store = createStore();
    expect(String(store)).toBe("[DataStore default]");
    expect(`${store}`).toBe("[DataStore default]");
    expect(Object.prototype.toString.call(store)).toBe("[object DataStore]");
    expect(Number(store)).toBeNaN();
  });

  it("JSON.stringify(store) serializes the data (toJSON is the reserved toObject)", () => {
    const store = createStore();
    store.a = 1;
    store.b = { c: [true] };
    expect(JSON.parse(JSON.stringify(store))).toEqual({ a: 1, b: { c: [true] } });
  });

  it("util.inspect(store) describes the store without listing or reading data", () => {
    const store = createStore({ name: "jobs" });
    store.secret = "value";
    const text = inspect(store);
    expect(text).toContain("DataStore");
    expect(text).toContain("jobs");
    expect(text).not.toContain("value");
  });

  it("data keys named like runtime probes do not change conversions", () => {
    const store = createStore();
    store.set("toString", "data");
    store.set("valueOf", 42);
    store.set("toJSON", "data");
    expect(String(store)).toBe("[DataStore default]");
    expect(JSON.parse(JSON.stringify(store))).toEqual({ toString: "data", valueOf: 42, toJSON: "data" });
  });
});

describe("symbols never reach the backend", () => {
  it("symbol reads, `in` and well-known symbols are answered without a backend call", () => {
    const { store, calls } = recordedStore();
    calls.length = 0;
    const record = store as unknown as Record<symbol, unknown>;
    void record[Symbol.toPrimitive];
    void record[Symbol.toStringTag];
    void record[Symbol.iterator];
    void record[Symbol.asyncIterator];
    void record[inspect.custom];
    void record[Symbol("user")];
    void (Symbol.iterator in store);
    void Object.getOwnPropertyDescriptor(store, Symbol.iterator);
    expect(calls).toEqual([]);
  });
});

describe("structuredClone", () => {
  it("throws DataCloneError for the store itself", () => {
    const store = createStore();
    store.a = 1;
    let error: unknown;
    try {
      structuredClone(store);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("DataCloneError");
  });

  it("works for a value read from the store", () => {
    const store = createStore();
    store.k = { list: [1, 2], when: new Date(5), map: new Map([["a", 1]]) };
    const copy = structuredClone(store.k);
    expect(copy).toEqual({ list: [1, 2], when: new Date(5), map: new Map([["a", 1]]) });
  });
});

describe("prototype names are ordinary data keys", () => {
  it("__proto__, constructor, prototype, toString and hasOwnProperty round-trip as data", () => {
    const store = createStore();
    const names = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];
    for (const [i, name] of names.entries()) store[name] = { i };
    for (const [i, name] of names.entries()) {
      expect(store[name], name).toEqual({ i });
      expect(name in store, name).toBe(true);
      expect(store.get(name), name).toEqual({ i });
    }
    expect(Object.keys(store)).toEqual(names);
    expect([...store.keys()]).toEqual(names);
    expect(Object.getPrototypeOf(store)).toBeNull();
    expect(({} as Record<string, unknown>).i).toBeUndefined();
  });

  it("store.__proto__ = {polluted} is a normal entry and pollutes nothing", () => {
    const store = createStore();
    // biome-ignore lint/suspicious/noProto: assigning `__proto__` on the store is exactly what is tested
    (store as Record<string, unknown>).__proto__ = { polluted: 1 };
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(store)).toBeNull();
    expect(store.get("__proto__")).toEqual({ polluted: 1 });
    expect([...store.keys()]).toEqual(["__proto__"]);
  });

  it("a parsed {'__proto__': {polluted}} value is stored as data and never pollutes", () => {
    const store = createStore();
    const parsed: unknown = JSON.parse(
      '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}',
    );
    store.k = parsed;
    expect(storedText(backendOf(store), "k")).toBe(
      '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}',
    );
    const read = store.k as Record<string, unknown>;
    expect(Object.hasOwn(read, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    const assigned: Record<string, unknown> = Object.assign({}, read);
    void assigned;
    const spread = { ...read };
    void spread;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("spreading or assigning a store with a `__proto__` data key pollutes nothing", () => {
    const store = createStore();
    store.set("__proto__", { polluted: 1 });
    const spread: Record<string, unknown> = { ...store };
    expect(Object.hasOwn(spread, "__proto__")).toBe(true);
    const assigned: Record<string, unknown> = Object.assign({}, store);
    void assigned;
    const object: Record<string, unknown> = store.toObject();
    expect(Object.hasOwn(object, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('"toString" in an empty store is false, and Object.prototype methods are not inherited', () => {
    const store = createStore();
    expect("toString" in store).toBe(false);
    expect("constructor" in store).toBe(false);
    expect(store.toString).toBeUndefined();
    expect(store.constructor).toBeUndefined();
    expect(store.hasOwnProperty).toBeUndefined();
  });
});

describe("identity", () => {
  it("isStore recognises stores only", () => {
    expect(isStore(createStore())).toBe(true);
    expect(isStore({})).toBe(false);
    expect(isStore(null)).toBe(false);
    expect(isStore(new Proxy({}, {}))).toBe(false);
  });

  it("reserved methods are the same function on every read", () => {
    const store = createStore();
    expect(store.get).toBe(store.get);
    expect(store.keys).toBe(store.keys);
  });
});
