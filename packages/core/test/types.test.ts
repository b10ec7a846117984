/*
 * Type tests: the expectTypeOf lines are checked by `tsc --noEmit` (the root tsconfig includes
 * packages/*\/test); the runtime expects make sure the typed calls also behave as typed.
 */
import {
  type AsyncDataStore,
  createAsyncStore,
  createStore,
  type DataStore,
  openStore,
  type StoreError,
  type StoreErrorCode,
} from "@dictstore/core";
import { describe, expect, expectTypeOf, it } from "vitest";

type Schema = { counter: number; emails: string[] };

describe("DataStore<T>", () => {
  it("property reads are T[K] | undefined; property writes take T[K]", () => {
    const store = createStore<Schema>();
    expectTypeOf(store).toEqualTypeOf<DataStore<Schema>>();
    expectTypeOf(store.counter).toEqualTypeOf<number | undefined>();
    expectTypeOf(store.emails).toEqualTypeOf<string[] | undefined>();
    store.counter = (store.counter ?? 0) + 1;
    store.emails = ["a@x.io"];
    expect(store.counter).toBe(1);
    void (() => {
      // @ts-expect-error a string is not a counter
      store.counter = "one";
      // @ts-expect-error not a key of the schema
      void store.nope;
    });
  });

  it("get(key) is T[K] | undefined; get(key, fallback) is T[K] for a T[K] fallback", () => {
    const store = createStore<Schema>();
    expectTypeOf(store.get("counter")).toEqualTypeOf<number | undefined>();
    expectTypeOf(store.get("counter", 0)).toEqualTypeOf<number>();
    expectTypeOf(store.get("emails", [])).toEqualTypeOf<string[]>();
    expectTypeOf(store.get("counter", null)).toEqualTypeOf<number | null>();
    expect(store.get("counter", 0)).toBe(0);
    void (() => {
      // @ts-expect-error not a key of the schema
      store.get("nope");
    });
  });

  it("the dict methods are typed", () => {
    const store = createStore<Schema>();
    expectTypeOf(store.set).parameter(0).toEqualTypeOf<"counter" | "emails" | number>();
    expectTypeOf(store.set<"counter">)
      .parameter(1)
      .toEqualTypeOf<number>();
    expectTypeOf(store.has("counter")).toEqualTypeOf<boolean>();
    expectTypeOf(store.delete("counter")).toEqualTypeOf<boolean>();
    expectTypeOf(store.keys()).toEqualTypeOf<Iterable<"counter" | "emails">>();
    expectTypeOf(store.values()).toEqualTypeOf<Iterable<number | string[]>>();
    expectTypeOf(store.entries()).toEqualTypeOf<Iterable<["counter" | "emails", number | string[]]>>();
    expectTypeOf(store.size).toEqualTypeOf<number>();
    expectTypeOf(store.toObject()).toEqualTypeOf<Partial<Schema>>();
    expectTypeOf(store.getTtl("counter")).toEqualTypeOf<number | null | undefined>();
    expectTypeOf(store.setTtl("counter", null)).toEqualTypeOf<boolean>();
    expectTypeOf(store.setdefault("counter", 0)).toEqualTypeOf<number>();
    expectTypeOf(store.pop("counter", undefined)).toEqualTypeOf<number | undefined>();
    expectTypeOf(store.then).toEqualTypeOf<undefined>();
    for (const key of store) expectTypeOf(key).toEqualTypeOf<"counter" | "emails">();
    store.set("counter", 2, { ttl: 1.5 });
    expect(store.setdefault("counter", 0)).toBe(2);
    void (() => {
      // @ts-expect-error emails are strings
      store.set("emails", [1]);
      // @ts-expect-error ttl is in seconds, a number
      store.set("counter", 1, { ttl: "1s" });
      // @ts-expect-error dict update takes values of the schema
      store.update({ counter: "x" });
    });
  });

  it("atomic methods return promises", async () => {
    const store = createStore<Schema>();
    expectTypeOf(store.increment).returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf(store.setIfAbsent).returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(store.append).returns.toEqualTypeOf<Promise<number>>();
    const updated = store.update(
      "emails",
      (draft) => {
        expectTypeOf(draft).toEqualTypeOf<string[]>();
        draft.push("b@x.io");
      },
      [],
    );
    expectTypeOf(updated).toEqualTypeOf<Promise<string[]>>();
    expectTypeOf(store.update(new Map<"counter", number>())).toEqualTypeOf<void>();
    expect(await updated).toEqual(["b@x.io"]);
    const counted = store.update("counter", (n) => n + 1, 0);
    expectTypeOf(counted).toEqualTypeOf<Promise<number>>();
    expect(await counted).toBe(1);
  });

  it("update(key, recipe, initial) on an untyped store infers the draft from initial", async () => {
    const store = createStore();
    const profile = store.update(
      "profile",
      (p) => {
        expectTypeOf(p).toEqualTypeOf<{ visits: number }>();
        p.visits++;
      },
      { visits: 0 },
    );
    expectTypeOf(profile).toEqualTypeOf<Promise<{ visits: number }>>();
    expect(await profile).toEqual({ visits: 1 });
    const asyncStore = createAsyncStore();
    const tags = asyncStore.update("tags", (t) => [...t, "a"], [] as string[]);
    expectTypeOf(tags).toEqualTypeOf<Promise<string[]>>();
    expect(await tags).toEqual(["a"]);
  });

  it("an untyped store holds unknown values under any string key", () => {
    const store = createStore();
    expectTypeOf(store).toEqualTypeOf<DataStore<Record<string, unknown>>>();
    expectTypeOf(store.anything).toEqualTypeOf<unknown>();
    expectTypeOf(store.get("anything")).toEqualTypeOf<unknown>();
    store.anything = { nested: [1] };
    expect(store.anything).toEqual({ nested: [1] });
  });

  it("openStore resolves to the same DataStore type", async () => {
    const store = await openStore<Schema>();
    expectTypeOf(store).toEqualTypeOf<DataStore<Schema>>();
    store.counter = 5;
    expect(store.get("counter", 0)).toBe(5);
  });
});

describe("AsyncDataStore<T>", () => {
  it("every method returns a promise", async () => {
    const store = createAsyncStore<Schema>();
    expectTypeOf(store).toEqualTypeOf<AsyncDataStore<Schema>>();
    expectTypeOf(store.get("counter")).toEqualTypeOf<Promise<number | undefined>>();
    expectTypeOf(store.get("counter", 0)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(store.set("counter", 1)).toEqualTypeOf<Promise<void>>();
    expectTypeOf(store.has("counter")).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(store.delete("counter")).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(store.clear()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(store.size()).toEqualTypeOf<Promise<number>>();
    expectTypeOf(store.toObject()).toEqualTypeOf<Promise<Partial<Schema>>>();
    expectTypeOf(store.keys()).toEqualTypeOf<AsyncIterable<"counter" | "emails">>();
    expectTypeOf(store.increment).returns.toEqualTypeOf<Promise<number>>();
    await store.set("counter", 1);
    expect(await store.get("counter", 0)).toBe(1);
    void (() => {
      // @ts-expect-error a string is not a counter
      void store.set("counter", "one");
    });
  });
});

describe("StoreError", () => {
  it("code is the StoreErrorCode union", () => {
    expectTypeOf<StoreError["code"]>().toEqualTypeOf<StoreErrorCode>();
    expectTypeOf<"CONFLICT">().toMatchTypeOf<StoreErrorCode>();
    expectTypeOf<"NOT_A_CODE">().not.toMatchTypeOf<StoreErrorCode>();
  });
});
