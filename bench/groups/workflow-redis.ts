import { createAsyncStore, type DataStore, openStore } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { closeStores, defineStep, type Pd, runStep } from "@dictstore/workflow";
import { Redis } from "ioredis";
import { plainRecord } from "../fixtures.ts";
import type { BenchCase } from "../harness.ts";
import { redisGroup } from "../redis-group.ts";
import { type CounterRecords, counterOverhead } from "../workflow-steps.ts";

/*
 * The workflow runtime over Redis, on the wall clock (the round trips are the cost):
 * - runStep overhead: a counter step through runStep (refresh + one atomic commit of the staged
 *   writes + output gate) against the same handler called directly on an opened local view,
 *   followed by `await flush` (one commit). Context row.
 * - P10: 16 steps in flight in one process, each 10 reads + 5 writes of plain records, through
 *   runStep, against the same step written with awaited ioredis calls (GET + JSON.parse, SET of
 *   JSON.stringify) and against the all-async store API. One op = one batch of 16 concurrent
 *   steps, so the ratio of times is the inverse ratio of steps/s: ≥ 0.8× throughput is ≤ 1.25×.
 */

// The stores runStep opened by URL are closed before the server stops.
const redis = redisGroup("workflow-redis", { beforeStop: closeStores });
const url = redis.url;
/** Starts a private redis-server and switches to the wall clock. */
export const groupSetup = redis.groupSetup;
/** Stops the server and restores the clock chosen on the command line. */
export const groupTeardown = redis.groupTeardown;

type Records = Record<string, unknown>;
type Inputs = { data_store: DataStore<Records> };

const IN_FLIGHT = 16;
const READS = Array.from({ length: 10 }, (_, i) => `read:${i}`);
const WRITES = Array.from({ length: 5 }, (_, i) => `write:${i}`);

/** The P9/P10 step: reads 10 records, writes 5 (each in-flight slot writes its own keys). */
function tenReadsFiveWrites(pd: Pd<Inputs>): number {
  const store = pd.inputs.data_store;
  const slot = pd.meta.slot as number;
  let seen = 0;
  for (const key of READS) if (store[key] !== undefined) seen++;
  for (const key of WRITES) store[`${key}:${slot}`] = { ...plainRecord(), seen };
  return seen;
}

/**
 * Writes the records the P10 steps read, with a raw client and the store alike; returns that
 * client (which fails, never hangs, if the server goes away).
 */
async function seedP10(): Promise<Redis> {
  const raw = new Redis(url(), { maxRetriesPerRequest: 1 });
  const store = createAsyncStore<Records>({ backend: redisBackend({ url: url() }), name: "wf-p10" });
  for (const key of READS) {
    await store.set(key, plainRecord());
    await raw.set(`raw:${key}`, JSON.stringify(plainRecord()));
  }
  return raw;
}

/** The measured op of P10 (IN_FLIGHT runStep at once), and the contexts of its slots. */
function stepsInFlight() {
  const step = defineStep(tenReadsFiveWrites);
  const stores = { data_store: { url: url(), name: "wf-p10" } };
  const contexts = Array.from({ length: IN_FLIGHT }, (_, slot) => ({ stores, meta: { slot } }));
  return { contexts, measured: () => Promise.all(contexts.map((context) => runStep(step, context))) };
}

export const cases: BenchCase[] = [
  {
    target: "WF",
    name: "runStep(counter) over Redis",
    baselineName: "counter(pd) on an open view + await flush",
    async: true,
    async setup() {
      const backend = redisBackend({ url: url() });
      const store = await openStore<CounterRecords>({ backend, name: "wf-overhead" });
      return { ...counterOverhead(store), teardown: () => backend.dispose?.() };
    },
  },
  {
    target: "P10",
    name: `${IN_FLIGHT} runStep in flight (10 reads + 5 writes each)`,
    baselineName: `${IN_FLIGHT} steps of awaited ioredis GET/SET`,
    maxRatio: 1.25,
    async: true,
    async setup() {
      const raw = await seedP10();
      const { contexts, measured } = stepsInFlight();
      const rawStep = async (slot: number) => {
        let seen = 0;
        for (const key of READS) if (JSON.parse((await raw.get(`raw:${key}`)) ?? "null") !== null) seen++;
        for (const key of WRITES)
          await raw.set(`raw:${key}:${slot}`, JSON.stringify({ ...plainRecord(), seen }));
        return seen;
      };
      return {
        measured,
        baseline: () => Promise.all(contexts.map((_, slot) => rawStep(slot))),
        teardown: async () => {
          await raw.quit();
        },
      };
    },
  },
  {
    target: "P10",
    name: `${IN_FLIGHT} runStep in flight (10 reads + 5 writes each)`,
    baselineName: `${IN_FLIGHT} steps of the awaited async store API`,
    maxRatio: 1.25,
    async: true,
    async setup() {
      await (await seedP10()).quit();
      const backend = redisBackend({ url: url() });
      const asyncStore = createAsyncStore<Records>({ backend, name: "wf-p10" });
      const { contexts, measured } = stepsInFlight();
      const asyncStep = async (slot: number) => {
        let seen = 0;
        for (const key of READS) if ((await asyncStore.get(key)) !== undefined) seen++;
        for (const key of WRITES) await asyncStore.set(`${key}:${slot}`, { ...plainRecord(), seen });
        return seen;
      };
      return {
        measured,
        baseline: () => Promise.all(contexts.map((_, slot) => asyncStep(slot))),
        teardown: () => backend.dispose?.(),
      };
    },
  },
];
