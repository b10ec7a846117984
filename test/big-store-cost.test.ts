import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, type DataStore, memoryBackend, type SyncBackend } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { sqliteBackend } from "@dictstore/sqlite";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { closeStores, defineStep, type Pd, runStep } from "@dictstore/workflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BetterSqlite3,
  bigKey,
  buildStore,
  type Database,
  probeSqlite,
  redisCost,
  type SqliteProbe,
} from "./big-store-support.ts";

/*
 * Issue 13: a step pays for the keys it touches, not for the size of the store. The same prefix
 * load, prefix listing and working-set step run on a 1,000,000-key store and on a 10,000-key store
 * (built once per run, in batches through the backend); what the backend counts for them (Redis:
 * commands run, scripts' included, and bytes moved; SQLite: rows handed back, statements run and
 * its query plans) must stay within 1.5x on the big store. Nothing here is timed.
 */

const BIG = 1_000_000;
const SMALL = 10_000;
const MAX_RATIO = 1.5;
/** Matches exactly 10 keys in both stores: k:0000120 … k:0000129. */
const PREFIX = "k:000012";

/** Reads 5 keys chosen by the input, writes 2: the working-set step. */
const fiveReadsTwoWrites = defineStep(
  (pd: Pd<{ data_store: DataStore; id: number }>) => {
    const store = pd.inputs.data_store;
    const base = pd.inputs.id * 1000;
    let names = 0;
    for (let i = 0; i < 5; i++) {
      const record = store[bigKey(base + i)] as { name: string } | undefined;
      names += record?.name.length ?? 0;
    }
    store[bigKey(base + 5)] = { id: pd.inputs.id, names };
    store[`visits:${pd.inputs.id}`] = ((store[`visits:${pd.inputs.id}`] as number | undefined) ?? 0) + 1;
    return names;
  },
  { workingSet: true },
);

/** Runs the step until it has learned its working set, then once more: the steady-state run. */
async function steadyRun(backend: Backend, measure: (op: () => Promise<unknown>) => Promise<unknown>) {
  const context = { stores: { data_store: { backend, name: "store" } }, inputs: { id: 7 } };
  for (let i = 0; i < 3; i++) expect(await runStep(fiveReadsTwoWrites, context)).toMatchObject({ ok: true });
  return measure(async () => {
    expect(await runStep(fiveReadsTwoWrites, context)).toMatchObject({ ok: true, attempts: 1 });
  });
}

describe("Redis: cost on a 1,000,000-key store vs a 10,000-key store", () => {
  let server: RedisServer | undefined;
  const backends: Backend[] = [];
  const open = (size: number) => {
    const backend = redisBackend({ url: (server as RedisServer).url, prefix: `size${size}:` });
    backends.push(backend);
    return backend;
  };

  beforeAll(async () => {
    server = await startRedisServer();
    await Promise.all([buildStore(open(BIG), "store", BIG), buildStore(open(SMALL), "store", SMALL)]);
  }, 240_000);

  afterAll(async () => {
    await closeStores();
    for (const backend of backends) await backend.dispose?.();
    await server?.stop();
  });

  const cost = (op: () => Promise<unknown>) => redisCost((server as RedisServer).port, op);

  it("a prefix load of 10 keys and a paged prefix listing", async () => {
    const [big, small] = [open(BIG), open(SMALL)];
    for (const backend of [big, small]) await backend.version("store"); // connected before measuring
    const load = (backend: Backend) => async () =>
      expect((await backend.load("store", { prefixes: [PREFIX] })).entries).toHaveLength(10);
    // Every page of the listing: a page may hold fewer keys than asked (even none) and not be the last.
    const list = (backend: Backend) => async () => {
      const keys: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await backend.listKeys("store", {
          prefix: PREFIX,
          limit: 100,
          ...(cursor ? { cursor } : {}),
        });
        keys.push(...page.keys);
        cursor = page.cursor;
      } while (cursor !== null);
      expect(keys).toHaveLength(10);
    };
    const costs = {
      loadBig: await cost(load(big)),
      loadSmall: await cost(load(small)),
      listBig: await cost(list(big)),
      listSmall: await cost(list(small)),
    };
    console.log("redis prefix cost", JSON.stringify(costs));
    expect(costs.loadBig.totalCalls).toBeLessThanOrEqual(costs.loadSmall.totalCalls * MAX_RATIO);
    expect(costs.loadBig.bytes).toBeLessThanOrEqual(costs.loadSmall.bytes * MAX_RATIO);
    expect(costs.listBig.totalCalls).toBeLessThanOrEqual(costs.listSmall.totalCalls * MAX_RATIO);
    expect(costs.listBig.bytes).toBeLessThanOrEqual(costs.listSmall.bytes * MAX_RATIO);
  });

  it("a working-set step (5 reads, 2 writes) in steady state", async () => {
    const big = await steadyRun(open(BIG), cost);
    const small = await steadyRun(open(SMALL), cost);
    console.log("redis working-set step cost", JSON.stringify({ big, small }));
    const [b, s] = [big as Awaited<ReturnType<typeof cost>>, small as Awaited<ReturnType<typeof cost>>];
    expect(b.totalCalls).toBeLessThanOrEqual(s.totalCalls * MAX_RATIO);
    expect(b.bytes).toBeLessThanOrEqual(s.bytes * MAX_RATIO);
  });
});

