import { describe, expect } from "vitest";
import { backendTest, ttlBackendTest } from "./harness.ts";
import { entryFields, expectStoreError, rawEntries, rawKeys, sleep } from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";

/** Raw values: a backend stores any string as is (it never parses them). */
const VALUES = ['"text"', "42", "", "not json at all", "~sj1:{}", "\u0000", "😀 ünï", "x".repeat(10_000)];

/** The raw Backend contract, data methods: get/getMany/has/set/setMany/delete/deleteMany/list/count/clear/TTL. */
export function registerContractDataTests(env: SuiteEnv): void {
  describe("R. backend contract: data", () => {
    backendTest(
      env,
      "R-get-set",
      "get/has/set: missing is undefined/false; set returns the new version; values are stored verbatim",
      async (backend) => {
        expect(await backend.get("s", "k")).toBeUndefined();
        expect(await backend.has("s", "k")).toBe(false);
        const v1 = await backend.set("s", "k", '"one"');
        expect(typeof v1).toBe("number");
        expect(v1).toBeGreaterThan(0);
        expect(entryFields(await backend.get("s", "k"))).toEqual({
          value: '"one"',
          version: v1,
          expiresAt: null,
        });
        expect(await backend.has("s", "k")).toBe(true);
        const v2 = await backend.set("s", "k", '"two"');
        expect(v2).toBeGreaterThan(v1);
        expect(entryFields(await backend.get("s", "k"))).toEqual({
          value: '"two"',
          version: v2,
          expiresAt: null,
        });
        for (const [i, value] of VALUES.entries()) await backend.set("s", `v${i}`, value);
        for (const [i, value] of VALUES.entries())
          expect((await backend.get("s", `v${i}`))?.value).toBe(value);
        expect(await backend.get("other", "k")).toBeUndefined();
      },
    );

    backendTest(
      env,
      "R-get-many",
      "getMany keeps the order of the keys, with undefined for missing ones",
      async (backend) => {
        expect(await backend.getMany("s", [])).toEqual([]);
        await backend.set("s", "a", "1");
        await backend.set("s", "b", "2");
        const [a, missing, b, again] = await backend.getMany("s", ["a", "missing", "b", "a"]);
        expect(a?.value).toBe("1");
        expect(missing).toBeUndefined();
        expect(b?.value).toBe("2");
        expect(entryFields(again)).toEqual(entryFields(a));
        expect(await backend.getMany("nowhere", ["a"])).toEqual([undefined]);
      },
    );

    backendTest(
      env,
      "R-set-ttl",
      "set with ttlMs expires; keepTtl keeps an expiry; a plain set clears it",
      async (backend) => {
        await backend.set("s", "k", "1", { ttlMs: 60_000 });
        const entry = await backend.get("s", "k");
        expect(typeof entry?.expiresAt).toBe("number");
        await backend.set("s", "k", "2", { keepTtl: true });
        expect((await backend.get("s", "k"))?.expiresAt).toBe(entry?.expiresAt);
        expect((await backend.get("s", "k"))?.value).toBe("2");
        await backend.set("s", "k", "3");
        expect((await backend.get("s", "k"))?.expiresAt).toBeNull();
        expect(await backend.getTtl("s", "k")).toBeNull();
        await backend.set("s", "plain", "1", { keepTtl: true });
        expect(await backend.getTtl("s", "plain")).toBeNull();
        await backend.set("s", "plain", "2", { keepTtl: true, ttlMs: 60_000 });
        expect(await backend.getTtl("s", "plain")).toBeGreaterThan(0);
        await backend.set("s", "short", "1", { ttlMs: 100 });
        await backend.set("s", "zero", "1", { ttlMs: 0 });
        expect(await backend.has("s", "zero")).toBe(false);
        await sleep(250);
        expect(await backend.get("s", "short")).toBeUndefined();
        expect(await backend.has("s", "short")).toBe(false);
      },
    );

    backendTest(
      env,
      "R-set-max-keys",
      "set refuses a new key past maxKeys (LIMIT_EXCEEDED, nothing written); overwrites pass",
      async (backend) => {
        await backend.set("s", "a", "1", { maxKeys: 2 });
        await backend.set("s", "b", "2", { maxKeys: 2 });
        const before = await backend.version("s");
        await expectStoreError(() => backend.set("s", "c", "3", { maxKeys: 2 }), "LIMIT_EXCEEDED");
        expect(await backend.has("s", "c")).toBe(false);
        expect(await backend.version("s")).toBe(before);
        await backend.set("s", "b", "22", { maxKeys: 2 });
        expect((await backend.get("s", "b"))?.value).toBe("22");
        // Expired keys do not count against the limit.
        await backend.set("s", "a", "1", { ttlMs: 50, maxKeys: 2 });
        await sleep(150);
        await backend.set("s", "c", "3", { maxKeys: 2 });
        expect(await backend.count("s")).toBe(2);
      },
    );

    backendTest(
      env,
      "R-max-keys-no-new-key",
      "a write that adds no key passes maxKeys even when the store already holds more (the limit was lowered)",
      async (backend) => {
        await backend.setMany("s", [
          { key: "a", value: "1" },
          { key: "b", value: "2" },
          { key: "c", value: "3" },
        ]);
        await backend.setMany("s", [], { maxKeys: 2 });
        await backend.setMany("s", [{ key: "a", value: "11" }], { maxKeys: 2 });
        await backend.set("s", "b", "22", { maxKeys: 2 });
        expect((await backend.getMany("s", ["a", "b", "c"])).map((e) => e?.value)).toEqual(["11", "22", "3"]);
        await expectStoreError(() => backend.set("s", "d", "4", { maxKeys: 2 }), "LIMIT_EXCEEDED");
        expect(await backend.count("s")).toBe(3);
      },
    );

    ttlBackendTest(
      env,
      "R-set-many",
      "setMany writes atomically at one version, each entry with its own TTL; maxKeys is all-or-nothing",
      async (backend, timing) => {
        const version = await backend.setMany("s", [
          { key: "a", value: "1" },
          { key: "b", value: "2", ttlMs: timing.ms(100) },
          { key: "c", value: "3", ttlMs: null },
          { key: "d", value: "4", ttlMs: 60_000 },
        ]);
        const entries = await backend.getMany("s", ["a", "b", "c", "d"]);
        expect(entries.map((e) => e?.version)).toEqual([version, version, version, version]);
        expect(entries.map((e) => e?.value)).toEqual(["1", "2", "3", "4"]);
        expect(entries[0]?.expiresAt).toBeNull();
        expect(typeof entries[1]?.expiresAt).toBe("number");
        expect(entries[2]?.expiresAt).toBeNull();
        await timing.wait(250);
        expect(await backend.has("s", "b")).toBe(false);
        expect(await backend.has("s", "d")).toBe(true);
        const before = await backend.version("s");
        await expectStoreError(
          () =>
            backend.setMany(
              "s",
              [
                { key: "a", value: "changed" },
                { key: "x", value: "1" },
                { key: "y", value: "2" },
              ],
              { maxKeys: 4 },
            ),
          "LIMIT_EXCEEDED",
        );
        expect((await backend.get("s", "a"))?.value).toBe("1");
        expect(await backend.has("s", "x")).toBe(false);
        expect(await backend.version("s")).toBe(before);
        await backend.setMany("s", [{ key: "x", value: "1" }], { maxKeys: 4 });
        expect(await backend.count("s")).toBe(4);
        await backend.setMany("s", []);
        expect(await backend.count("s")).toBe(4);
      },
    );

    backendTest(
      env,
      "R-delete",
      "delete and deleteMany report per key whether it was live",
      async (backend) => {
        await backend.setMany("s", [
          { key: "a", value: "1" },
          { key: "b", value: "2" },
          { key: "c", value: "3" },
        ]);
        expect(await backend.delete("s", "a")).toBe(true);
        expect(await backend.delete("s", "a")).toBe(false);
        expect(await backend.delete("nowhere", "a")).toBe(false);
        expect(await backend.deleteMany("s", [])).toEqual([]);
        expect(await backend.deleteMany("s", ["b", "missing", "a"])).toEqual([true, false, false]);
        expect(await rawKeys(backend, "s")).toEqual(["c"]);
        await backend.set("s", "t", "1", { ttlMs: 50 });
        await sleep(150);
        expect(await backend.delete("s", "t")).toBe(false);
        expect(await backend.deleteMany("s", ["t", "c"])).toEqual([false, true]);
        expect(await backend.count("s")).toBe(0);
      },
    );

    backendTest(
      env,
      "R-list-keys",
      "listKeys pages with cursor and limit, filters by prefix, lists every key once",
      async (backend) => {
        expect(await rawKeys(backend, "s", 4)).toEqual([]);
        const keys = Array.from({ length: 25 }, (_, i) => (i % 3 === 0 ? `p:${i}` : `q${i}`));
        keys.push("a*", "ab", "a?", "[a]");
        for (const key of keys) await backend.set("s", key, "1");
        await backend.set("other", "p:other", "1");
        const listed = await rawKeys(backend, "s", 4);
        expect(new Set(listed).size).toBe(listed.length);
        if (backend.flags.ordered) expect(listed).toEqual(keys);
        else expect([...listed].sort()).toEqual([...keys].sort());
        const prefixed = await rawKeys(backend, "s", 2, "p:");
        expect([...prefixed].sort()).toEqual(keys.filter((k) => k.startsWith("p:")).sort());
        expect(await rawKeys(backend, "s", 10, "a*")).toEqual(["a*"]);
        expect(await rawKeys(backend, "s", 10, "[a")).toEqual(["[a]"]);
        expect(await rawKeys(backend, "s", 10, "none")).toEqual([]);
        expect(await rawKeys(backend, "s", 1000)).toHaveLength(keys.length);
      },
    );

    backendTest(
      env,
      "R-list-entries",
      "listEntries pages like listKeys and returns each entry as get() does",
      async (backend) => {
        for (let i = 0; i < 12; i++)
          await backend.set("s", `k${i}`, `"${i}"`, i % 2 === 0 ? { ttlMs: 60_000 } : {});
        const seen = new Map<string, unknown>();
        let cursor: string | null = null;
        do {
          const page = await backend.listEntries("s", cursor === null ? { limit: 5 } : { limit: 5, cursor });
          for (const entry of page.entries) {
            expect(seen.has(entry.key)).toBe(false);
            seen.set(entry.key, entry);
            expect(entryFields(await backend.get("s", entry.key))).toEqual(entryFields(entry));
          }
          cursor = page.cursor;
        } while (cursor !== null);
        expect(seen.size).toBe(12);
        const prefixed = await backend.listEntries("s", { prefix: "k1", limit: 100 });
        const all: string[] = prefixed.entries.map((e) => e.key);
        let next = prefixed.cursor;
        while (next !== null) {
          const page = await backend.listEntries("s", { prefix: "k1", limit: 100, cursor: next });
          all.push(...page.entries.map((e) => e.key));
          next = page.cursor;
        }
        expect(all.sort()).toEqual(["k1", "k10", "k11"]);
      },
    );

    backendTest(
      env,
      "R-count-clear",
      "count counts live keys; clear empties one store only",
      async (backend) => {
        expect(await backend.count("s")).toBe(0);
        await backend.setMany("s", [
          { key: "a", value: "1" },
          { key: "b", value: "2" },
        ]);
        await backend.set("s2", "a", "1");
        expect(await backend.count("s")).toBe(2);
        await backend.clear("s");
        await backend.clear("s");
        await backend.clear("nowhere");
        expect(await backend.count("s")).toBe(0);
        expect(await backend.get("s", "a")).toBeUndefined();
        expect(await rawKeys(backend, "s")).toEqual([]);
        expect(await backend.count("s2")).toBe(1);
        await backend.set("s", "c", "3");
        expect(await rawKeys(backend, "s")).toEqual(["c"]);
      },
    );

    backendTest(
      env,
      "R-ttl-methods",
      "getTtl/setTtl: undefined/false when missing, null without expiry, milliseconds left otherwise",
      async (backend) => {
        expect(await backend.getTtl("s", "k")).toBeUndefined();
        expect(await backend.setTtl("s", "k", 1000)).toBe(false);
        expect(await backend.has("s", "k")).toBe(false);
        await backend.set("s", "k", "v");
        expect(await backend.getTtl("s", "k")).toBeNull();
        expect(await backend.setTtl("s", "k", 60_000)).toBe(true);
        const left = await backend.getTtl("s", "k");
        expect(left).toBeGreaterThan(0);
        expect(left).toBeLessThanOrEqual(60_000);
        expect((await backend.get("s", "k"))?.value).toBe("v");
        expect(await backend.setTtl("s", "k", null)).toBe(true);
        expect(await backend.getTtl("s", "k")).toBeNull();
        expect(await backend.setTtl("s", "k", 100)).toBe(true);
        await sleep(250);
        expect(await backend.getTtl("s", "k")).toBeUndefined();
        expect(await backend.setTtl("s", "k", null)).toBe(false);
      },
    );

    backendTest(
      env,
      "R-expiry",
      "an expired key is invisible on every read path before any cleanup",
      async (backend) => {
        await backend.set("s", "live", "1");
        await backend.set("s", "dead", "2", { ttlMs: 60 });
        await backend.setMany("s", [{ key: "dead2", value: "3", ttlMs: 60 }]);
        await sleep(200);
        expect(await backend.get("s", "dead")).toBeUndefined();
        expect((await backend.getMany("s", ["dead", "live", "dead2"])).map(entryFields)).toEqual([
          undefined,
          entryFields(await backend.get("s", "live")),
          undefined,
        ]);
        expect(await backend.has("s", "dead")).toBe(false);
        expect(await backend.getTtl("s", "dead")).toBeUndefined();
        expect(await rawKeys(backend, "s", 1)).toEqual(["live"]);
        expect([...(await rawEntries(backend, "s")).keys()]).toEqual(["live"]);
        expect(await backend.count("s")).toBe(1);
        expect((await backend.load("s")).entries.map((e) => e.key)).toEqual(["live"]);
        expect((await backend.load("s", { keys: ["dead"] })).entries).toEqual([]);
        expect((await backend.changes("s", 0)).entries.map((e) => e.key)).not.toContain("dead");
        expect((await backend.listStores()).find((s) => s.name === "s")?.size).toBe(1);
        const check = await backend.commit("s", { checks: [{ key: "dead", version: null }], writes: [] });
        expect(check.ok).toBe(true);
      },
    );
  });
}
