import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type Backend, close, type DataStore, openStore } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { sqliteBackend } from "@dictstore/sqlite";
import { redisCommand } from "@dictstore/testing";
import { closeStores, defineStep, type Pd, runStep } from "@dictstore/workflow";
import { bigKey, buildStore } from "../../test/big-store-support.ts";
import type { BenchCase } from "../harness.ts";
import { redisGroup } from "../redis-group.ts";

/*
 * Issue 13, huge stores: a step pays for the keys it touches, not for the size of the store. Each
 * case builds a big and a small store (in batches through the backend, in its own process, on the
 * group's private redis-server or in a temporary SQLite file) and times the same operation on both:
 * the big store is the measurement, the small one the baseline, so the ratio is what the store's
 * size costs (target ≤ 1.5×). Wall clock: round trips and the server's work are the cost.
 * Full-view open rows are context (no target): they print the per-key time and memory of a view.
 */

const redis = redisGroup("big-store");
/** Starts a private redis-server and switches to the wall clock. */
export const groupSetup = redis.groupSetup;
/** Stops the server and restores the clock chosen on the command line. */
export async function groupTeardown(): Promise<void> {
  await closeStores();
  await redis.groupTeardown();
}

/** Matches exactly 10 keys of every store built here: k:0000120 … k:0000129. */
const PREFIX = "k:000012";
const K = 1000;

