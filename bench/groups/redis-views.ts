import {
  close,
  createAsyncStore,
  createStore,
  type DataStore,
  flush,
  openStore,
  refresh,
} from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { Redis } from "ioredis";
import { filler, plainRecord } from "../fixtures.ts";
import { type BenchCase, useClock } from "../harness.ts";

/*
 * Local views over Redis (P5–P9) and listing a large store (P12), on the wall clock: round trips
 * and the server's work are the cost. Baselines are the raw ioredis calls a hand-written step
 * would make on the same server; for P7 and P12 that is HGETALL / an HSCAN loop of the very hash
 * that holds the store's values (`<prefix>{<store>}:v`, see the @dictstore/redis README).
 */

let server: RedisServer | undefined;
const PREFIX = "bench:";

function url(): string {
  if (server === undefined) throw new Error("redis-views bench: groupSetup did not run");
  return server.url;
}

/** Starts a private redis-server and switches to the wall clock. */
export async function groupSetup(): Promise<void> {
  server = await startRedisServer();
  useClock("wall");
}

/** Stops the server and restores the clock chosen on the command line. */
export async function groupTeardown(): Promise<void> {
  const chosen = process.argv[process.argv.indexOf("--clock") + 1];
  useClock(chosen === "wall" ? "wall" : "cpu");
  await server?.stop();
  server = undefined;
}

type Records = Record<string, unknown>;

/** A store named `name` holding `size` filler keys plus `extra`, written in batches. */
async function seeded(name: string, size: number, extra: Records = {}) {
  const backend = redisBackend({ url: url(), prefix: PREFIX });
  const store = createAsyncStore<Records>({ backend, name });
  const entries = filler(size);
  for (let i = 0; i < entries.length; i += 5000) {
    await store.update(Object.fromEntries(entries.slice(i, i + 5000)));
  }
  await store.update(extra);
  return backend;
}

async function openView(name: string) {
  const backend = redisBackend({ url: url(), prefix: PREFIX });
  const view = await openStore<Records>({ backend, name });
  return {
    backend,
    view,
    teardown: async () => {
      await close(view);
      await backend.dispose?.();
    },
  };
}

const READS = Array.from({ length: 10 }, (_, i) => `read:${i}`);
const WRITES = Array.from({ length: 5 }, (_, i) => `write:${i}`);

