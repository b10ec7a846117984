import { randomUUID } from "node:crypto";
import { stepProcessor } from "@dictstore/bullmq";
import { close, createAsyncStore } from "@dictstore/core";
import { type RedisCluster, startRedisCluster } from "@dictstore/testing";
import { defineStep } from "@dictstore/workflow";
import { Queue, Worker } from "bullmq";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { counterStep } from "./fixtures/steps.ts";
import { addJobs, waitForCompleted } from "./support.ts";

/*
 * One run on a 3-master Redis Cluster: BullMQ with a hash-tagged prefix (each queue in one slot),
 * the store on its own slot (`redis+cluster://`), two workers with their own connections.
 */

const JOBS = 300;

let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("stepProcessor on Redis Cluster", () => {
  it("counts the seed's counter exactly with two workers and applies a job's second run once", async () => {
    const url = `redis+cluster://${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(",")}`;
    const connect = () => new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: null } });
    const connection = connect();
    const name = `q-${randomUUID()}`;
    const store = `s-${randomUUID()}`;
    const prefix = "{bq}";
    const queue = new Queue(name, { connection, prefix });
    const step = defineStep(counterStep, { isolation: "serializable" });
    const workers = [0, 1].map(
      () =>
        new Worker(name, stepProcessor(step, { stores: { data_store: { url, name: store } } }), {
          connection: connect(),
          prefix,
          concurrency: 4,
        }),
    );
    onTestFinished(async () => {
      await Promise.all(workers.map((w) => w.close()));
      await queue.obliterate({ force: true });
      await queue.close();
      await connection.quit();
    });
    await addJobs(queue, JOBS);
    await waitForCompleted(queue, JOBS, 120_000);

    // A job handed to a processor again (as after a crash between commit and completion) is not re-applied.
    const processor = stepProcessor(step, { stores: { data_store: { url, name: store } } });
    onTestFinished(() => processor.close());
    const [first] = await queue.getCompleted(0, 0);
    if (first === undefined) throw new Error("no completed job");
    await processor(first);

    const values = createAsyncStore({ url, name: store });
    onTestFinished(() => close(values));
    expect(await values.get("counter")).toBe(JOBS);
    const { logs } = await queue.getJobLogs(first.id as string);
    expect(logs.some((line) => line.includes("not applied again"))).toBe(true);
  }, 180_000);
});
