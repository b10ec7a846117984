import { type CommitWrite, memoryBackend, type SyncBackend } from "@dictstore/core";
import { sqliteBackend } from "@dictstore/sqlite";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fakeClock } from "./support.ts";

/*
 * Raw-contract parity with the memory reference backend: random sequences of every backend call,
 * applied to both with the same fake clock, must give the same answers. Version numbers are
 * compared exactly on one store (both count from 0); with several stores they are compared by
 * what they mean (equal or not), because memory's clock is shared by all stores and SQLite's is not.
 */

const KEYS = ["a", "b", "c", "p:1", "p:2", ""] as const;
const STORES = ["s", "t", "u"] as const;

const key = fc.constantFrom(...KEYS);
const value = fc.constantFrom('"x"', "1", "[1,2]", '{"n":null}');
const ttl = fc.option(fc.constantFrom(0, 5, 50, 500), { nil: undefined });
const write: fc.Arbitrary<CommitWrite> = fc.oneof(
  fc.record({ type: fc.constant("delete" as const), key }),
  fc.record(
    {
      type: fc.constant("set" as const),
      key,
      value,
      ttlMs: fc.option(fc.constantFrom(5, 500), { nil: null }),
      keepTtl: fc.boolean(),
    },
    { requiredKeys: ["type", "key", "value"] },
  ),
);

type Op =
  | {
      op: "set";
      key: string;
      value: string;
      ttlMs: number | undefined;
      keepTtl: boolean;
      maxKeys: number | undefined;
    }
  | { op: "setMany"; entries: { key: string; value: string; ttlMs?: number }[]; maxKeys: number | undefined }
  | { op: "delete"; key: string }
  | { op: "deleteMany"; keys: string[] }
  | { op: "clear" }
  | { op: "setTtl"; key: string; ttlMs: number | null }
  | { op: "advance"; ms: number }
  | { op: "read"; key: string }
  | { op: "list"; prefix: string | undefined; limit: number }
  | { op: "snapshot" }
  | { op: "changes"; at: number }
  | { op: "load"; keys: string[] | undefined; prefixes: string[] | undefined }
  | {
      op: "commit";
      checks: { key: string; stale: boolean }[];
      writes: CommitWrite[];
      maxKeys: number | undefined;
    }
  | { op: "store"; action: "create" | "drop" | "rename" | "switch"; to: string };

const maxKeys = fc.option(fc.constantFrom(2, 4), { nil: undefined });
const ops = (withStores: boolean): fc.Arbitrary<Op[]> => {
  const list: fc.Arbitrary<Op>[] = [
    fc.record({ op: fc.constant("set" as const), key, value, ttlMs: ttl, keepTtl: fc.boolean(), maxKeys }),
    fc.record({
      op: fc.constant("setMany" as const),
      entries: fc.array(
        fc.record({ key, value, ttlMs: fc.constantFrom(5, 500) }, { requiredKeys: ["key", "value"] }),
        { maxLength: 4 },
      ),
      maxKeys,
    }),
    fc.record({ op: fc.constant("delete" as const), key }),
    fc.record({ op: fc.constant("deleteMany" as const), keys: fc.array(key, { maxLength: 4 }) }),
    fc.record({ op: fc.constant("clear" as const) }),
    fc.record({
      op: fc.constant("setTtl" as const),
      key,
      ttlMs: fc.option(fc.constantFrom(0, 5, 500), { nil: null }),
    }),
    fc.record({ op: fc.constant("advance" as const), ms: fc.constantFrom(1, 5, 60) }),
    fc.record({ op: fc.constant("read" as const), key }),
    fc.record({
      op: fc.constant("list" as const),
      prefix: fc.option(fc.constantFrom("p:", "a", ""), { nil: undefined }),
      limit: fc.integer({ min: 1, max: 4 }),
    }),
    fc.record({ op: fc.constant("snapshot" as const) }),
    fc.record({ op: fc.constant("changes" as const), at: fc.nat(20) }),
    fc.record({
      op: fc.constant("load" as const),
      keys: fc.option(fc.array(key, { maxLength: 3 }), { nil: undefined }),
      prefixes: fc.option(fc.array(fc.constantFrom("p:", "b"), { maxLength: 2 }), { nil: undefined }),
    }),
    fc.record({
      op: fc.constant("commit" as const),
      checks: fc.array(fc.record({ key, stale: fc.boolean() }), { maxLength: 3 }),
      writes: fc.array(write, { maxLength: 4 }),
      maxKeys,
    }),
  ];
  if (withStores) {
    list.push(
      fc.record({
        op: fc.constant("store" as const),
        action: fc.constantFrom("create" as const, "drop" as const, "rename" as const, "switch" as const),
        to: fc.constantFrom(...STORES),
      }),
    );
  }
  return fc.array(fc.oneof(...list), { maxLength: 40 });
};

/** One backend under test with its own view of the run: current store and recorded versions. */
class Side {
  store = "s";
  readonly snapshots: number[] = [];

  constructor(readonly backend: SyncBackend) {}