export const cases: BenchCase[] = [
  {
    target: "P5",
    name: "view read store.k (integer, after first touch)",
    baselineName: "Map.get",
    maxRatio: 5,
    async setup() {
      await (await seeded("p5", 1000, { counter: 42 })).dispose?.();
      const { view, teardown } = await openView("p5");
      const map = new Map<string, unknown>(filler(1000));
      map.set("counter", 42);
      void view.counter;
      return { measured: () => view.counter, baseline: () => map.get("counter"), teardown };
    },
  },
  {
    target: "P5",
    name: "view read store.k (object, after first touch)",
    baselineName: "memory dict read store.k (object)",
    maxRatio: 1.3,
    async setup() {
      await (await seeded("p5-object", 1000, { record: plainRecord() })).dispose?.();
      const { view, teardown } = await openView("p5-object");
      const memory = createStore<Records>();
      memory.record = plainRecord();
      void view.record;
      return { measured: () => view.record, baseline: () => memory.record, teardown };
    },
  },
  {
    target: "P5",
    name: "view write store.k = v (object)",
    baselineName: "memory dict write store.k = v",
    maxRatio: 1.3,
    async setup() {
      const { view, teardown } = await openView("p5-write");
      const memory = createStore<Records>();
      const value = plainRecord();
      return {
        measured: () => {
          view.record = value;
        },
        baseline: () => {
          memory.record = value;
        },
        teardown,
      };
    },
  },
  {
    target: "P6",
    name: "await refresh(view), nothing changed (10,000 keys)",
    baselineName: "await ioredis GET",
    maxRatio: 1.2,
    async: true,
    async setup() {
      await (await seeded("p6", 10_000)).dispose?.();
      const { view, teardown } = await openView("p6");
      const raw = new Redis(url());
      await raw.set("p6-raw", "1");
      return {
        measured: () => refresh(view),
        baseline: () => raw.get("p6-raw"),
        teardown: async () => {
          await teardown();
          await raw.quit();
        },
      };
    },
  },
  {
    target: "P6",
    name: "await openStore (view), nothing changed since the last open (10,000 keys)",
    baselineName: "await ioredis GET",
    async: true,
    async setup() {
      await (await seeded("p6-open", 10_000)).dispose?.();
      const backend = redisBackend({ url: url(), prefix: PREFIX });
      const raw = new Redis(url());
      await raw.set("p6-raw", "1");
      return {
        measured: async () => close(await openStore<Records>({ backend, name: "p6-open" })),
        baseline: () => raw.get("p6-raw"),
        teardown: async () => {
          await backend.dispose?.();
          await raw.quit();
        },
      };
    },
  },
  {
    target: "P7",
    name: "full load: await openStore of 10,000 keys",
    baselineName: "await ioredis HGETALL of the same 10,000 values",
    maxRatio: 1.2,
    async: true,
    async setup() {
      await (await seeded("p7", 10_000)).dispose?.();
      const backend = redisBackend({ url: url(), prefix: PREFIX });
      const raw = new Redis(url());
      return {
        measured: async () => close(await openStore<Records>({ backend, name: "p7" })),
        baseline: () => raw.hgetall(`${PREFIX}{p7}:v`),
        teardown: async () => {
          await backend.dispose?.();
          await raw.quit();
        },
      };
    },
  },
  {
    target: "P8",
    name: "commit of 100 dirty keys: 100 assignments + await flush",
    baselineName: "one await ioredis SET",
    maxRatio: 2.5,
    async: true,
    async setup() {
      const { view, teardown } = await openView("p8");
      const raw = new Redis(url());
      const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
      let round = 0;
      return {
        measured: async () => {
          round++;
          for (const key of keys) view[key] = round;
          await flush(view);
        },
        baseline: () => raw.set("p8-raw", "1"),
        teardown: async () => {
          await teardown();
          await raw.quit();
        },
      };
    },
  },
  {
    target: "P8",
    name: "commit of 10 dirty keys: 10 assignments + await flush",
    baselineName: "one await ioredis SET",
    maxRatio: 2.5,
    async: true,
    async setup() {
      const { view, teardown } = await openView("p8-10");
      const raw = new Redis(url());
      const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
      let round = 0;
      return {
        measured: async () => {
          round++;
          for (const key of keys) view[key] = round;
          await flush(view);
        },
        baseline: () => raw.set("p8-raw", "1"),
        teardown: async () => {
          await teardown();
          await raw.quit();
        },
      };
    },
  },
  {
    target: "P9",
    name: "step: refresh + 10 reads + 5 writes + flush (view)",
    baselineName: "10 awaited GET + 5 awaited SET (ioredis)",
    maxRatio: 0.5,
    async: true,
    async setup() {
      const record = plainRecord();
      await (await seeded("p9", 100, Object.fromEntries(READS.map((k) => [k, record])))).dispose?.();
      const { view, teardown } = await openView("p9");
      const raw = new Redis(url());
      for (const key of READS) await raw.set(`p9:${key}`, JSON.stringify(record));
      const step = (store: DataStore<Records>) => {
        let seen = 0;
        for (const key of READS) if (store[key] !== undefined) seen++;
        for (const key of WRITES) store[key] = { ...record, seen };
      };
      return {
        measured: async () => {
          await refresh(view);
          step(view);
          await flush(view);
        },
        baseline: async () => {
          let seen = 0;
          for (const key of READS) if (JSON.parse((await raw.get(`p9:${key}`)) ?? "null") !== null) seen++;
          for (const key of WRITES) await raw.set(`p9:${key}`, JSON.stringify({ ...record, seen }));
        },
        teardown: async () => {
          await teardown();
          await raw.quit();
        },
      };
    },
  },
  {
    target: "P12",
    name: "for await (keys()) over 100,000 keys (async API)",
    baselineName: "raw HSCAN loop (COUNT 500) over the same hash",
    maxRatio: 1.5,
    async: true,
    async setup() {
      const backend = await seeded("p12", 100_000);
      const store = createAsyncStore<Records>({ backend, name: "p12" });
      const raw = new Redis(url());
      return {
        measured: async () => {
          let count = 0;
          for await (const _ of store.keys()) count++;
          return count;
        },
        baseline: async () => {
          let count = 0;
          let cursor = "0";
          do {
            const [next, fields] = await raw.hscan(`${PREFIX}{p12}:v`, cursor, "COUNT", 500);
            cursor = next;
            count += fields.length / 2;
          } while (cursor !== "0");
          return count;
        },
        teardown: async () => {
          await backend.dispose?.();
          await raw.quit();
        },
      };
    },
  },
];