const sizeName = (size: number) => (size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / K}k`);

async function redisStores(...sizes: number[]): Promise<Backend[]> {
  // A generous timeout: until the Redis key index lands, a prefix load scans the whole hash in one script.
  const backends = sizes.map((size) =>
    redisBackend({ url: redis.url(), prefix: `big${size}:`, timeoutMs: 120_000 }),
  );
  for (const [i, backend] of backends.entries()) await buildStore(backend, "store", sizes[i] as number);
  return backends;
}

/** A prefix load of 10 keys on a Redis store of `size` keys, against the same load on 10,000 keys. */
function redisPrefixLoad(size: number): BenchCase {
  return {
    target: "BIG",
    name: `Redis prefix load of 10 keys, ${sizeName(size)}-key store`,
    baselineName: "the same on a 10k-key store",
    maxRatio: 1.5,
    async: true,
    rounds: 10,
    async setup() {
      const [big, small] = (await redisStores(size, 10 * K)) as [Backend, Backend];
      return {
        measured: () => big.load("store", { prefixes: [PREFIX] }),
        baseline: () => small.load("store", { prefixes: [PREFIX] }),
        teardown: async () => {
          await big.dispose?.();
          await small.dispose?.();
        },
      };
    },
  };
}

/** A prefix load of 10 keys on a SQLite store of `size` keys, against the same load on 10,000 keys. */
function sqlitePrefixLoad(size: number): BenchCase {
  return {
    target: "BIG",
    name: `SQLite prefix load of 10 keys, ${sizeName(size)}-key store`,
    baselineName: "the same on a 10k-key store",
    maxRatio: 1.5,
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), "dictstore-bench-big-"));
      const [big, small] = [size, 10 * K].map((n) =>
        sqliteBackend({ path: join(dir, `${n}.db`), synchronous: "off" }),
      ) as [Backend<true>, Backend<true>];
      await buildStore(big, "store", size);
      await buildStore(small, "store", 10 * K);
      return {
        measured: () => big.load("store", { prefixes: [PREFIX] }),
        baseline: () => small.load("store", { prefixes: [PREFIX] }),
        teardown: () => {
          big.dispose?.();
          small.dispose?.();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** The step: reads 5 keys chosen by its input, writes 2. */
const step = defineStep(
  (pd: Pd<{ data_store: DataStore; id: number }>) => {
    const store = pd.inputs.data_store;
    const base = pd.inputs.id * K;
    let names = 0;
    for (let i = 0; i < 5; i++) names += (store[bigKey(base + i)] as { name: string }).name.length;
    store[bigKey(base + 5)] = { id: pd.inputs.id, names };
    store[`visits:${pd.inputs.id}`] = ((store[`visits:${pd.inputs.id}`] as number | undefined) ?? 0) + 1;
    return names;
  },
  { workingSet: true },
);

/** Commands the server ran since the last call (scripts' commands included). */
async function commandsSince(port: number): Promise<number> {
  const info = await redisCommand(port, ["INFO", "commandstats"]);
  await redisCommand(port, ["CONFIG", "RESETSTAT"]);
  let calls = 0;
  for (const m of info.matchAll(/^cmdstat_(?!info|config)[^:]+:calls=(\d+)/gm)) calls += Number(m[1]);
  return calls;
}

/** Forces a full collection (bench processes run without --expose-gc). */
function collect(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export const cases: BenchCase[] = [
  redisPrefixLoad(100 * K),
  redisPrefixLoad(1000 * K),
  sqlitePrefixLoad(100 * K),
  sqlitePrefixLoad(1000 * K),
  {
    target: "BIG",
    name: "Redis working-set step (5 reads, 2 writes), steady state, 1M-key store",
    baselineName: "the same step on a 10k-key store",
    maxRatio: 1.5,
    async: true,
    async setup() {
      const [big, small] = (await redisStores(1000 * K, 10 * K)) as [Backend, Backend];
      const port = Number(new URL(redis.url()).port);
      const run = (backend: Backend, id: number) =>
        runStep(step, { stores: { data_store: { backend, name: "store" } }, inputs: { id } });
      for (const [label, backend] of [
        ["1M", big],
        ["10k", small],
      ] as const) {
        collect();
        const rss = process.memoryUsage().rss;
        await commandsSince(port);
        const first = await run(backend, 7);
        const firstCommands = await commandsSince(port);
        for (let i = 0; i < 3; i++) await run(backend, 7);
        collect();
        process.stderr.write(
          `  working-set step on the ${label}-key store: first run ${first.attempts} handler runs, ${firstCommands} Redis commands; RSS +${mib(process.memoryUsage().rss - rss)} after 4 runs\n`,
        );
      }
      return {
        measured: () => run(big, 7),
        baseline: () => run(small, 7),
        teardown: async () => {
          await closeStores();
          await big.dispose?.();
          await small.dispose?.();
        },
      };
    },
  },
  {
    target: "BIG",
    name: "Redis full-view open (await openStore + close), 400k-key store",
    baselineName: "the same on a 100k-key store",
    async: true,
    rounds: 3,
    async setup() {
      const [big, small] = (await redisStores(400 * K, 100 * K)) as [Backend, Backend];
      // Smaller first, and both held until the end: a view closed before the next measurement
      // would be collected during it and make its delta negative.
      const views: DataStore[] = [];
      for (const [size, backend] of [
        [100 * K, small],
        [400 * K, big],
      ] as const) {
        collect();
        const before = process.memoryUsage();
        const started = performance.now();
        views.push(await openStore({ backend, name: "store" }));
        const ms = performance.now() - started;
        collect();
        const after = process.memoryUsage();
        process.stderr.write(
          `  full view of ${sizeName(size)} keys: open ${ms.toFixed(0)} ms (${((ms * 1000) / size).toFixed(2)} µs a key); heap +${mib(after.heapUsed - before.heapUsed)} (${((after.heapUsed - before.heapUsed) / size).toFixed(0)} B a key), RSS +${mib(after.rss - before.rss)} (${((after.rss - before.rss) / size).toFixed(0)} B a key)\n`,
        );
      }
      for (const view of views) await close(view);
      const open = (backend: Backend) => async () => close(await openStore({ backend, name: "store" }));
      return {
        measured: open(big),
        baseline: open(small),
        teardown: async () => {
          await big.dispose?.();
          await small.dispose?.();
        },
      };
    },
  },
];