  /** Runs one op; returns its answer with versions either kept or reduced to what they mean. */
  apply(op: Op, exactVersions: boolean): unknown {
    const b = this.backend;
    const s = this.store;
    const v = (version: number | undefined) =>
      exactVersions ? version : version === undefined ? "none" : "some";
    const entry = (
      e: { key?: string; value: string; version: number; expiresAt: number | null } | undefined,
    ) =>
      // Picked field by field: memory's entries also carry its internal `seq`.
      e === undefined
        ? undefined
        : { key: e.key, value: e.value, version: v(e.version), expiresAt: e.expiresAt };
    switch (op.op) {
      case "set": {
        const options = {
          ...(op.ttlMs === undefined ? {} : { ttlMs: op.ttlMs }),
          ...(op.keepTtl ? { keepTtl: true } : {}),
          ...(op.maxKeys === undefined ? {} : { maxKeys: op.maxKeys }),
        };
        return v(b.set(s, op.key, op.value, options));
      }
      case "setMany":
        return v(b.setMany(s, op.entries, op.maxKeys === undefined ? undefined : { maxKeys: op.maxKeys }));
      case "delete":
        return b.delete(s, op.key);
      case "deleteMany":
        return b.deleteMany(s, op.keys);
      case "clear":
        return b.clear(s);
      case "setTtl":
        return b.setTtl(s, op.key, op.ttlMs);
      case "advance":
        return undefined;
      case "read":
        return {
          get: entry(b.get(s, op.key)),
          many: b.getMany(s, [op.key, "a"]).map(entry),
          has: b.has(s, op.key),
          ttl: b.getTtl(s, op.key),
          count: b.count(s),
          version: v(b.version(s)),
          stores: b.listStores(),
          hasStore: STORES.map((name) => b.hasStore(name)),
        };
      case "list": {
        const keys: string[] = [];
        const entries: unknown[] = [];
        let cursor: string | undefined;
        do {
          const options = { limit: op.limit, ...(op.prefix === undefined ? {} : { prefix: op.prefix }) };
          const page = b.listKeys(s, cursor === undefined ? options : { ...options, cursor });
          keys.push(...page.keys);
          cursor = page.cursor ?? undefined;
        } while (cursor !== undefined);
        do {
          const options = { limit: op.limit, ...(op.prefix === undefined ? {} : { prefix: op.prefix }) };
          const page = b.listEntries(s, cursor === undefined ? options : { ...options, cursor });
          entries.push(...page.entries.map(entry));
          cursor = page.cursor ?? undefined;
        } while (cursor !== undefined);
        return { keys, entries };
      }
      case "snapshot":
        this.snapshots.push(b.version(s));
        return undefined;
      case "changes": {
        const since =
          this.snapshots.length === 0 ? 0 : (this.snapshots[op.at % this.snapshots.length] as number);
        const changes = b.changes(s, since);
        return {
          version: v(changes.version),
          reset: changes.reset,
          entries: changes.entries.map(entry),
          // Expired keys are reclaimed lazily, at different moments by each backend: compare the rest.
          deleted: changes.deleted.filter((k) => !ttlKeys.has(k)).sort(),
        };
      }
      case "load": {
        const filter = {
          ...(op.keys === undefined ? {} : { keys: op.keys }),
          ...(op.prefixes === undefined ? {} : { prefixes: op.prefixes }),
        };
        const snapshot = b.load(s, filter);
        return { version: v(snapshot.version), entries: snapshot.entries.map(entry) };
      }
      case "commit": {
        const checks = op.checks.map((check) => ({
          key: check.key,
          version: check.stale ? 999_999 : (b.get(s, check.key)?.version ?? null),
        }));
        const request = {
          checks,
          writes: op.writes,
          ...(op.maxKeys === undefined ? {} : { maxKeys: op.maxKeys }),
        };
        const result = b.commit(s, request);
        return result.ok ? { ok: true, version: v(result.version) } : result;
      }
      case "store": {
        if (op.action === "switch") {
          this.store = op.to;
          this.snapshots.length = 0;
          return undefined;
        }
        if (op.action === "create") return b.createStore(op.to);
        if (op.action === "drop") return b.dropStore(op.to);
        b.renameStore(s, op.to);
        return undefined;
      }
    }
  }
}

/** Keys that ever had a TTL in the current run (see `changes` above). */
const ttlKeys = new Set<string>();

function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: (error as { code?: string }).code ?? String(error) };
  }
}

function runBoth(sequence: Op[], withStores: boolean): void {
  const clock = fakeClock();
  const memory = new Side(memoryBackend({ now: clock.now }));
  // In-memory SQLite: the same SQL as a file, minus the file setup that would dominate 300 runs.
  const sqlite = new Side(sqliteBackend({ path: ":memory:", now: clock.now }));
  ttlKeys.clear();
  try {
    sequence.forEach((op, index) => {
      if (op.op === "set" && op.ttlMs !== undefined) ttlKeys.add(op.key);
      if (op.op === "setMany") for (const e of op.entries) if (e.ttlMs !== undefined) ttlKeys.add(e.key);
      if (op.op === "setTtl") ttlKeys.add(op.key);
      if (op.op === "commit")
        for (const w of op.writes) if (w.type === "set" && w.ttlMs != null) ttlKeys.add(w.key);
      const expected = outcome(() => memory.apply(op, !withStores));
      const actual = outcome(() => sqlite.apply(op, !withStores));
      expect(actual, `op #${index} ${JSON.stringify(op)}`).toEqual(expected);
      if (op.op === "advance") clock.advance(op.ms);
    });
  } finally {
    sqlite.backend.dispose?.();
  }
}

describe("sqliteBackend answers exactly like the memory backend", () => {
  it("on one store, versions included", () => {
    fc.assert(
      fc.property(ops(false), (sequence) => runBoth(sequence, false)),
      { numRuns: 150 },
    );
  }, 60_000);

  it("across created, dropped, renamed and switched stores", () => {
    fc.assert(
      fc.property(ops(true), (sequence) => runBoth(sequence, true)),
      { numRuns: 150 },
    );
  }, 60_000);
});
