import { describe, expect } from "vitest";
import { ALL_MODES, modeTest } from "./harness.ts";
import { rawKeys } from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";

/** Checklist C (items 27–32): clear and delete touch only their own store. */
export function registerClearTests(env: SuiteEnv): void {
  describe("C. clear / delete", () => {
    modeTest(env, ALL_MODES, "C27", "clear() on an empty store succeeds, twice in a row", async (run) => {
      const store = await run.open();
      await store.clear();
      await store.clear();
      await store.flush();
      expect(await store.size()).toBe(0);
    });

    modeTest(
      env,
      ALL_MODES,
      "C28",
      "after clear(): keys() empty, size 0, reads missing, writes work again",
      async (run) => {
        const store = await run.open();
        await store.update({ a: 1, b: 2, c: 3 });
        await store.clear();
        expect(await store.keys()).toEqual([]);
        expect(await store.size()).toBe(0);
        expect(await store.read("a")).toBeUndefined();
        expect(await store.has("b")).toBe(false);
        await store.set("a", "new");
        expect(await store.toObject()).toEqual({ a: "new" });
        await store.flush();
        const other = await run.open();
        await other.refresh();
        expect(await other.toObject()).toEqual({ a: "new" });
      },
    );

    modeTest(env, ALL_MODES, "C29", "clear() touches only its own store", async (run) => {
      const a = await run.open({ name: "a" });
      const b = await run.open({ name: "b" });
      await a.update({ k: 1, shared: "a" });
      await b.update({ k: 2, shared: "b" });
      await a.flush();
      await b.flush();
      await a.clear();
      await a.flush();
      await b.refresh();
      expect(await b.toObject()).toEqual({ k: 2, shared: "b" });
      expect(await rawKeys(run.backend, "b")).toHaveLength(2);
      expect(await rawKeys(run.backend, "a")).toEqual([]);
    });

    modeTest(
      env,
      ALL_MODES,
      "C30",
      "clear() of `users` leaves `users2` and `users-archive` intact",
      async (run) => {
        const names = ["users", "users2", "users-archive", "user", "users:x"];
        const stores = await Promise.all(names.map((name) => run.open({ name })));
        for (const [i, store] of stores.entries()) {
          await store.update({ id: i, [`only-${i}`]: true });
          await store.flush();
        }
        await stores[0]?.clear();
        await stores[0]?.flush();
        expect(await rawKeys(run.backend, "users")).toEqual([]);
        for (let i = 1; i < names.length; i++) {
          const store = stores[i];
          await store?.refresh();
          expect(await store?.toObject()).toEqual({ id: i, [`only-${i}`]: true });
        }
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "C31",
      "store names with glob characters clear and list only their own keys",
      async (run) => {
        const names = ["a*", "a?", "a[b]", "a\\", "a", "*", "a[", "[ab]", "a]"];
        const stores = await Promise.all(names.map((name) => run.open({ name })));
        for (const [i, store] of stores.entries()) {
          await store.update({ [`key-${i}`]: i, common: i });
          await store.flush();
        }
        for (const [i, store] of stores.entries()) {
          expect((await store.keys()).sort()).toEqual(["common", `key-${i}`].sort());
        }
        await stores[0]?.clear(); // "a*"
        await stores[5]?.clear(); // "*"
        await stores[0]?.flush();
        await stores[5]?.flush();
        for (const [i, name] of names.entries()) {
          const expected = i === 0 || i === 5 ? [] : ["common", `key-${i}`];
          expect((await rawKeys(run.backend, name)).sort()).toEqual(expected.sort());
        }
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "C32",
      "clear() of 10,000 keys removes them all and spares other stores",
      async (run) => {
        const big = await run.open({ name: "big" });
        const small = await run.open({ name: "small" });
        await small.set("k", 1);
        for (let i = 0; i < 10_000; i += 2000)
          await big.update(Array.from({ length: 2000 }, (_, j) => [`k${i + j}`, j]));
        await big.flush();
        await small.flush();
        expect(await big.size()).toBe(10_000);
        await big.clear();
        await big.flush();
        expect(await big.size()).toBe(0);
        expect(await rawKeys(run.backend, "big")).toEqual([]);
        expect(await run.backend.count("big")).toBe(0);
        expect(await small.toObject()).toEqual({ k: 1 });
      },
      60_000,
    );
  });
}
