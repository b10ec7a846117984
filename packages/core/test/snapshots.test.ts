import { backendOf, createStore, memoryBackend } from "@dictstore/core";
import { describe, expect, it } from "vitest";
import { storedText } from "./support.ts";

interface Pokemon {
  name: string;
  type: string;
  moves: string[];
}

describe('default snapshots ("copy"): reads are mutable copies (items 51–55)', () => {
  it("51: mutating a read object changes nothing stored", () => {
    const store = createStore();
    store.pokemon = { name: "Charmander", type: "fire", moves: ["ember"] };
    const read = store.pokemon as Pokemon;
    read.name = "Bulbasaur";
    expect((store.pokemon as Pokemon).name).toBe("Charmander");
  });

  it("51: the seed's in-place nested edit does not apply", () => {
    const store = createStore();
    store.pokemon = { name: "Charmander", type: "fire", moves: [] };
    (store.pokemon as Pokemon).name = "Bulbasaur";
    expect((store.pokemon as Pokemon).name).toBe("Charmander");
  });

  it("52: store.list.push(1) neither persists nor throws", () => {
    const store = createStore();
    store.list = [0];
    expect(() => (store.list as number[]).push(1)).not.toThrow();
    expect(store.list).toEqual([0]);
    expect(Object.isFrozen(store.list)).toBe(false);
  });

  it("53: two reads give distinct, equal objects", () => {
    const store = createStore();
    store.k = { a: { b: [1] } };
    const first = store.k as { a: { b: number[] } };
    const second = store.k as { a: { b: number[] } };
    expect(first).not.toBe(second);
    expect(first.a).not.toBe(second.a);
    expect(first).toEqual(second);
    expect(store.get("k")).not.toBe(store.get("k"));
    const [fromEntries] = [...store.entries()];
    expect(fromEntries?.[1]).not.toBe(first);
  });

  it("53: rich values are fresh copies too", () => {
    const store = createStore();
    store.when = new Date(1000);
    (store.when as Date).setTime(5);
    expect((store.when as Date).getTime()).toBe(1000);
    store.map = new Map([["a", 1]]);
    (store.map as Map<string, number>).set("b", 2);
    expect(store.map).toEqual(new Map([["a", 1]]));
  });

  it("54: mutating the assigned object after assignment changes nothing stored", () => {
    const backend = memoryBackend(undefined);
    const store = createStore({ backend });
    const original = { list: [1], nested: { n: 1 }, when: new Date(0) };
    store.k = original;
    const text = storedText(backend, "k");
    original.list.push(2);
    original.nested.n = 2;
    original.when.setTime(99);
    expect(storedText(backend, "k")).toBe(text);
    expect(store.k).toEqual({ list: [1], nested: { n: 1 }, when: new Date(0) });
  });

  it("54: the same holds for set(), update(mapping) and setdefault()", () => {
    const store = createStore();
    const a = { n: 1 };
    const b = { n: 1 };
    const c = { n: 1 };
    store.set("a", a);
    store.update({ b });
    store.setdefault("c", c);
    a.n = b.n = c.n = 2;
    expect(store.toObject()).toEqual({ a: { n: 1 }, b: { n: 1 }, c: { n: 1 } });
  });

  it("55: the dedupe pattern (get with default, push, assign back) persists", () => {
    const store = createStore();
    for (const email of ["a@x.io", "b@x.io", "a@x.io"]) {
      const emails = store.get("emails", []) as string[];
      if (emails.includes(email)) continue;
      emails.push(email);
      store.emails = emails;
    }
    expect(store.emails).toEqual(["a@x.io", "b@x.io"]);
  });

  it("55: the seed's read, modify, assign back persists", () => {
    const store = createStore();
    store.pokemon = { name: "Charmander", type: "fire", moves: [] };
    const pokemon = store.pokemon as Pokemon;
    pokemon.name = "Bulbasaur";
    store.pokemon = pokemon;
    expect((store.pokemon as Pokemon).name).toBe("Bulbasaur");
  });
});

