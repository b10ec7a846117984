import type { Backend, ChangeSet } from "@dictstore/core";
import { describe, expect } from "vitest";
import { backendTest } from "./harness.ts";
import { entryFields, expectStoreError, rawEntries, sleep } from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";

/** Applies a change set to a map the way a local view would; `reset` means "reload", done here with load(). */
async function applyChanges(
  backend: Backend,
  store: string,
  view: Map<string, string>,
  changes: ChangeSet,
): Promise<void> {
  if (changes.reset) {
    view.clear();
    for (const entry of (await backend.load(store)).entries) view.set(entry.key, entry.value);
    return;
  }
  for (const key of changes.deleted) view.delete(key);
  for (const entry of changes.entries) view.set(entry.key, entry.value);
}

/** The raw Backend contract, versions and the atomic commit: version/changes/load/commit. */
export function registerContractVersionTests(env: SuiteEnv): void {
  describe("R. backend contract: versions, changes, load, commit", () => {
    backendTest(
      env,
      "R-version",
      "version is 0 for a new store and grows with every kind of write, per store",
      async (backend) => {
        expect(await backend.version("s")).toBe(0);
        let last = 0;
        const grew = async (what: string) => {
          const now = await backend.version("s");
          expect(now, `version after ${what}`).toBeGreaterThan(last);
          last = now;
        };
        await backend.set("s", "a", "1");
        await grew("set");
        await backend.setMany("s", [{ key: "b", value: "2" }]);
        await grew("setMany");
        await backend.setTtl("s", "a", 60_000);
        await grew("setTtl");
        await backend.delete("s", "b");
        await grew("delete");
        await backend.set("s", "c", "3");
        await grew("set");
        await backend.deleteMany("s", ["c", "missing"]);
        await grew("deleteMany");
        await backend.commit("s", { checks: [], writes: [{ type: "set", key: "d", value: "4" }] });
        await grew("commit");
        await backend.clear("s");
        await grew("clear");
        await backend.get("s", "a");
        await backend.listKeys("s");
        await backend.count("s");
        await backend.load("s");
        expect(await backend.version("s")).toBe(last);
        // Writes to another store leave this store's version alone.
        await backend.set("other", "a", "1");
        await backend.clear("other");
        expect(await backend.version("s")).toBe(last);
      },
    );

    backendTest(
      env,
      "R-changes",
      "changes(since) lists current entries written since and keys deleted since",
      async (backend) => {
        await backend.setMany("s", [
          { key: "a", value: "1" },
          { key: "b", value: "2" },
          { key: "c", value: "3" },
          { key: "d", value: "4" },
        ]);
        const since = await backend.version("s");
        const view = new Map((await backend.load("s")).entries.map((e) => [e.key, e.value]));
        await backend.set("s", "a", "10");
        await backend.delete("s", "b");
        await backend.deleteMany("s", ["c"]);
        await backend.set("s", "new", "5", { ttlMs: 60_000 });
        await backend.set("s", "tmp", "6");
        await backend.delete("s", "tmp");
        await backend.delete("s", "d");
        await backend.set("s", "d", "40");
        await backend.commit("s", {
          checks: [],
          writes: [
            { type: "delete", key: "new" },
            { type: "set", key: "e", value: "7" },
          ],
        });
        const changes = await backend.changes("s", since);
        expect(changes.version).toBe(await backend.version("s"));
        if (!changes.reset) {
          expect(changes.entries.map((e) => e.key).sort()).toEqual(["a", "d", "e"]);
          for (const entry of changes.entries) {
            expect(entryFields(await backend.get("s", entry.key))).toEqual(entryFields(entry));
          }
          expect(changes.deleted.sort()).toEqual(expect.arrayContaining(["b", "c", "new"]));
          for (const key of changes.deleted) expect(changes.entries.map((e) => e.key)).not.toContain(key);
        }
        await applyChanges(backend, "s", view, changes);
        expect(view).toEqual(await rawEntries(backend, "s"));
        const none = await backend.changes("s", changes.version);
        expect(none).toEqual({ version: changes.version, entries: [], deleted: [], reset: false });
        await backend.clear("s");
        const cleared = await backend.changes("s", changes.version);
        await applyChanges(backend, "s", view, cleared);
        expect(view.size).toBe(0);
        if (!cleared.reset) expect(cleared.deleted.sort()).toEqual(["a", "d", "e"]);
      },
    );

    backendTest(
      env,
      "R-load",
      "load returns a consistent image at the current version, optionally filtered by keys and prefixes",
      async (backend) => {
        expect(await backend.load("s")).toEqual({ version: 0, entries: [] });
        await backend.setMany("s", [
          { key: "user:1", value: "1" },
          { key: "user:2", value: "2", ttlMs: 60_000 },
          { key: "order:1", value: "3" },
          { key: "config", value: "4" },
        ]);
        await backend.set("other", "user:9", "9");
        const full = await backend.load("s");
        expect(full.version).toBe(await backend.version("s"));
        expect(full.entries.map((e) => e.key).sort()).toEqual(["config", "order:1", "user:1", "user:2"]);
        for (const entry of full.entries) {
          expect(entryFields(await backend.get("s", entry.key))).toEqual(entryFields(entry));
        }
        const keyed = await backend.load("s", { keys: ["config", "missing"] });
        expect(keyed.entries.map((e) => e.key)).toEqual(["config"]);
        const prefixed = await backend.load("s", { prefixes: ["user:"] });
        expect(prefixed.entries.map((e) => e.key).sort()).toEqual(["user:1", "user:2"]);
        const both = await backend.load("s", { keys: ["config"], prefixes: ["order:", "nothing:"] });
        expect(both.entries.map((e) => e.key).sort()).toEqual(["config", "order:1"]);
        expect((await backend.load("s", { keys: [] })).entries).toEqual([]);
      },
    );

    backendTest(
      env,
      "R-commit",
      "commit applies every write at one new version, with TTLs and keepTtl",
      async (backend) => {
        await backend.set("s", "gone", "0");
        await backend.set("s", "timed", "0", { ttlMs: 60_000 });
        const expiresAt = (await backend.get("s", "timed"))?.expiresAt;
        const result = await backend.commit("s", {
          checks: [],
          writes: [
            { type: "set", key: "a", value: "1" },
            { type: "set", key: "b", value: "2", ttlMs: 60_000 },
            { type: "delete", key: "gone" },
            { type: "set", key: "timed", value: "1", keepTtl: true },
          ],
        });
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.version).toBe(await backend.version("s"));
        const [a, b, timed] = await backend.getMany("s", ["a", "b", "timed"]);
        expect(entryFields(a)).toEqual({ value: "1", version: result.version, expiresAt: null });
        expect(typeof b?.expiresAt).toBe("number");
        expect(timed?.expiresAt).toBe(expiresAt);
        expect(timed?.version).toBe(result.version);
        expect(await backend.has("s", "gone")).toBe(false);
      },
    );

    backendTest(
      env,
      "R-commit-checks",
      "commit checks versions (null = must be absent) and writes nothing when any check fails",
      async (backend) => {
        const v1 = await backend.set("s", "a", "1");
        await backend.set("s", "b", "2");
        const before = await backend.version("s");
        const stale = await backend.commit("s", {
          checks: [
            { key: "a", version: v1 - 1 },
            { key: "b", version: null },
            { key: "missing", version: null },
          ],
          writes: [
            { type: "set", key: "a", value: "changed" },
            { type: "set", key: "c", value: "3" },
            { type: "delete", key: "b" },
          ],
        });
        expect(stale.ok).toBe(false);
        if (!stale.ok) expect(stale.conflicts.sort()).toEqual(["a", "b"]);
        expect(await backend.version("s")).toBe(before);
        expect(await rawEntries(backend, "s")).toEqual(
          new Map([
            ["a", "1"],
            ["b", "2"],
          ]),
        );
        const missingCheck = await backend.commit("s", {
          checks: [{ key: "missing", version: 12345 }],
          writes: [{ type: "set", key: "c", value: "3" }],
        });
        expect(missingCheck).toEqual({ ok: false, conflicts: ["missing"] });
        const fresh = await backend.commit("s", {
          checks: [
            { key: "a", version: v1 },
            { key: "c", version: null },
          ],
          writes: [
            { type: "set", key: "a", value: "11" },
            { type: "set", key: "c", value: "3" },
          ],
        });
        expect(fresh.ok).toBe(true);
        const replay = await backend.commit("s", {
          checks: [{ key: "a", version: v1 }],
          writes: [{ type: "set", key: "a", value: "x" }],
        });
        expect(replay.ok).toBe(false);
        expect((await backend.get("s", "a"))?.value).toBe("11");
        // An expired key is absent: a null check passes, a version check fails.
        const timed = await backend.set("s", "t", "1", { ttlMs: 50 });
        await sleep(150);
        expect((await backend.commit("s", { checks: [{ key: "t", version: timed }], writes: [] })).ok).toBe(
          false,
        );
        expect(
          (
            await backend.commit("s", {
              checks: [{ key: "t", version: null }],
              writes: [{ type: "set", key: "t", value: "2" }],
            })
          ).ok,
        ).toBe(true);
        expect((await backend.get("s", "t"))?.value).toBe("2");
      },
    );

    backendTest(
      env,
      "R-commit-order",
      "writes of one commit apply in order: set→delete leaves absent, delete→set leaves present",
      async (backend) => {
        await backend.set("s", "y", "0");
        const result = await backend.commit("s", {
          checks: [],
          writes: [
            { type: "set", key: "x", value: "1" },
            { type: "delete", key: "x" },
            { type: "delete", key: "y" },
            { type: "set", key: "y", value: "2" },
            { type: "set", key: "z", value: "first" },
            { type: "set", key: "z", value: "last" },
          ],
        });
        expect(result.ok).toBe(true);
        expect(await backend.has("s", "x")).toBe(false);
        expect((await backend.get("s", "y"))?.value).toBe("2");
        expect((await backend.get("s", "z"))?.value).toBe("last");
      },
    );

    backendTest(
      env,
      "R-commit-max-keys",
      "commit refuses (LIMIT_EXCEEDED, nothing written) when the store would pass maxKeys",
      async (backend) => {
        await backend.setMany("s", [
          { key: "a", value: "1" },
          { key: "b", value: "2" },
        ]);
        const before = await backend.version("s");
        await expectStoreError(
          () =>
            backend.commit("s", {
              checks: [],
              writes: [
                { type: "set", key: "a", value: "changed" },
                { type: "set", key: "c", value: "3" },
              ],
              maxKeys: 2,
            }),
          "LIMIT_EXCEEDED",
        );
        expect(await backend.version("s")).toBe(before);
        expect(await rawEntries(backend, "s")).toEqual(
          new Map([
            ["a", "1"],
            ["b", "2"],
          ]),
        );
        const swap = await backend.commit("s", {
          checks: [],
          writes: [
            { type: "delete", key: "a" },
            { type: "set", key: "c", value: "3" },
            { type: "set", key: "b", value: "22" },
          ],
          maxKeys: 2,
        });
        expect(swap.ok).toBe(true);
        expect(await rawEntries(backend, "s")).toEqual(
          new Map([
            ["b", "22"],
            ["c", "3"],
          ]),
        );
      },
    );

    backendTest(
      env,
      "R-commit-token",
      "a commit retried with the same token is answered from the first result and not applied twice",
      async (backend) => {
        const request = {
          checks: [],
          writes: [{ type: "set", key: "a", value: "1" }],
          token: "token-1",
        } as const;
        const first = await backend.commit("s", request);
        expect(first.ok).toBe(true);
        await backend.set("s", "a", "2");
        const version = await backend.version("s");
        const retry = await backend.commit("s", request);
        expect(retry).toEqual(first);
        expect((await backend.get("s", "a"))?.value).toBe("2");
        expect(await backend.version("s")).toBe(version);
        const other = await backend.commit("s", { ...request, token: "token-2" });
        expect(other.ok).toBe(true);
        expect((await backend.get("s", "a"))?.value).toBe("1");
      },
    );

    backendTest(
      env,
      "R-commit-since",
      "commit with `since` returns what changed since then, own writes included",
      async (backend) => {
        await backend.set("s", "a", "1");
        await backend.set("s", "b", "2");
        const since = await backend.version("s");
        await backend.set("s", "other-writer", "3");
        const result = await backend.commit("s", {
          checks: [],
          writes: [
            { type: "set", key: "mine", value: "4" },
            { type: "delete", key: "a" },
          ],
          since,
        });
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.changes).toBeDefined();
        const changes = result.changes as ChangeSet;
        expect(changes.version).toBe(result.version);
        if (!changes.reset) {
          expect(changes.entries.map((e) => e.key).sort()).toEqual(["mine", "other-writer"]);
          expect(changes.deleted).toEqual(["a"]);
        }
        const plain = await backend.commit("s", {
          checks: [],
          writes: [{ type: "set", key: "x", value: "1" }],
        });
        expect(plain.ok && plain.changes).toBeFalsy();
      },
    );

    backendTest(
      env,
      "R-drop-versions",
      "versions only grow across drop and re-create; changes() never hides the drop",
      async (backend) => {
        await backend.setMany("s", [
          { key: "a", value: "1" },
          { key: "b", value: "2" },
        ]);
        const old = await backend.version("s");
        const view = new Map((await backend.load("s")).entries.map((e) => [e.key, e.value]));
        expect(await backend.dropStore("s")).toBe(true);
        expect(await backend.createStore("s")).toBe(true);
        expect(await backend.version("s")).toBeGreaterThan(old);
        await applyChanges(backend, "s", view, await backend.changes("s", old));
        expect(view.size).toBe(0);
        await backend.set("s", "c", "3");
        expect(await backend.version("s")).toBeGreaterThan(old);
        const again = new Map([
          ["a", "1"],
          ["b", "2"],
        ]);
        await applyChanges(backend, "s", again, await backend.changes("s", old));
        expect(again).toEqual(new Map([["c", "3"]]));
        // Dropped without re-creating: a write re-creates it, still at a higher version.
        const before = await backend.version("s");
        await backend.dropStore("s");
        await backend.set("s", "d", "4");
        expect(await backend.version("s")).toBeGreaterThan(before);
        const third = new Map([["c", "3"]]);
        await applyChanges(backend, "s", third, await backend.changes("s", before));
        expect(third).toEqual(new Map([["d", "4"]]));
      },
    );
  });
}
