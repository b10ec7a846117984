import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { close, createAsyncStore } from "@dictstore/core";
import { type RedisServer, startRedisServer, waitFor } from "@dictstore/testing";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { ChildConfig } from "./fixtures/worker-child.ts";
import { addJobs, startWorker, stopWorkers, type WorkerProcess, waitForCompleted } from "./support.ts";

/*
 * The exactly-once tests: worker processes serve one queue on a private redis-server through
 * stepProcessor; one of them is SIGKILLed and restarted over and over while they work. Jobs a dead
 * worker held are re-run by BullMQ (stalled jobs); the count must still be exact.
 */

const JOBS = 2000;
const WORKERS = 4;

let server: RedisServer;
let connection: Redis;
let dir: string;

beforeAll(async () => {
  server = await startRedisServer();
  connection = new Redis(server.url, { maxRetriesPerRequest: null });
  dir = mkdtempSync(join(tmpdir(), "dictstore-bullmq-"));
}, 30_000);

afterAll(async () => {
  await connection?.quit();
  await server?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function baseConfig(overrides: Partial<ChildConfig> & Pick<ChildConfig, "step">): ChildConfig {
  return {
    url: server.url,
    queue: `q-${randomUUID()}`,
    prefix: "bull",
    store: `s-${randomUUID()}`,
    concurrency: 4,
    // Short locks, so the jobs of a killed worker are found stalled and re-run within a second or two.
    lockDurationMs: 1500,
    stalledIntervalMs: 500,
    ...overrides,
  };
}

/** A queue of the config's name, with `JOBS` jobs waiting; obliterated when the test ends. */
async function queueOf(config: ChildConfig, jobs: number): Promise<Queue> {
  const queue = new Queue(config.queue, { connection, prefix: config.prefix });
  onTestFinished(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });
  await addJobs(queue, jobs);
  return queue;
}

async function readStore(name: string): Promise<Record<string, unknown>> {
  const store = createAsyncStore({ url: server.url, name });
  try {
    return await store.toObject();
  } finally {
    await close(store);
  }
}

/**
 * Runs `WORKERS` worker processes until every job is completed. With `kill`, the first one is
 * SIGKILLed about 200 ms after it starts serving, and a warm standby (already loaded: starting a
 * process takes seconds on a busy machine) takes its place at once, until the end. Resolves with the
 * number of kills.
 */
async function serve(config: ChildConfig, queue: Queue, jobs: number, kill: boolean): Promise<number> {
  const workers: WorkerProcess[] = Array.from({ length: WORKERS }, () => startWorker(config));
  const standbys: WorkerProcess[] = [];
  onTestFinished(() => stopWorkers([...workers, ...standbys]));
  let done = false;
  let kills = 0;
  const killer = (async () => {
    if (!kill) return;
    const standby = () => startWorker({ ...config, standby: true });
    standbys.push(standby(), standby());
    while (!done) {
      const victim = workers[0] as WorkerProcess;
      await victim.ready.catch(() => {});
      await sleep(200);
      victim.child.kill("SIGKILL");
      await victim.exited;
      kills++;
      if (done) break;
      const next = standbys.shift() as WorkerProcess;
      standbys.push(standby());
      await next.loaded.catch(() => {});
      next.go();
      workers[0] = next;
    }
  })();
  try {
    await waitForCompleted(queue, jobs, 150_000);
  } finally {
    done = true;
    await killer;
  }
  return kills;
}

/** Lines of the jobs' logs that report effects an earlier run had applied. */
async function replayedRuns(queue: Queue): Promise<{ jobs: number; lines: number }> {
  const completed = await queue.getCompleted(0, -1);
  let jobs = 0;
  let lines = 0;
  for (const job of completed) {
    const { logs } = await queue.getJobLogs(job.id as string);
    const replays = logs.filter((line) => line.includes("not applied again")).length;
    if (replays > 0) jobs++;
    lines += replays;
  }
  return { jobs, lines };
}

describe(`${WORKERS} worker processes × ${JOBS} jobs`, () => {
  it("count the seed's naive counter exactly with isolation serializable", async () => {
    const config = baseConfig({ step: "counter", isolation: "serializable" });
    const queue = await queueOf(config, JOBS);
    await serve(config, queue, JOBS, false);
    expect((await readStore(config.store)).counter).toBe(JOBS);
  }, 200_000);

  it("count exactly while one worker is SIGKILLed and restarted, and re-runs are not re-applied", async () => {
    const marker = join(dir, `crash-${randomUUID()}`);
    // Besides the random kills, one worker dies right after job 100's commit, before BullMQ hears of
    // it: that job is certain to run again with its effects already applied.
    const config = baseConfig({
      step: "counter",
      isolation: "serializable",
      crashAfterCommitOf: { jobId: "100", marker },
    });
    const queue = await queueOf(config, JOBS);
    const kills = await serve(config, queue, JOBS, true);
    expect(kills).toBeGreaterThan(0);
    expect(existsSync(marker)).toBe(true);
    expect((await readStore(config.store)).counter).toBe(JOBS);
    // The idempotency record: the re-runs whose commit an earlier run had already applied.
    const replayed = await replayedRuns(queue);
    expect(replayed.jobs).toBeGreaterThanOrEqual(1);
    const crashed = await queue.getJob("100");
    expect(crashed?.attemptsStarted).toBeGreaterThanOrEqual(2);
    const { logs } = await queue.getJobLogs("100");
    expect(logs.some((line) => line.includes("not applied again"))).toBe(true);
    console.log(
      `kill test: ${kills} kills, ${replayed.jobs} jobs re-run after their commit (not re-applied), counter ${JOBS}`,
    );
  }, 200_000);

  it("count exactly with increment inside the job under the same kills", async () => {
    const marker = join(dir, `crash-${randomUUID()}`);
    const config = baseConfig({ step: "increment", crashAfterCommitOf: { jobId: "100", marker } });
    const queue = await queueOf(config, JOBS);
    const kills = await serve(config, queue, JOBS, true);
    expect(kills).toBeGreaterThan(0);
    expect((await readStore(config.store)).counter).toBe(JOBS);
    const { logs } = await queue.getJobLogs("100");
    expect(logs.some((line) => line.includes("increment") && line.includes("not applied again"))).toBe(true);
    const replayed = await replayedRuns(queue);
    console.log(
      `increment kill test: ${kills} kills, ${replayed.jobs} jobs re-run after their increment (not re-applied), counter ${JOBS}`,
    );
  }, 200_000);
});

describe("a job scheduler served by 3 processes", () => {
  it("runs each tick of an every-100-ms schedule once, over 3 s", async () => {
    // BullMQ's default locks: nothing is killed here, and a busy machine must not make a job look stalled.
    const config = baseConfig({
      step: "tick",
      scheduleEveryMs: 100,
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
    });
    const queue = await queueOf(config, 0);
    // Every process registers the same scheduler (an upsert) and serves the queue.
    const workers = Array.from({ length: 3 }, () => startWorker(config));
    onTestFinished(() => stopWorkers(workers));
    await Promise.all(workers.map((w) => w.ready));
    await sleep(3000);
    await queue.removeJobScheduler("tick");
    await waitFor(
      async () => {
        const counts = await queue.getJobCounts("active", "wait", "delayed", "prioritized");
        return Object.values(counts).every((n) => n === 0);
      },
      30_000,
      "the scheduled jobs to drain",
    );
    await stopWorkers(workers);
    const completed = await queue.getCompleted(0, -1);
    const failed = await queue.getFailed(0, -1);
    expect(failed).toEqual([]);
    // One job per tick: ids name the tick's time, and no tick has two.
    const ticks = completed.map((job) => job.id as string);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    const millis = ticks.map((id) => Number(id.split(":").pop()));
    // Ticks are 100 ms apart on the scheduler's clock (whole steps of it), never two on one step.
    const sorted = [...millis].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) {
      const gap = (sorted[i] as number) - (sorted[i - 1] as number);
      expect(gap).toBeGreaterThanOrEqual(100);
      expect(gap % 100).toBe(0);
    }
    // Each tick's job ran once (BullMQ started it once) and its step counted once.
    for (const job of completed) expect(job.attemptsStarted).toBe(1);
    const values = await readStore(config.store);
    expect(Object.keys(values).sort()).toEqual(ticks.map((id) => `runs:${id}`).sort());
    expect(Object.values(values).every((n) => n === 1)).toBe(true);
  }, 120_000);
});
