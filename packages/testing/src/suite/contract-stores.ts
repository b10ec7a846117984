import { describe, expect } from "vitest";
import { backendTest } from "./harness.ts";
import { expectStoreError, rawEntries, sleep } from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";

/** The raw Backend contract, store management: listStores/createStore/hasStore/renameStore/dropStore. */
export function registerContractStoreTests(env: SuiteEnv): void {
  describe("R. backend contract: stores", () => {
    backendTest(
      env,
      "R-stores",
      "listStores is sorted by name with live sizes; createStore/hasStore/dropStore report what they did",
      async (backend) => {
        expect(await backend.listStores()).toEqual([]);
        expect(await backend.hasStore("b")).toBe(false);
        expect(await backend.createStore("b")).toBe(true);
        expect(await backend.createStore("b")).toBe(false);
        expect(await backend.hasStore("b")).toBe(true);
        await backend.setMany("a", [
          { key: "x", value: "1" },
          { key: "y", value: "2" },
          { key: "t", value: "3", ttlMs: 50 },
        ]);
        await backend.set("c:d", "x", "1");
        await backend.set("A", "x", "1");
        expect(await backend.hasStore("a")).toBe(true);
        await sleep(150);
        expect(await backend.listStores()).toEqual([
          { name: "A", size: 1 },
          { name: "a", size: 2 },
          { name: "b", size: 0 },
          { name: "c:d", size: 1 },
        ]);
        expect(await backend.dropStore("a")).toBe(true);
        expect(await backend.dropStore("a")).toBe(false);
        expect(await backend.dropStore("never")).toBe(false);
        expect(await backend.hasStore("a")).toBe(false);
        expect(await backend.get("a", "x")).toBeUndefined();
        expect(await backend.count("a")).toBe(0);
        expect((await backend.listStores()).map((s) => s.name)).toEqual(["A", "b", "c:d"]);
        // Clearing a store keeps it; only dropStore removes it.
        await backend.clear("c:d");
        expect(await backend.hasStore("c:d")).toBe(true);
      },
    );

    backendTest(
      env,
      "R-rename",
      "renameStore moves keys, values and TTLs; STORE_NOT_FOUND / STORE_EXISTS change nothing",
      async (backend) => {
        await backend.setMany("from", [
          { key: "a", value: "1" },
          { key: "t", value: "2", ttlMs: 60_000 },
        ]);
        await backend.set("taken", "z", "9");
        const oldVersion = await backend.version("from");
        await expectStoreError(() => backend.renameStore("missing", "to"), "STORE_NOT_FOUND");
        await expectStoreError(() => backend.renameStore("from", "taken"), "STORE_EXISTS");
        expect(await rawEntries(backend, "from")).toEqual(
          new Map([
            ["a", "1"],
            ["t", "2"],
          ]),
        );
        expect(await rawEntries(backend, "taken")).toEqual(new Map([["z", "9"]]));
        await backend.renameStore("from", "to");
        expect(await backend.hasStore("from")).toBe(false);
        expect(await backend.hasStore("to")).toBe(true);
        expect(await rawEntries(backend, "from")).toEqual(new Map());
        expect(await rawEntries(backend, "to")).toEqual(
          new Map([
            ["a", "1"],
            ["t", "2"],
          ]),
        );
        expect(await backend.getTtl("to", "t")).toBeGreaterThan(0);
        expect(await backend.getTtl("to", "a")).toBeNull();
        expect(await backend.version("to")).toBeGreaterThan(oldVersion);
        const changes = await backend.changes("to", 0);
        if (!changes.reset) expect(changes.entries.map((e) => e.key).sort()).toEqual(["a", "t"]);
        expect((await backend.listStores()).map((s) => s.name)).toEqual(["taken", "to"]);
        await backend.set("from", "new", "1");
        expect(await rawEntries(backend, "from")).toEqual(new Map([["new", "1"]]));
      },
    );

    backendTest(
      env,
      "R-store-names",
      "store names are opaque: no escaping collisions between similar names",
      async (backend) => {
        const names = ["a", "a:", ":a", "a:b", "a\\", "a*", "a?", "a[", "{a}", "a b", "é", "e\u0301", "A"];
        for (const [i, name] of names.entries()) await backend.set(name, "k", String(i));
        for (const [i, name] of names.entries())
          expect(await rawEntries(backend, name)).toEqual(new Map([["k", String(i)]]));
        expect((await backend.listStores()).map((s) => s.name).sort()).toEqual([...names].sort());
        await backend.clear("a*");
        await backend.dropStore("a");
        for (const [i, name] of names.entries()) {
          if (name === "a*" || name === "a") continue;
          expect(await backend.count(name), name).toBe(1);
          expect((await backend.get(name, "k"))?.value).toBe(String(i));
        }
      },
    );
  });
}
