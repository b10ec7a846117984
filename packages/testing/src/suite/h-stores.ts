import { describe, expect } from "vitest";
import { ALL_MODES, modeTest } from "./harness.ts";
import { expectKeys, expectStoreError, rawEntries, rawKeys } from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";

const ODD_NAMES = [
  "9nine",
  "outer space",
  'has "quotes"',
  "ünïcødé",
  "日本",
  "😀",
  "a:b",
  "*",
  "?",
  "[x]",
  "{tag}",
  "default ",
];

/** Checklist H (items 81–85): several named stores on one backend. */
export function registerStoreTests(env: SuiteEnv): void {
  describe("H. multiple named stores", () => {
    modeTest(
      env,
      ALL_MODES,
      "H81",
      "the same key in two stores is independent; delete and clear in one spare the other",
      async (run) => {
        const one = await run.open({ name: "one" });
        const two = await run.open({ name: "two" });
        await one.set("k", "one");
        await two.set("k", "two");
        await one.set("only-one", 1);
        expect(await one.read("k")).toBe("one");
        expect(await two.read("k")).toBe("two");
        await one.delete("k");
        await one.flush();
        await two.refresh();
        expect(await two.read("k")).toBe("two");
        await two.clear();
        await two.flush();
        await one.refresh();
        expect(await one.toObject()).toEqual({ "only-one": 1 });
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "H82",
      "store names with digits, spaces, quotes, non-ASCII and glob characters work",
      async (run) => {
        const stores = await Promise.all(ODD_NAMES.map((name) => run.open({ name })));
        for (const [i, store] of stores.entries()) {
          await store.set("k", i);
          await store.flush();
        }
        for (const [i, name] of ODD_NAMES.entries()) {
          expect(await stores[i]?.read("k")).toBe(i);
          expect(await rawEntries(run.backend, name)).toEqual(new Map([["k", String(i)]]));
        }
        const listed = (await run.backend.listStores()).map((s) => s.name);
        for (const name of ODD_NAMES) expect(listed).toContain(name);
      },
    );

    modeTest(env, ALL_MODES, "H83", "listing a store never shows keys of other stores", async (run) => {
      const names = ["s", "s2", "s:", "s:x", "x:s", "S"];
      const stores = await Promise.all(names.map((name) => run.open({ name })));
      for (const [i, store] of stores.entries()) {
        await store.update({ [`own-${i}`]: i, shared: i });
        await store.flush();
      }
      for (const [i, store] of stores.entries()) {
        expect((await store.keys()).sort()).toEqual([`own-${i}`, "shared"].sort());
        expect(await store.size()).toBe(2);
        expect((await rawKeys(run.backend, names[i] as string, 1)).sort()).toEqual(
          [`own-${i}`, "shared"].sort(),
        );
      }
    });

    modeTest(
      env,
      ALL_MODES,
      "H84",
      "dropping a store removes its keys; re-created it is empty",
      async (run) => {
        const store = await run.open({ name: "doomed" });
        await store.update({ a: 1, b: 2 });
        await store.set("t", 3, { ttl: 100 });
        await store.flush();
        expect(await run.backend.hasStore("doomed")).toBe(true);
        expect(await run.backend.dropStore("doomed")).toBe(true);
        expect(await run.backend.hasStore("doomed")).toBe(false);
        expect((await run.backend.listStores()).map((s) => s.name)).not.toContain("doomed");
        const again = await run.open({ name: "doomed" });
        expect(await again.size()).toBe(0);
        expect(await again.keys()).toEqual([]);
        expect(await again.read("a")).toBeUndefined();
        await again.set("c", 4);
        await again.flush();
        expect(await again.toObject()).toEqual({ c: 4 });
        expect(await rawKeys(run.backend, "doomed")).toEqual(["c"]);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "H85",
      "a read-only handle refuses every write with READ_ONLY and reads normally",
      async (run) => {
        const writer = await run.open();
        await writer.update({ a: 1, list: [1] });
        await writer.flush();
        const reader = await run.open({ readOnly: true });
        await reader.refresh();
        expect(await reader.read("a")).toBe(1);
        expectKeys(await reader.keys(), ["a", "list"], run.backend.flags.ordered);
        await expectStoreError(reader.set("a", 2), "READ_ONLY");
        await expectStoreError(reader.set("new", 2, { ttl: 10 }), "READ_ONLY");
        await expectStoreError(reader.update({ b: 2 }), "READ_ONLY");
        await expectStoreError(reader.delete("a"), "READ_ONLY");
        await expectStoreError(reader.clear(), "READ_ONLY");
        await expectStoreError(reader.pop("a"), "READ_ONLY");
        await expectStoreError(reader.setdefault("new", 1), "READ_ONLY");
        await expectStoreError(reader.setTtl("a", 10), "READ_ONLY");
        await expectStoreError(reader.increment("a"), "READ_ONLY");
        if (reader.dict !== undefined) {
          const bag = reader.dict as unknown as Record<string, unknown>;
          await expectStoreError(() => {
            bag.a = 3;
          }, "READ_ONLY");
          await expectStoreError(() => delete bag.a, "READ_ONLY");
          await expectStoreError(reader.dict.append("list", 2), "READ_ONLY");
          await expectStoreError(reader.dict.setIfAbsent("new", 1), "READ_ONLY");
          await expectStoreError(
            reader.dict.update("a", (n: unknown) => (n as number) + 1),
            "READ_ONLY",
          );
        }
        await reader.flush();
        expect(await reader.toObject()).toEqual({ a: 1, list: [1] });
        expect(await rawEntries(run.backend, "default")).toEqual(
          new Map([
            ["a", "1"],
            ["list", "[1]"],
          ]),
        );
      },
    );
  });
}
