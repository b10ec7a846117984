import {
  backendOf,
  close,
  createAsyncStore,
  createStore,
  flush,
  isStore,
  openStore,
  type SyncBackend,
} from "@dictstore/core";
import { describe, expect } from "vitest";
import { ALL_MODES, backendTest, DICT_MODES, modeTest } from "./harness.ts";
import { expectStoreError, rawEntries } from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";

/** Checklist A (items 1–16): the store behaves like a Python dict / JS Map. */
export function registerMappingTests(env: SuiteEnv): void {
  describe("A. core mapping parity", () => {
    backendTest(
      env,
      "A-open",
      "createStore takes only sync backends; openStore and createAsyncStore take any backend",
      async (backend) => {
        if (backend.flags.sync) {
          const direct = createStore({ backend: backend as SyncBackend });
          expect(isStore(direct)).toBe(true);
          await close(direct);
        } else {
          await expectStoreError(
            () => createStore({ backend: backend as SyncBackend }),
            "UNSUPPORTED_OPERATION",
          );
        }
        const dict = await openStore({ backend });
        const async = createAsyncStore({ backend });
        expect(isStore(dict)).toBe(true);
        expect(isStore(async)).toBe(true);
        expect(backendOf(dict)).toBe(backend);
        dict.k = 1;
        await flush(dict);
        expect(await async.get("k")).toBe(1);
        await close(dict);
        await close(async);
        await expectStoreError(() => dict.k, "CLOSED");
        await expectStoreError(async.get("k"), "CLOSED");
      },
    );

    modeTest(env, ALL_MODES, "A1", "an assigned value reads back deep-equal", async (run) => {
      const store = await run.open();
      const value = { name: "Charmander", type: ["fire"], level: 5, nested: { ok: true, none: null } };
      await store.set("pokemon", value);
      expect(await store.read("pokemon")).toEqual(value);
      expect(await store.get("pokemon")).toEqual(value);
    });

    modeTest(env, ALL_MODES, "A2", "re-assigning overwrites and leaves the size unchanged", async (run) => {
      const store = await run.open();
      await store.set("k", "first");
      await store.set("other", 1);
      expect(await store.size()).toBe(2);
      await store.set("k", "second");
      expect(await store.read("k")).toBe("second");
      expect(await store.size()).toBe(2);
    });

    modeTest(
      env,
      ALL_MODES,
      "A3",
      "`in` / has: false before set, true after, false after delete",
      async (run) => {
        const store = await run.open();
        expect(await store.has("k")).toBe(false);
        await store.set("k", 1);
        expect(await store.has("k")).toBe(true);
        await store.delete("k");
        expect(await store.has("k")).toBe(false);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "A4",
      "deleting a present key removes it; a later read is missing",
      async (run) => {
        const store = await run.open();
        await store.set("k", { a: 1 });
        await store.set("keep", 2);
        expect(await store.delete("k")).toBe(true);
        expect(await store.read("k")).toBeUndefined();
        expect(await store.get("k", "fallback")).toBe("fallback");
        expect(await store.read("keep")).toBe(2);
        expect(await store.keys()).toEqual(["keep"]);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "A5",
      "deleting a missing key never throws; delete() returns false",
      async (run) => {
        const store = await run.open();
        expect(await store.delete("missing")).toBe(false);
        if (run.isDict) {
          const bag = (await run.dict()) as unknown as Record<string, unknown>;
          // ES modules are strict code: a falsy deleteProperty result would throw a TypeError here.
          expect(delete bag.missing).toBe(true);
          bag.present = 1;
          expect(delete bag.present).toBe(true);
          expect("present" in bag).toBe(false);
        }
      },
    );

    modeTest(
      env,
      DICT_MODES,
      "A6",
      "the set trap reports success (strict-mode assignment never throws)",
      async (run) => {
        const store = await run.dict();
        expect(Reflect.set(store, "k", 1)).toBe(true);
        const bag = store as unknown as Record<string, unknown>;
        bag.j = 2;
        expect(store.get("k")).toBe(1);
        expect(bag.j).toBe(2);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "A7",
      "a missing key reads as undefined, or throws KEY_ERROR with missingKey: 'throw'",
      async (run) => {
        const store = await run.open();
        expect(await store.read("missing")).toBeUndefined();
        if (run.isDict) {
          await store.set("present", 0);
          await store.flush();
          const strict = (await run.dict({ missingKey: "throw" })) as unknown as Record<string, unknown>;
          await expectStoreError(() => strict.missing, "KEY_ERROR");
          // get() keeps its default, as in Python.
          expect((strict as unknown as { get(k: string, d: unknown): unknown }).get("missing", 7)).toBe(7);
          expect(strict.present).toBe(0);
        }
      },
    );

    modeTest(env, ALL_MODES, "A8", "get(k) of a missing key is undefined; get(k, d) is d", async (run) => {
      const store = await run.open();
      expect(await store.get("missing")).toBeUndefined();
      expect(await store.get("missing", "d")).toBe("d");
      const fallback = { deep: [1] };
      expect(await store.get("missing", fallback)).toBe(fallback);
    });

    modeTest(env, ALL_MODES, "A9", "get(k, d) returns a present falsy value, not d", async (run) => {
      const store = await run.open();
      const falsy: [string, unknown][] = [
        ["zero", 0],
        ["false", false],
        ["empty", ""],
        ["null", null],
      ];
      for (const [key, value] of falsy) await store.set(key, value);
      for (const [key, value] of falsy) expect(await store.get(key, "d")).toBe(value);
    });

    modeTest(env, ALL_MODES, "A10", "get(k, d) does not insert k", async (run) => {
      const store = await run.open();
      await store.get("k", "d");
      expect(await store.has("k")).toBe(false);
      expect(await store.size()).toBe(0);
    });

    modeTest(
      env,
      ALL_MODES,
      "A11",
      "setdefault writes when missing and returns the existing value when present",
      async (run) => {
        const store = await run.open();
        expect(await store.setdefault("k", { v: 1 })).toEqual({ v: 1 });
        expect(await store.read("k")).toEqual({ v: 1 });
        expect(await store.setdefault("k", { v: 2 })).toEqual({ v: 1 });
        expect(await store.read("k")).toEqual({ v: 1 });
        await store.set("falsy", 0);
        expect(await store.setdefault("falsy", 5)).toBe(0);
        expect(await store.size()).toBe(2);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "A12",
      "pop returns and removes; pop(missing) throws KEY_ERROR; pop(missing, d) is d",
      async (run) => {
        const store = await run.open();
        await store.set("k", [1, 2]);
        expect(await store.pop("k")).toEqual([1, 2]);
        expect(await store.has("k")).toBe(false);
        await expectStoreError(store.pop("k"), "KEY_ERROR");
        expect(await store.pop("k", "d")).toBe("d");
        await store.set("null", null);
        expect(await store.pop("null", "d")).toBeNull();
        expect(await store.size()).toBe(0);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "A13",
      "update() takes objects, Maps and pairs; bad arguments write nothing",
      async (run) => {
        const store = await run.open();
        await store.update({ a: 1, b: "two" });
        await store.update(new Map<string, unknown>([["c", [3]]]));
        await store.update([
          ["d", { four: 4 }],
          ["a", 10],
        ]);
        await store.update(
          (function* () {
            yield ["e", 5] as const;
          })(),
        );
        await store.update(undefined);
        await store.update({});
        expect(await store.toObject()).toEqual({ a: 10, b: "two", c: [3], d: { four: 4 }, e: 5 });
        await store.flush();
        const before = await rawEntries(run.backend, "default");
        await expectStoreError(store.update(42), "INVALID_ARGUMENT");
        await expectStoreError(store.update("ab"), "INVALID_ARGUMENT");
        await expectStoreError(store.update([["x", 1], ["y"]]), "INVALID_ARGUMENT");
        // All or nothing: a bad value anywhere means no pair is written.
        await expectStoreError(store.update({ x: 1, y: () => 1 }), "INVALID_VALUE");
        await expectStoreError(
          store.update([
            ["x", 1],
            ["\uD800", 2],
          ]),
          "INVALID_KEY",
        );
        expect(await store.has("x")).toBe(false);
        expect(await store.toObject()).toEqual({ a: 10, b: "two", c: [3], d: { four: 4 }, e: 5 });
        await store.flush();
        expect(await rawEntries(run.backend, "default")).toEqual(before);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "A14",
      "size is 0 when empty, counts distinct keys, ignores overwrites",
      async (run) => {
        const store = await run.open();
        expect(await store.size()).toBe(0);
        await store.set("a", 1);
        await store.set("b", 2);
        await store.set("a", 3);
        expect(await store.size()).toBe(2);
        await store.delete("b");
        expect(await store.size()).toBe(1);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "A15",
      "two stores with equal contents give deep-equal toObject() and entries()",
      async (run) => {
        const one = await run.open({ name: "one" });
        const two = await run.open({ name: "two" });
        for (const store of [one, two]) {
          await store.set("a", { x: [1, 2] });
          await store.set("b", new Date(0));
          await store.set("c", null);
        }
        expect(await one.toObject()).toEqual(await two.toObject());
        expect(await one.entries()).toEqual(await two.entries());
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "A16",
      "null and undefined are stored values, distinct from a missing key",
      async (run) => {
        const store = await run.open();
        await store.set("null", null);
        await store.set("undef", undefined);
        expect(await store.has("null")).toBe(true);
        expect(await store.has("undef")).toBe(true);
        expect(await store.read("null")).toBeNull();
        expect(await store.get("null", "d")).toBeNull();
        // Decision: `store.k = undefined` stores undefined (it does not delete), so get(k, d) returns it.
        expect(await store.get("undef", "d")).toBeUndefined();
        expect(await store.keys()).toContain("undef");
        expect(await store.size()).toBe(2);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "A17",
      'update(): when two keys of the argument name one store key (10 and "10"), the last one iterated wins',
      async (run) => {
        const store = await run.open({ limits: { maxKeys: 4 } });
        await store.update({ z: 0 });
        // A Map keeps 10 and "10" apart and iterates 10 → "third" (first place, last value), then "10".
        await store.update(
          new Map<unknown, unknown>([
            [10, "first"],
            ["10", "second"],
            [10, "third"],
          ]),
        );
        expect(await store.read("10")).toBe("second");
        await store.update([
          [7, "a"],
          ["7", "b"],
          [7, "c"],
        ]);
        expect(await store.read(7)).toBe("c");
        // One store key, so one key against the limit: z, 10, 7 and 5 are exactly four.
        await store.update([
          [5, 1],
          ["5", 2],
        ]);
        expect(await store.toObject()).toEqual({ z: 0, 10: "second", 7: "c", 5: 2 });
        await store.flush();
        const reader = await run.open();
        await reader.refresh();
        expect(await reader.toObject()).toEqual({ z: 0, 10: "second", 7: "c", 5: 2 });
      },
    );
  });
}
