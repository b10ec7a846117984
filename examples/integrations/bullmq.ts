// biome-ignore-all lint/complexity/useLiteralKeys: the seed's dict syntax, data_store["counter"], on purpose
import { randomUUID } from "node:crypto";
import { stepProcessor } from "@dictstore/bullmq";
import type { DataStore } from "@dictstore/core";
import { defineStep, type Pd } from "@dictstore/workflow";
import { Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";

/*
 * The seed's counter as a BullMQ job: a worker runs it through stepProcessor, ten jobs count to ten
 * (plus what earlier runs counted). BullMQ needs Redis: REDIS_URL (default redis://127.0.0.1:6379).
 * The store follows DICTSTORE_URL, else the embedded SQLite file .dictstore/data.db.
 *   REDIS_URL=redis://127.0.0.1:6380 pnpm exec tsx examples/integrations/bullmq.ts
 */

const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
  maxRetriesPerRequest: null,
});
const name = `counts-${randomUUID()}`; // a queue of its own for each run of the example

// --- the snippet of the README's "Use it in your workflow tool" ---
const counter = defineStep(
  (pd: Pd<{ data_store: DataStore<{ counter: number }> }>) => {
    const dataStore = pd.inputs["data_store"]; // the seed's counter, unchanged
    dataStore["counter"] = dataStore.get("counter", 0) + 1;
    return dataStore["counter"];
  },
  { isolation: "serializable" }, // exact however many jobs run at once
);
const worker = new Worker(name, stepProcessor(counter, { stores: { data_store: { name: "counts" } } }), {
  connection,
  concurrency: 4,
});
const queue = new Queue(name, { connection });
await queue.addBulk(Array.from({ length: 10 }, (_, n) => ({ name: "count", data: { n } }))); // job.data: pd.steps.trigger.event
// --- end of the snippet ---

const eventsConnection = connection.duplicate(); // QueueEvents blocks on its own connection
const events = new QueueEvents(name, { connection: eventsConnection });
const jobs = await queue.getJobs(["waiting", "active", "completed", "prioritized"]);
const values = await Promise.all(jobs.map((job) => job.waitUntilFinished(events, 30_000)));
console.log(`10 jobs done; the counter is now ${Math.max(...(values as number[]))}`);

await worker.close(); // closes the stores the processor opened, too
await events.close();
await queue.obliterate({ force: true });
await queue.close();
await eventsConnection.quit();
await connection.quit();
