import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createStore, isStoreError, type SyncBackend } from "@dictstore/core";
import { sqliteBackend } from "@dictstore/sqlite";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { fakeClock, tempDbPath } from "./support.ts";

const opened: SyncBackend[] = [];
afterEach(() => {
  for (const backend of opened.splice(0)) backend.dispose?.();
});

function open(path: string, options: Omit<Parameters<typeof sqliteBackend>[0], "path"> = {}): SyncBackend {
  const backend = sqliteBackend({ path, ...options });
  opened.push(backend);
  return backend;
}

function expectStoreError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isStoreError(caught), `expected a StoreError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
}

describe("sqliteBackend: the file", () => {
  it("declares itself synchronous, ordered and persistent", () => {
    expect(open(tempDbPath()).flags).toEqual({ sync: true, ordered: true, persistent: true });
    expect(open(":memory:").flags.persistent).toBe(false);
  });

  it("keeps data, versions and TTLs after the backend is reopened", () => {
    const path = tempDbPath();
    const first = sqliteBackend({ path });
    first.set("s", "a", '"one"');
    const version = first.set("s", "b", "2", { ttlMs: 60_000 });
    first.dispose?.();
    const second = open(path);
    expect(second.get("s", "a")?.value).toBe('"one"');
    expect(second.version("s")).toBe(version);
    expect(second.getTtl("s", "b")).toBeGreaterThan(50_000);
    expect(second.listKeys("s").keys).toEqual(["a", "b"]);
  });

  it("uses WAL, and the synchronous level asked for", () => {
    const path = tempDbPath();
    open(path, { synchronous: "full" });
    const db = new BetterSqlite3(path);
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      db.close();
    }
  });

  it("sees another connection's writes at once (no cache)", () => {
    const path = tempDbPath();
    const a = open(path);
    const b = open(path);
    a.set("s", "k", "1");
    expect(b.get("s", "k")?.value).toBe("1");
    b.delete("s", "k");
    expect(a.has("s", "k")).toBe(false);
  });

  it("fails with BACKEND_UNAVAILABLE when the file cannot be opened", () => {
    expectStoreError(
      () => sqliteBackend({ path: join(tempDbPath(), "no", "such", "dir.db") }),
      "BACKEND_UNAVAILABLE",
    );
    const dir = dirname(tempDbPath());
    expectStoreError(() => sqliteBackend({ path: dir }), "BACKEND_UNAVAILABLE");
  });

  it("fails with CORRUPT (not the retryable BACKEND_UNAVAILABLE) on a file that is not a database", () => {
    const path = tempDbPath();
    writeFileSync(
      path,
      "this is not an SQLite database, just text that is long enough to have a header".repeat(20),
    );
    expectStoreError(() => sqliteBackend({ path }), "CORRUPT");
  });

  it("asks for a path or a database", () => {
    expectStoreError(() => sqliteBackend({}), "MISSING_OPTION");
    expectStoreError(
      () => sqliteBackend({ path: tempDbPath(), synchronous: "sometimes" as "full" }),
      "INVALID_ARGUMENT",
    );
    expectStoreError(() => sqliteBackend({ path: tempDbPath(), busyTimeoutMs: -1 }), "INVALID_ARGUMENT");
  });

  it("throws CLOSED after dispose, and dispose twice is harmless", () => {
    const backend = sqliteBackend({ path: tempDbPath() });
    backend.set("s", "k", "1");
    backend.dispose?.();
    backend.dispose?.();
    expectStoreError(() => backend.get("s", "k"), "CLOSED");
    expectStoreError(() => backend.set("s", "k", "2"), "CLOSED");
  });

  it("never closes an injected database", () => {
    const db = new BetterSqlite3(tempDbPath());
    try {
      const backend = sqliteBackend({ database: db });
      backend.set("s", "k", "1");
      backend.dispose?.();
      expect(db.open).toBe(true);
      expect(sqliteBackend({ database: db }).get("s", "k")?.value).toBe("1");
    } finally {
      db.close();
    }
  });
});

describe("sqliteBackend: statements per operation", () => {
  it("a read and an `in` are one SELECT; an overwrite is one BEGIN IMMEDIATE transaction of four statements", () => {
    const traced: string[] = [];
    const db = new BetterSqlite3(tempDbPath(), { verbose: (sql) => traced.push(String(sql)) });
    try {
      const backend = sqliteBackend({ database: db });
      backend.set("s", "k", "1");
      traced.length = 0;
      backend.get("s", "k");
      backend.has("s", "k");
      expect(traced.map((sql) => sql.split(" ")[0])).toEqual(["SELECT", "SELECT"]);
      traced.length = 0;
      backend.set("s", "k", "2");
      expect(traced[0]).toBe("BEGIN IMMEDIATE");
      expect(traced.at(-1)).toBe("COMMIT");
      expect(traced.length).toBe(6);
    } finally {
      db.close();
    }
  });
});

describe("sqliteBackend: read-only", () => {
  it("reads what a writer wrote and refuses every write with READ_ONLY", () => {
    const path = tempDbPath();
    open(path).set("s", "k", "1");
    const reader = open(path, { readonly: true });
    expect(reader.get("s", "k")?.value).toBe("1");
    expectStoreError(() => reader.set("s", "k", "2"), "READ_ONLY");
    expectStoreError(() => reader.delete("s", "k"), "READ_ONLY");
    expectStoreError(() => reader.clear("s"), "READ_ONLY");
    expectStoreError(() => reader.dropStore("s"), "READ_ONLY");
    expect(reader.get("s", "k")?.value).toBe("1");
  });

  it("answers empty on a database without dictstore tables", () => {
    const path = tempDbPath();
    new BetterSqlite3(path).exec("CREATE TABLE other (x)").close();
    const reader = open(path, { readonly: true });
    expect(reader.listStores()).toEqual([]);
    expect(reader.get("s", "k")).toBeUndefined();
  });

  it("fails with BACKEND_UNAVAILABLE when the file does not exist", () => {
    expectStoreError(() => sqliteBackend({ path: tempDbPath(), readonly: true }), "BACKEND_UNAVAILABLE");
  });

  it("maps SQLite's own read-only refusal to READ_ONLY", () => {
    const db = new BetterSqlite3(tempDbPath());
    try {
      const backend = sqliteBackend({ database: db });
      backend.set("s", "k", "1");
      db.pragma("query_only = ON");
      expectStoreError(() => backend.set("s", "k", "2"), "READ_ONLY");
      expect(backend.get("s", "k")?.value).toBe("1");
    } finally {
      db.close();
    }
  });
});

describe("sqliteBackend: listing order and cursors", () => {
  it("lists in insertion order; an update keeps its place, delete + re-insert moves it last", () => {
    const b = open(tempDbPath());
    for (const key of ["a", "b", "c"]) b.set("s", key, "1");
    b.set("s", "a", "2");
    expect(b.listKeys("s").keys).toEqual(["a", "b", "c"]);
    b.delete("s", "a");
    b.set("s", "a", "3");
    expect(b.listKeys("s").keys).toEqual(["b", "c", "a"]);
  });

  it("pages with a cursor: no repeat and no skip of a key that stays while others are written", () => {
    const b = open(tempDbPath());
    const stable = Array.from({ length: 250 }, (_, i) => `stable-${i}`);
    for (const key of stable) b.set("s", key, "1");
    const seen: string[] = [];
    let cursor: string | undefined;
    let round = 0;
    do {
      const page = b.listKeys("s", cursor === undefined ? { limit: 7 } : { limit: 7, cursor });
      expect(page.keys.length).toBeLessThanOrEqual(7);
      seen.push(...page.keys);
      // Churn between pages: new keys, deleted churn keys, updates of stable keys.
      b.set("s", `churn-${round}`, "x");
      if (round > 0) b.delete("s", `churn-${round - 1}`);
      b.set("s", stable[(round * 13) % stable.length] as string, `${round}`);
      round++;
      cursor = page.cursor ?? undefined;
    } while (cursor !== undefined);
    const stableSeen = seen.filter((key) => key.startsWith("stable-"));
    expect(stableSeen).toEqual(stable);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("filters by prefix across pages, in key order (a range of the key index)", () => {
    const b = open(tempDbPath());
    for (let i = 0; i < 600; i++) b.set("s", i % 3 === 0 ? `p:${i}` : `q:${i}`, "1");
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = b.listEntries(
        "s",
        cursor === undefined ? { prefix: "p:", limit: 50 } : { prefix: "p:", limit: 50, cursor },
      );
      keys.push(...page.entries.map((e) => e.key));
      cursor = page.cursor ?? undefined;
    } while (cursor !== undefined);
    expect(keys).toEqual(Array.from({ length: 200 }, (_, i) => `p:${i * 3}`).sort());
  });

  it("rejects a cursor it never returned", () => {
    expectStoreError(() => open(tempDbPath()).listKeys("s", { cursor: "nope" }), "INVALID_ARGUMENT");
  });
});

describe("sqliteBackend: TTL", () => {
  it("hides an expired key from every read path and reclaims its row", () => {
    const clock = fakeClock();
    const path = tempDbPath();
    const b = open(path, { now: clock.now });
    b.set("s", "gone", "1", { ttlMs: 1000 });
    b.set("s", "kept", "2");
    clock.advance(1000);
    expect(b.get("s", "gone")).toBeUndefined();
    expect(b.getMany("s", ["gone", "kept"]).map((e) => e?.value)).toEqual([undefined, "2"]);
    expect(b.has("s", "gone")).toBe(false);
    expect(b.getTtl("s", "gone")).toBeUndefined();
    expect(b.setTtl("s", "gone", null)).toBe(false);
    expect(b.listKeys("s").keys).toEqual(["kept"]);
    expect(b.listEntries("s").entries.map((e) => e.key)).toEqual(["kept"]);
    expect(b.count("s")).toBe(1);
    expect(b.listStores()).toEqual([{ name: "s", size: 1 }]);
    expect(b.load("s").entries.map((e) => e.key)).toEqual(["kept"]);
    expect(b.changes("s", 0).entries.map((e) => e.key)).toEqual(["kept"]);
    // The next write reclaims the row itself.
    b.set("s", "other", "3");
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      expect(db.prepare("SELECT key FROM dictstore_entries ORDER BY seq").pluck().all()).toEqual([
        "kept",
        "other",
      ]);
    } finally {
      db.close();
    }
  });

  it("keeps the TTL on keepTtl writes and drops it on plain overwrites", () => {
    const clock = fakeClock();
    const b = open(tempDbPath(), { now: clock.now });
    b.set("s", "k", "1", { ttlMs: 5000 });
    b.set("s", "k", "2", { keepTtl: true });
    expect(b.getTtl("s", "k")).toBe(5000);
    b.commit("s", { checks: [], writes: [{ type: "set", key: "k", value: "3", keepTtl: true }] });
    expect(b.getTtl("s", "k")).toBe(5000);
    b.set("s", "k", "4");
    expect(b.getTtl("s", "k")).toBeNull();
  });

  it("lets an expired key count as absent for maxKeys and conditional commits", () => {
    const clock = fakeClock();
    const b = open(tempDbPath(), { now: clock.now });
    b.set("s", "a", "1", { ttlMs: 10 });
    b.set("s", "b", "1");
    clock.advance(10);
    expect(() => b.set("s", "c", "1", { maxKeys: 2 })).not.toThrow();
    expect(
      b.commit("s", {
        checks: [{ key: "a", version: null }],
        writes: [{ type: "set", key: "a", value: "2" }],
      }).ok,
    ).toBe(true);
  });
});

describe("sqliteBackend: versions and changes", () => {
  it("bumps the store version on every write; a key's version is the version of its last write", () => {
    const b = open(tempDbPath());
    const v1 = b.set("s", "a", "1");
    const v2 = b.setMany("s", [
      { key: "b", value: "1" },
      { key: "c", value: "1" },
    ]);
    expect(v2).toBeGreaterThan(v1);
    expect(b.get("s", "a")?.version).toBe(v1);
    expect(b.get("s", "c")?.version).toBe(v2);
    expect(b.delete("s", "missing")).toBe(false);
    expect(b.version("s")).toBe(v2); // nothing written, no bump
    b.delete("s", "a");
    expect(b.version("s")).toBeGreaterThan(v2);
  });

  it("never reuses versions after a drop and re-create, nor after a rename away", () => {
    const b = open(tempDbPath());
    for (let i = 0; i < 5; i++) b.set("s", `k${i}`, "1");
    const before = b.version("s");
    expect(b.dropStore("s")).toBe(true);
    expect(b.set("s", "k0", "1")).toBeGreaterThan(before);
    const last = b.version("s");
    b.renameStore("s", "t");
    expect(b.version("t")).toBeGreaterThan(last);
    expect(b.set("s", "x", "1")).toBeGreaterThan(last);
  });

  it("reports changes and deletions since a version, and reset once tombstones were trimmed", () => {
    const b = open(tempDbPath());
    b.set("s", "a", "1");
    const since = b.set("s", "b", "1");
    b.set("s", "c", "1");
    b.delete("s", "a");
    const changes = b.changes("s", since);
    expect(changes).toMatchObject({ version: b.version("s"), deleted: ["a"], reset: false });
    expect(changes.entries.map((e) => e.key)).toEqual(["c"]);
    expect(b.changes("s", b.version("s") + 1).reset).toBe(true);
    expect(b.changes("missing", 0)).toEqual({ version: 0, entries: [], deleted: [], reset: false });
    // 10,001 deletions: the oldest are forgotten, so asking from before them needs a reload.
    const early = b.version("s");
    b.setMany(
      "s",
      Array.from({ length: 10_001 }, (_, i) => ({ key: `t${i}`, value: "1" })),
    );
    b.deleteMany(
      "s",
      Array.from({ length: 10_001 }, (_, i) => `t${i}`),
    );
    b.setMany(
      "s",
      Array.from({ length: 10 }, (_, i) => ({ key: `u${i}`, value: "1" })),
    );
    b.deleteMany(
      "s",
      Array.from({ length: 10 }, (_, i) => `u${i}`),
    );
    expect(b.changes("s", early).reset).toBe(true);
    const recent = b.changes("s", b.version("s") - 1);
    expect(recent.reset).toBe(false);
    expect(recent.deleted.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `u${i}`).sort());
  });

  it("a key written again after its deletion is a change, not a deletion", () => {
    const b = open(tempDbPath());
    const since = b.set("s", "a", "1");
    b.delete("s", "a");
    b.set("s", "a", "2");
    const changes = b.changes("s", since);
    expect(changes.deleted).toEqual([]);
    expect(changes.entries.map((e) => [e.key, e.value])).toEqual([["a", "2"]]);
  });
});

describe("sqliteBackend: the conditional commit", () => {
  it("writes nothing when any check fails, and all writes in order when all hold", () => {
    const b = open(tempDbPath());
    const va = b.set("s", "a", "1");
    const before = b.version("s");
    const refused = b.commit("s", {
      checks: [
        { key: "a", version: va },
        { key: "b", version: 12345 },
      ],
      writes: [
        { type: "set", key: "a", value: "2" },
        { type: "delete", key: "a" },
      ],
    });
    expect(refused).toEqual({ ok: false, conflicts: ["b"] });
    expect(b.version("s")).toBe(before);
    expect(b.get("s", "a")?.value).toBe("1");
    const done = b.commit("s", {
      checks: [
        { key: "a", version: va },
        { key: "b", version: null },
      ],
      writes: [
        { type: "delete", key: "a" },
        { type: "set", key: "a", value: "3" },
        { type: "set", key: "b", value: "4", ttlMs: 60_000 },
      ],
      since: before,
    });
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(b.get("s", "a")).toEqual({ value: "3", version: done.version, expiresAt: null });
    expect(done.changes?.entries.map((e) => e.key).sort()).toEqual(["a", "b"]);
  });

  it("refuses a commit past maxKeys with LIMIT_EXCEEDED and writes nothing", () => {
    const b = open(tempDbPath());
    b.setMany("s", [
      { key: "a", value: "1" },
      { key: "b", value: "1" },
    ]);
    const before = b.version("s");
    expectStoreError(
      () =>
        b.commit("s", {
          checks: [],
          writes: [
            { type: "set", key: "a", value: "2" },
            { type: "set", key: "c", value: "1" },
          ],
          maxKeys: 2,
        }),
      "LIMIT_EXCEEDED",
    );
    expect(b.version("s")).toBe(before);
    expect(b.get("s", "a")?.value).toBe("1");
    // Deleting one first makes room in the same commit.
    const ok = b.commit("s", {
      checks: [],
      writes: [
        { type: "delete", key: "a" },
        { type: "set", key: "c", value: "1" },
      ],
      maxKeys: 2,
    });
    expect(ok.ok).toBe(true);
    expectStoreError(() => b.set("s", "d", "1", { maxKeys: 2 }), "LIMIT_EXCEEDED");
    b.set("s", "c", "overwrite at the limit is fine", { maxKeys: 2 });
  });

  it("answers a retried token from the first result, across connections", () => {
    const path = tempDbPath();
    const a = open(path);
    const b = open(path);
    const request = {
      checks: [{ key: "n", version: null }],
      writes: [{ type: "set" as const, key: "n", value: "1" }],
      token: "t-1",
    };
    const first = a.commit("s", request);
    const again = b.commit("s", request);
    expect(again).toEqual(first);
    expect(first.ok).toBe(true);
    expect(a.version("s")).toBe(first.ok ? first.version : -1);
  });
});

describe("sqliteBackend: named stores", () => {
  it("keeps stores apart, lists them sorted with live sizes, renames and drops them", () => {
    const b = open(tempDbPath());
    b.set("users", "k", "1");
    b.set("users2", "k", "2");
    b.set("9nine", "k", "3");
    b.set('has "quotes"', "x", "1");
    expect(b.createStore("empty")).toBe(true);
    expect(b.createStore("empty")).toBe(false);
    b.clear("users");
    expect(b.get("users2", "k")?.value).toBe("2");
    expect(b.listStores()).toEqual([
      { name: "9nine", size: 1 },
      { name: "empty", size: 0 },
      { name: 'has "quotes"', size: 1 },
      { name: "users", size: 0 },
      { name: "users2", size: 1 },
    ]);
    expectStoreError(() => b.renameStore("nope", "x"), "STORE_NOT_FOUND");
    expectStoreError(() => b.renameStore("users2", "9nine"), "STORE_EXISTS");
    b.renameStore("users2", "renamed");
    expect(b.hasStore("users2")).toBe(false);
    expect(b.get("renamed", "k")?.value).toBe("2");
    expect(b.listKeys("users2").keys).toEqual([]);
    expect(b.dropStore("renamed")).toBe(true);
    expect(b.dropStore("renamed")).toBe(false);
    expect(b.hasStore("renamed")).toBe(false);
    expect(b.get("renamed", "k")).toBeUndefined();
  });

  it("round-trips keys with NUL, CRLF, quotes, emoji and NFC/NFD forms exactly", () => {
    const b = open(tempDbPath());
    const keys = ["a\u0000b", "line\r\nbreak", "'key; GET x'", "😀", "é", "e\u0301", "", "*?[]{}"];
    for (const [i, key] of keys.entries()) b.set("s", key, String(i));
    expect(b.listKeys("s").keys).toEqual(keys);
    for (const [i, key] of keys.entries()) expect(b.get("s", key)?.value).toBe(String(i));
    expect(b.has("s", "a")).toBe(false);
  });
});

describe("sqliteBackend: through createStore", () => {
  it("is a dict store whose data outlives the backend", () => {
    const path = tempDbPath();
    const backend = sqliteBackend({ path });
    const first = createStore<Record<string, unknown>>({ backend, name: "counter" });
    first.counter = 1;
    first.emails = ["a@example.com"];
    backend.dispose?.();
    expect(existsSync(path)).toBe(true);
    const second = createStore<Record<string, unknown>>({ backend: open(path), name: "counter" });
    expect(second.counter).toBe(1);
    expect(second.emails).toEqual(["a@example.com"]);
    expect("counter" in second).toBe(true);
  });
});
