import { randomUUID } from "node:crypto";
import { stepProcessor } from "@dictstore/bullmq";
import { close, createAsyncStore, type DataStore } from "@dictstore/core";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { defineStep, type Pd } from "@dictstore/workflow";
import { Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { type Meeting, meetingCounterStep } from "./fixtures/steps.ts";
import { addJobs, waitForCompleted } from "./support.ts";

/*
 * stepProcessor in this process, on a real BullMQ and a private redis-server: what a job's step sees,
 * where its logs go, how failures reach BullMQ, and why `isolation: "serializable"` exists.
 */

let server: RedisServer;
let connection: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  connection = new Redis(server.url, { maxRetriesPerRequest: null });
}, 30_000);

afterAll(async () => {
  await connection?.quit();
  await server?.stop();
});

/** A fresh queue, its events, and a worker made by `make`; all closed when the test ends. */
async function queueWith(make: (name: string) => Worker) {
  const name = `q-${randomUUID()}`;
  const queue = new Queue(name, { connection });
  const eventsConnection = connection.duplicate();
  const events = new QueueEvents(name, { connection: eventsConnection });
  await events.waitUntilReady();
  const worker = make(name);
  onTestFinished(async () => {
    await worker.close();
    await events.close();
    await eventsConnection.quit();
    await queue.obliterate({ force: true });
    await queue.close();
  });
  return { queue, events, worker };
}

function storeNamed(name: string) {
  const store = createAsyncStore<Record<string, number>>({ url: server.url, name });
  onTestFinished(() => close(store));
  return store;
}

describe("stepProcessor", () => {
  it("gives the step job.data as the trigger event and the job in pd.meta, logs to job.log, resolves with the value", async () => {
    const store = `s-${randomUUID()}`;
    const step = defineStep((pd: Pd<{ data_store: never }, { trigger: { event: { who: string } } }>) => {
      console.log(`hello ${pd.steps.trigger.event.who}`);
      return { meta: pd.meta };
    });
    const { queue, events } = await queueWith(
      (name) =>
        new Worker(name, stepProcessor(step, { stores: { data_store: { url: server.url, name: store } } }), {
          connection,
        }),
    );
    const job = await queue.add("greet", { who: "Ada" });
    const value = await job.waitUntilFinished(events, 30_000);
    expect(value).toEqual({
      meta: { queue: queue.name, jobId: job.id, jobName: "greet", attempt: 1 },
    });
    const { logs } = await queue.getJobLogs(job.id as string);
    expect(logs).toEqual(["hello Ada"]);
  });

  it("lets BullMQ retry a retryable failure and fails a non-retryable one at once", async () => {
    const store = `s-${randomUUID()}`;
    const runs = new Map<string, number>();
    const step = defineStep(
      (pd: Pd<{ data_store: never }, { trigger: { event: { retryable: boolean } } }>) => {
        const id = String(pd.meta["jobId"]);
        runs.set(id, (runs.get(id) ?? 0) + 1);
        const error = new Error("not yet") as Error & { retryable: boolean };
        error.retryable = pd.steps.trigger.event.retryable;
        if (pd.meta.attempt < 3) throw error;
        return pd.meta.attempt;
      },
    );
    const { queue, events } = await queueWith(
      (name) =>
        new Worker(name, stepProcessor(step, { stores: { data_store: { url: server.url, name: store } } }), {
          connection,
        }),
    );
    const options = { attempts: 5, backoff: { type: "fixed", delay: 10 } };
    const retried = await queue.add("r", { retryable: true }, options);
    expect(await retried.waitUntilFinished(events, 30_000)).toBe(3);
    const fatal = await queue.add("f", { retryable: false }, options);
    await expect(fatal.waitUntilFinished(events, 30_000)).rejects.toThrow("not yet");
    expect(runs.get(String(retried.id))).toBe(3);
    // UnrecoverableError: no second attempt, although five were allowed.
    expect(runs.get(String(fatal.id))).toBe(1);
  });

  it("control: without isolation the seed's counter loses an update when two jobs interleave", async () => {
    const store = `s-${randomUUID()}`;
    const meeting: Meeting = { arrived: 0, release: undefined };
    const { queue } = await queueWith(
      (name) =>
        new Worker(
          name,
          stepProcessor(meetingCounterStep(meeting), {
            stores: { data_store: { url: server.url, name: store } },
          }),
          { connection, concurrency: 4 },
        ),
    );
    await addJobs(queue, 100);
    await waitForCompleted(queue, 100, 60_000);
    const counter = await storeNamed(store).get("counter");
    // The first two jobs both read before either wrote: one increment is lost, whatever the timing.
    expect(counter).toBeLessThan(100);
  });

  it("with isolation serializable the same interleaving counts every job", async () => {
    const store = `s-${randomUUID()}`;
    const meeting: Meeting = { arrived: 0, release: undefined };
    const step = defineStep(meetingCounterStep(meeting), { isolation: "serializable" });
    const { queue } = await queueWith(
      (name) =>
        new Worker(name, stepProcessor(step, { stores: { data_store: { url: server.url, name: store } } }), {
          connection,
          concurrency: 4,
        }),
    );
    await addJobs(queue, 100);
    await waitForCompleted(queue, 100, 60_000);
    expect(meeting.arrived).toBe(2);
    expect(await storeNamed(store).get("counter")).toBe(100);
  });

  it("applies the effects of a job run twice once, and says so in the job's log", async () => {
    const store = `s-${randomUUID()}`;
    const step = defineStep(async (pd: Pd<{ data_store: DataStore }>) => {
      const dataStore = pd.inputs.data_store;
      await dataStore.increment("atomic");
      dataStore.staged = ((dataStore.get("staged") as number | undefined) ?? 0) + 1;
    });
    const processor = stepProcessor(step, { stores: { data_store: { url: server.url, name: store } } });
    onTestFinished(() => processor.close());
    const name = `q-${randomUUID()}`;
    const queue = new Queue(name, { connection });
    onTestFinished(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const job = await queue.add("twice", {});
    // The same job handed to the processor twice, as BullMQ does after a worker died between the
    // step's commit and the job's completion.
    await processor(job);
    await processor(job);
    expect(await storeNamed(store).toObject()).toEqual({ atomic: 1, staged: 1 });
    const { logs } = await queue.getJobLogs(job.id as string);
    expect(logs.filter((line) => line.includes("not applied again"))).toHaveLength(2);
  });
});