describe('snapshots: "frozen"', () => {
  it("reads are deeply frozen", () => {
    const store = createStore({ snapshots: "frozen" });
    store.k = { list: [1, { deep: true }], nested: { n: 1 } };
    const read = store.k as { list: [number, { deep: boolean }]; nested: { n: number } };
    expect(Object.isFrozen(read)).toBe(true);
    expect(Object.isFrozen(read.list)).toBe(true);
    expect(Object.isFrozen(read.list[1])).toBe(true);
    expect(Object.isFrozen(read.nested)).toBe(true);
  });

  it("in-place mutation throws a TypeError and changes nothing", () => {
    const store = createStore({ snapshots: "frozen" });
    store.k = { list: [1], nested: { n: 1 } };
    const read = store.k as { list: number[]; nested: { n: number }; extra?: number };
    expect(() => read.list.push(2)).toThrow(TypeError);
    expect(() => {
      read.nested.n = 2;
    }).toThrow(TypeError);
    expect(() => {
      read.extra = 1;
    }).toThrow(TypeError);
    expect(() => {
      delete (read as { nested?: unknown }).nested;
    }).toThrow(TypeError);
    expect(store.k).toEqual({ list: [1], nested: { n: 1 } });
  });

  it("Map and Set reads refuse mutation", () => {
    const store = createStore({ snapshots: "frozen" });
    store.map = new Map([["a", 1]]);
    store.set("set", new Set([1]));
    expect(() => (store.map as Map<string, number>).set("b", 2)).toThrow();
    expect(() => (store.get("set") as Set<number>).add(2)).toThrow();
    expect(store.map).toEqual(new Map([["a", 1]]));
    expect(store.get("set")).toEqual(new Set([1]));
  });

  it("repeated reads return the same object, through every read path", () => {
    const store = createStore({ snapshots: "frozen" });
    store.k = { a: [1] };
    const first = store.k;
    expect(store.k).toBe(first);
    expect(store.get("k")).toBe(first);
    expect([...store.values()][0]).toBe(first);
    expect([...store.entries()][0]?.[1]).toBe(first);
    store.m = new Map([["x", { y: 1 }]]);
    expect(store.m).toBe(store.m);
  });

  it("a new write gives a new object; the old snapshot keeps the old value", () => {
    const store = createStore({ snapshots: "frozen" });
    store.k = { v: 1 };
    const old = store.k;
    store.k = { v: 2 };
    expect(store.k).not.toBe(old);
    expect(store.k).toEqual({ v: 2 });
    expect(old).toEqual({ v: 1 });
  });

  it("a write by another store on the same backend is seen on the next read", () => {
    const backend = memoryBackend(undefined);
    const reader = createStore({ backend, snapshots: "frozen" });
    const writer = createStore({ backend });
    writer.k = { v: 1 };
    expect(reader.k).toEqual({ v: 1 });
    writer.k = { v: 2 };
    expect(reader.k).toEqual({ v: 2 });
    writer.delete("k");
    expect(reader.k).toBeUndefined();
  });

  it("mutating the assigned object after assignment changes nothing stored or read", () => {
    const store = createStore({ snapshots: "frozen" });
    const original = { list: [1], nested: { n: 1 } };
    store.k = original;
    original.list.push(2);
    original.nested.n = 2;
    expect(store.k).toEqual({ list: [1], nested: { n: 1 } });
    expect(Object.isFrozen(original)).toBe(false);
    expect(storedText(backendOf(store), "k")).toBe('{"list":[1],"nested":{"n":1}}');
  });

  it("values that cannot be frozen (Date, typed arrays) never leak one reader's mutation to the next read", () => {
    const store = createStore({ snapshots: "frozen" });
    store.when = new Date(1000);
    (store.when as Date).setTime(5);
    expect((store.when as Date).getTime()).toBe(1000);
    store.bytes = new Uint8Array([1, 2]);
    (store.bytes as Uint8Array)[0] = 9;
    expect(store.bytes).toEqual(new Uint8Array([1, 2]));
    store.nested = { at: new Date(0), list: [new Date(1)] };
    (store.nested as { at: Date }).at.setTime(7);
    expect((store.nested as { at: Date }).at.getTime()).toBe(0);
    // Their plain containers are still frozen.
    expect(Object.isFrozen(store.nested)).toBe(true);
  });

  it("the dedupe pattern needs a copy in frozen mode: push throws instead of silently working", () => {
    const store = createStore({ snapshots: "frozen" });
    store.emails = ["a@x.io"];
    const emails = store.get("emails", []) as string[];
    expect(() => emails.push("b@x.io")).toThrow(TypeError);
    store.emails = [...emails, "b@x.io"];
    expect(store.emails).toEqual(["a@x.io", "b@x.io"]);
  });

  it("primitives read the same in both modes", () => {
    const store = createStore({ snapshots: "frozen" });
    store.s = "text";
    store.n = 1;
    store.b = false;
    store.z = null;
    expect([store.s, store.n, store.b, store.z]).toEqual(["text", 1, false, null]);
  });
});