describe("SQLite: cost on a 1,000,000-key store vs a 10,000-key store", () => {
  const dir = mkdtempSync(join(tmpdir(), "dictstore-big-"));
  const probes = new Map<number, { probe: SqliteProbe; backend: SyncBackend; db: Database }>();

  beforeAll(async () => {
    for (const size of [BIG, SMALL]) {
      const db = new BetterSqlite3(join(dir, `${size}-${randomUUID()}.db`));
      db.pragma("journal_mode = WAL");
      const probe = probeSqlite(db);
      const backend = sqliteBackend({ database: probe.database, synchronous: "off" });
      await buildStore(backend, "store", size);
      probes.set(size, { probe, backend, db });
    }
  }, 240_000);

  afterAll(async () => {
    await closeStores();
    for (const { backend, db } of probes.values()) {
      backend.dispose?.();
      db.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const of = (size: number) => probes.get(size) as { probe: SqliteProbe; backend: SyncBackend };

  /** No statement the operation ran reads the entries table, or a whole store of it, from end to end. */
  const expectNoScan = (plans: readonly string[]) => {
    for (const plan of plans) {
      expect(plan).not.toMatch(/^SCAN dictstore_entries/);
      expect(plan).not.toMatch(/^SEARCH dictstore_entries USING \w* ?INDEX \w+ \(store=\?\) /);
    }
  };

  it("a prefix load of 10 keys and a paged prefix listing read ranges of the key index", async () => {
    const costs: Record<string, unknown> = {};
    for (const size of [BIG, SMALL]) {
      const { probe, backend } = of(size);
      const load = await probe.measure(() =>
        expect(backend.load("store", { prefixes: [PREFIX] }).entries).toHaveLength(10),
      );
      const list = await probe.measure(() =>
        expect(backend.listKeys("store", { prefix: PREFIX, limit: 4 }).keys).toHaveLength(4),
      );
      expectNoScan(load.plans);
      expectNoScan(list.plans);
      expect(
        load.plans.some((p) =>
          /SEARCH dictstore_entries USING INDEX .*\(store=\? AND key>\? AND key<\?\)/.test(p),
        ),
      ).toBe(true);
      costs[size] = { load, list };
    }
    console.log("sqlite prefix cost", JSON.stringify(costs));
    const [big, small] = [costs[BIG], costs[SMALL]] as { load: { rows: number }; list: { rows: number } }[];
    expect(big?.load.rows).toBeLessThanOrEqual((small?.load.rows ?? 0) * MAX_RATIO);
    expect(big?.list.rows).toBeLessThanOrEqual((small?.list.rows ?? 0) * MAX_RATIO);
  });

  it("a prefix at the very end of the big store costs what the same load costs on the small one", async () => {
    const endOf = (size: number) => bigKey(size - 1).slice(0, -1); // the last 10 keys
    const [big, small] = [of(BIG), of(SMALL)];
    const end = await big.probe.measure(() =>
      expect(big.backend.load("store", { prefixes: [endOf(BIG)] }).entries).toHaveLength(10),
    );
    const reference = await small.probe.measure(() =>
      expect(small.backend.load("store", { prefixes: [endOf(SMALL)] }).entries).toHaveLength(10),
    );
    expectNoScan(end.plans);
    expect(end.rows).toBeLessThanOrEqual(reference.rows * MAX_RATIO);
  });

  it("a working-set step (5 reads, 2 writes)", async () => {
    const big = (await steadyRun(of(BIG).backend, of(BIG).probe.measure)) as Awaited<
      ReturnType<SqliteProbe["measure"]>
    >;
    const small = (await steadyRun(of(SMALL).backend, of(SMALL).probe.measure)) as Awaited<
      ReturnType<SqliteProbe["measure"]>
    >;
    console.log("sqlite working-set step cost", JSON.stringify({ big, small }));
    expectNoScan(big.plans);
    expect(big.rows).toBeLessThanOrEqual(small.rows * MAX_RATIO);
    expect(big.statements).toBeLessThanOrEqual(small.statements * MAX_RATIO);
  });
});

describe("memory: cost on a 1,000,000-key store vs a 10,000-key store", () => {
  const backends = new Map<number, SyncBackend>();

  beforeAll(async () => {
    for (const size of [BIG, SMALL]) {
      const backend = memoryBackend();
      await buildStore(backend, "store", size);
      backends.set(size, backend);
    }
  }, 120_000);

  /**
   * Keys compared with a prefix while `op` runs: every prefix test of a key goes through
   * `String.prototype.startsWith`, so a scan of the store counts each of its keys.
   */
  function prefixTests(op: () => void): number {
    const original = String.prototype.startsWith;
    let calls = 0;
    String.prototype.startsWith = function (this: string, ...args: Parameters<typeof original>) {
      calls++;
      return original.apply(this, args);
    };
    try {
      op();
    } finally {
      String.prototype.startsWith = original;
    }
    return calls;
  }

  it("a prefix load of 10 keys and a paged prefix listing look at the matches, not the store", () => {
    const costs: Record<number, { load: number; list: number }> = {};
    for (const size of [BIG, SMALL]) {
      const backend = backends.get(size) as SyncBackend;
      backend.load("store", { prefixes: ["k:9"] }); // builds the sorted index once
      costs[size] = {
        load: prefixTests(() =>
          expect(backend.load("store", { prefixes: [PREFIX] }).entries).toHaveLength(10),
        ),
        list: prefixTests(() =>
          expect(backend.listKeys("store", { prefix: PREFIX, limit: 4 }).keys).toHaveLength(4),
        ),
      };
    }
    console.log("memory prefix cost", JSON.stringify(costs));
    const [big, small] = [costs[BIG], costs[SMALL]] as { load: number; list: number }[];
    expect(big?.load).toBeLessThanOrEqual((small?.load ?? 0) * MAX_RATIO);
    expect(big?.list).toBeLessThanOrEqual((small?.list ?? 0) * MAX_RATIO);
  });
});
