import { createStore, type DataStore, isReservedKey, RESERVED_KEYS } from "@dictstore/core";
import { describe, expect, it } from "vitest";
import { expectStoreError } from "./support.ts";

// Reserved names that are not functions when read off the store.
const NON_METHODS = new Set(["size", "then"]);
const METHOD_NAMES = [...RESERVED_KEYS].filter((name) => !NON_METHODS.has(name));

/** Property access by a name only known at run time, as user code would write `store[name]`. */
function prop(store: DataStore, name: string): unknown {
  return (store as Record<string, unknown>)[name];
}

describe("RESERVED_KEYS", () => {
  it("holds the seed's dict API, the Python extras, the atomic operations and `then`", () => {
    const expected = [
      "get",
      "set",
      "has",
      "delete",
      "keys",
      "values",
      "entries",
      "clear",
      "setTtl",
      "getTtl",
      "size",
      "toObject",
      "toJSON",
      "pop",
      "setdefault",
      "update",
      "increment",
      "setIfAbsent",
      "append",
      "transaction",
      "then",
    ];
    expect([...RESERVED_KEYS].sort()).toEqual([...expected].sort());
    for (const name of expected) expect(isReservedKey(name), name).toBe(true);
    expect(isReservedKey("counter")).toBe(false);
    expect(isReservedKey("__proto__")).toBe(false);
  });
});

describe("reading a reserved name", () => {
  for (const name of METHOD_NAMES) {
    it(`${name} gives a method, even when a data key "${name}" exists`, () => {
      const store = createStore();
      expect(typeof prop(store, name)).toBe("function");
      store.set(name, "data");
      expect(typeof prop(store, name)).toBe("function");
      expect(store.get(name)).toBe("data");
    });
  }

  it("size gives the key count, even when a data key `size` exists", () => {
    const store = createStore();
    store.set("size", 1000);
    store.other = 1;
    expect(store.size).toBe(2);
  });

  it("then gives undefined, even when a data key `then` exists", () => {
    const store = createStore();
    store.set("then", "data");
    expect(store.then).toBeUndefined();
  });
});

describe("assigning or deleting a reserved name by property", () => {
  for (const name of RESERVED_KEYS) {
    it(`store.${name} = v throws RESERVED_KEY pointing to set(); nothing is written`, () => {
      const store = createStore();
      const error = expectStoreError(() => {
        (store as Record<string, unknown>)[name] = 1;
      }, "RESERVED_KEY");
      expect(error.message).toContain(`store.set(${JSON.stringify(name)}, value)`);
      expect(store.has(name)).toBe(false);
      expect(store.size).toBe(0);
    });

    it(`delete store.${name} throws RESERVED_KEY pointing to delete(); the data key survives`, () => {
      const store = createStore();
      store.set(name, "kept");
      const error = expectStoreError(() => delete (store as Record<string, unknown>)[name], "RESERVED_KEY");
      expect(error.message).toContain(`store.delete(${JSON.stringify(name)})`);
      expect(store.get(name)).toBe("kept");
    });
  }

  it("Object.assign onto the store with a reserved name throws RESERVED_KEY", () => {
    const store = createStore();
    expectStoreError(() => Object.assign(store, { keys: [1] }), "RESERVED_KEY");
    expect(store.has("keys")).toBe(false);
  });
});

describe("data keys with reserved names", () => {
  for (const name of RESERVED_KEYS) {
    it(`"${name}" works through get/set/has/delete, in, keys() and toObject()`, () => {
      const store = createStore();
      expect(name in store).toBe(false);
      expect(store.has(name)).toBe(false);
      expect(store.get(name, "fallback")).toBe("fallback");

      store.set(name, { name });
      expect(store.get(name)).toEqual({ name });
      expect(store.has(name)).toBe(true);
      expect(name in store).toBe(true);
      expect(Object.hasOwn(store, name)).toBe(true);
      expect([...store.keys()]).toEqual([name]);
      expect([...store.entries()]).toEqual([[name, { name }]]);
      expect(store.toObject()).toEqual({ [name]: { name } });

      expect(store.delete(name)).toBe(true);
      expect(store.has(name)).toBe(false);
      expect(name in store).toBe(false);
      expect([...store.keys()]).toEqual([]);
    });

    it(`"${name}" as a data key is listed by Object.keys and seen by in and toObject(); spread reads the method`, () => {
      const store = createStore();
      store.set(name, "data");
      store.plain = 1;
      expect(Object.keys(store)).toEqual([name, "plain"]);
      expect(name in store).toBe(true);
      expect(store.toObject()).toEqual({ [name]: "data", plain: 1 });
      // Spread and Object.entries read through property access, where the name is the method.
      const spread: Record<string, unknown> = { ...store };
      expect(Object.keys(spread)).toEqual([name, "plain"]);
      expect(spread[name]).toBe((store as unknown as Record<string, unknown>)[name]);
      expect(Object.entries(store)[1]).toEqual(["plain", 1]);
      expect(Object.getOwnPropertyDescriptor(store, name)).toEqual({
        value: "data",
        writable: true,
        enumerable: true,
        configurable: true,
      });
      expect(Reflect.ownKeys(store)).toEqual([name, "plain"]);
    });
  }

  it("pop, setdefault, update(mapping) and the atomic methods handle reserved-name keys", async () => {
    const store = createStore();
    expect(store.setdefault("keys", [1])).toEqual([1]);
    store.update({ get: "g", clear: true });
    expect(store.pop("get")).toBe("g");
    expect(await store.increment("size")).toBe(1);
    expect(await store.setIfAbsent("then", 1)).toBe(true);
    expect(await store.append("values", "a")).toBe(1);
    // biome-ignore lint/suspicious/noThenProperty: a data key named `then` is the point of this test
    expect(store.toObject()).toEqual({ keys: [1], clear: true, size: 1, then: 1, values: ["a"] });
  });
});

describe("an empty store shows no reserved name", () => {
  it("`in`, Object.keys and spread see nothing", () => {
    const store = createStore();
    for (const name of RESERVED_KEYS) expect(name in store, name).toBe(false);
    expect(Object.keys(store)).toEqual([]);
    expect({ ...store }).toEqual({});
  });
});
