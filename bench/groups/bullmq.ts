import { randomUUID } from "node:crypto";
import { stepProcessor } from "@dictstore/bullmq";
import { createAsyncStore, type DataStore } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { defineStep, type Pd } from "@dictstore/workflow";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { plainRecord } from "../fixtures.ts";
import type { BenchCase, CaseOps } from "../harness.ts";
import { redisGroup } from "../redis-group.ts";

/*
 * P14: BullMQ jobs/s of a step doing 10 reads + 5 writes through `stepProcessor` (stores opened once
 * per worker, refresh + one idempotent commit per job, logs, result mapping) against a bare BullMQ
 * processor doing the same with awaited ioredis GET/SET, each on its own queue and worker, at
 * concurrency 1 and 16. One op = JOBS jobs added in one addBulk and awaited until the worker has
 * completed them all, so the ratio of times is the inverse ratio of jobs/s: ≥ 0.8× is ≤ 1.25×.
 * Each case prints the per-job overhead (median over its ops) when it ends.
 */

const redis = redisGroup("bullmq");
/** Starts a private redis-server and switches to the wall clock. */
export const groupSetup = redis.groupSetup;
/** Stops the server and restores the clock chosen on the command line. */
export const groupTeardown = redis.groupTeardown;

const JOBS = 128;
const READS = Array.from({ length: 10 }, (_, i) => `read:${i}`);
const WRITES = Array.from({ length: 5 }, (_, i) => `write:${i}`);
type Records = Record<string, unknown>;
type Slot = { slot: number };

/** The step: reads 10 records, writes 5 (each job slot writes its own keys). */
function tenReadsFiveWrites(
  pd: Pd<{ data_store: DataStore<Records> }, { trigger: { event: Slot } }>,
): number {
  const store = pd.inputs.data_store;
  const { slot } = pd.steps.trigger.event;
  let seen = 0;
  for (const key of READS) if (store[key] !== undefined) seen++;
  for (const key of WRITES) store[`${key}:${slot}`] = { ...plainRecord(), seen };
  return seen;
}

/** A queue with its worker; `op()` adds JOBS jobs and resolves once the worker completed them all. */
async function served(
  connection: Redis,
  processor: (job: Job<Slot>) => Promise<unknown>,
  concurrency: number,
) {
  const name = `p14-${randomUUID()}`;
  const queue = new Queue<Slot>(name, { connection });
  const worker = new Worker<Slot>(name, processor, { connection: connection.duplicate(), concurrency });
  await worker.waitUntilReady();
  let waiting: { left: number; resolve: () => void; reject: (error: Error) => void } | undefined;
  worker.on("completed", () => {
    if (waiting !== undefined && --waiting.left === 0) waiting.resolve();
  });
  worker.on("failed", (_job, error) => waiting?.reject(error));
  const jobs = Array.from({ length: JOBS }, (_, i) => ({
    name: "step",
    data: { slot: i % 16 },
    opts: { removeOnComplete: true, removeOnFail: true },
  }));
  const durations: number[] = [];
  const op = async () => {
    const started = performance.now();
    const done = new Promise<void>((resolve, reject) => {
      waiting = { left: JOBS, resolve, reject };
    });
    await queue.addBulk(jobs);
    await done;
    durations.push(performance.now() - started);
  };
  const close = async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  };
  return { op, close, durations };
}

/** The median of the later half of the samples (the first ones include warm-up and calibration). */
function median(values: readonly number[]): number {
  const sorted = values.slice(Math.floor(values.length / 2)).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function p14(concurrency: number): Promise<CaseOps> {
  const url = redis.url();
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const seed = createAsyncStore<Records>({ backend: redisBackend({ url }), name: "p14" });
  for (const key of READS) {
    await seed.set(key, plainRecord());
    await connection.set(`raw:${key}`, JSON.stringify(plainRecord()));
  }
  const processor = stepProcessor(defineStep(tenReadsFiveWrites), {
    stores: { data_store: { url, name: "p14" } },
  });
  const measured = await served(connection, processor, concurrency);
  const bare = await served(
    connection,
    async (job) => {
      let seen = 0;
      for (const key of READS)
        if (JSON.parse((await connection.get(`raw:${key}`)) ?? "null") !== null) seen++;
      for (const key of WRITES)
        await connection.set(`raw:${key}:${job.data.slot}`, JSON.stringify({ ...plainRecord(), seen }));
      return seen;
    },
    concurrency,
  );
  return {
    measured: measured.op,
    baseline: bare.op,
    teardown: async () => {
      const perJob = (median(measured.durations) - median(bare.durations)) / JOBS;
      const jobsPerSecond = (durations: number[]) => Math.round((JOBS * 1000) / median(durations));
      process.stderr.write(
        `  P14 concurrency ${concurrency}: stepProcessor ${jobsPerSecond(measured.durations)} jobs/s, bare ${jobsPerSecond(bare.durations)} jobs/s, overhead ${(perJob * 1000).toFixed(0)} µs per job (median of the later ops of ${JOBS} jobs)\n`,
      );
      await measured.close();
      await bare.close();
      await processor.close();
      await seed.clear();
      await connection.quit();
    },
  };
}

export const cases: BenchCase[] = [1, 16].map(
  (concurrency): BenchCase => ({
    target: "P14",
    name: `BullMQ ${JOBS} jobs via stepProcessor (10 reads + 5 writes), concurrency ${concurrency}`,
    baselineName: `bare BullMQ processor of awaited ioredis GET/SET`,
    maxRatio: 1.25,
    async: true,
    rounds: 12,
    setup: () => p14(concurrency),
  }),
);
