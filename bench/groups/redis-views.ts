import { randomUUID } from "node:crypto";
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
import { Redis } from "ioredis";
import { filler, plainRecord } from "../fixtures.ts";
import type { BenchCase } from "../harness.ts";
import { redisGroup } from "../redis-group.ts";

/*
 * Local views over Redis (P5–P9) and listing a large store (P12), on the wall clock: round trips
 * and the server's work are the cost. Baselines are the raw ioredis calls a hand-written step
 * would make on the same server; for P7 and P12 that is HGETALL / an HSCAN loop of the very hash
 * that holds the store's values (`<prefix>{<store>}:v`, see the @dictstore/redis README).
 */

const PREFIX = "bench:";
const redis = redisGroup("redis-views");
const url = redis.url;
/** Starts a private redis-server and switches to the wall clock. */
export const groupSetup = redis.groupSetup;
/** Stops the server and restores the clock chosen on the command line. */
export const groupTeardown = redis.groupTeardown;

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

/** Writes the store `name` as `seeded` does, and releases the connection that wrote it. */
async function seed(name: string, size: number, extra: Records = {}): Promise<void> {
  await (await seeded(name, size, extra)).dispose?.();
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

/** A raw ioredis client on the group's server, and a teardown that runs `first`, then quits it. */
function rawClient(first: () => unknown) {
  const raw = new Redis(url());
  return {
    raw,
    teardown: async () => {
      await first();
      await raw.quit();
    },
  };
}

/**
 * Opening and closing a view of `name` over one backend, and a raw client; the teardown releases both.
 * A closed view is taken over by the next open in the process; `fullLoad` opens each time through a
 * new object over the backend, so nothing is taken over and every open loads the whole store.
 */
function reopening(name: string, fullLoad = false) {
  const backend = redisBackend({ url: url(), prefix: PREFIX });
  const target = () => (fullLoad ? (Object.create(backend) as typeof backend) : backend);
  return {
    open: async () => close(await openStore<Records>({ backend: target(), name })),
    ...rawClient(() => backend.dispose?.()),
  };
}

/** P8: one commit of `count` dirty keys, against one SET. */
function commitCase(count: number, name: string): BenchCase {
  return {
    target: "P8",
    name: `commit of ${count} dirty keys: ${count} assignments + await flush`,
    baselineName: "one await ioredis SET",
    maxRatio: 2.5,
    async: true,
    async setup() {
      const { view, teardown: closeView } = await openView(name);
      const { raw, teardown } = rawClient(closeView);
      const keys = Array.from({ length: count }, (_, i) => `k${i}`);
      let round = 0;
      return {
        measured: async () => {
          round++;
          for (const key of keys) view[key] = round;
          await flush(view);
        },
        baseline: () => raw.set("p8-raw", "1"),
        teardown,
      };
    },
  };
}

/**
 * P8 context: the Redis writes of a commit of `count` keys (the version bump, the values, the key
 * versions, the idempotency record) sent as plain commands in one MULTI, with no script and no
 * client layers: the floor of a commit in this layout.
 */
function commitFloorCase(count: number): BenchCase {
  return {
    target: "P8",
    name: `floor: a ${count}-key commit's writes as plain commands in one MULTI (HINCRBY, HSET, ZADD, SET), no script`,
    baselineName: "one await ioredis SET",
    async: true,
    async setup() {
      const { raw, teardown } = rawClient(() => undefined);
      const base = `p8-floor-${count}:{x}:`;
      const keys = Array.from({ length: count }, (_, i) => `k${i}`);
      let round = 0;
      return {
        measured: () => {
          round++;
          const values = keys.flatMap((key) => [key, String(round)]);
          const versions = keys.flatMap((key) => [round, key]);
          return raw
            .multi()
            .hincrby(`${base}s`, "v", 1)
            .hset(`${base}v`, ...values)
            .zadd(`${base}c`, ...versions)
            .set(`${base}k:${randomUUID()}`, `k${round}`, "PX", 600_000)
            .exec();
        },
        baseline: () => raw.set("p8-raw", "1"),
        teardown,
      };
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
      await seed("p5", 1000, { counter: 42 });
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
      await seed("p5-object", 1000, { record: plainRecord() });
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
      await seed("p6", 10_000);
      const { view, teardown: closeView } = await openView("p6");
      const { raw, teardown } = rawClient(closeView);
      await raw.set("p6-raw", "1");
      return { measured: () => refresh(view), baseline: () => raw.get("p6-raw"), teardown };
    },
  },
  {
    target: "P6",
    name: "floor: await ioredis HMGET of the store's meta (the one command a refresh sends)",
    baselineName: "await ioredis GET",
    async: true,
    async setup() {
      await seed("p6-meta", 10);
      const { raw, teardown } = rawClient(() => undefined);
      await raw.set("p6-raw", "1");
      // The fields the Redis backend's changes() asks when nothing changed (redis-backend.ts).
      const meta = `${PREFIX}{p6-meta}:s`;
      return { measured: () => raw.hmget(meta, "v", "o"), baseline: () => raw.get("p6-raw"), teardown };
    },
  },
  {
    target: "P6",
    name: "await openStore (view), nothing changed since the last open (10,000 keys)",
    baselineName: "await ioredis GET",
    // A reopen takes over the closed view and asks only what changed since (issue 12).
    maxRatio: 1.2,
    async: true,
    async setup() {
      await seed("p6-open", 10_000);
      const { open, raw, teardown } = reopening("p6-open");
      await raw.set("p6-raw", "1");
      return { measured: open, baseline: () => raw.get("p6-raw"), teardown };
    },
  },
  {
    target: "P7",
    name: "full load: await openStore of 10,000 keys",
    baselineName: "await ioredis HGETALL of the same 10,000 values",
    maxRatio: 1.2,
    async: true,
    async setup() {
      await seed("p7", 10_000);
      const { open, raw, teardown } = reopening("p7", true);
      return { measured: open, baseline: () => raw.hgetall(`${PREFIX}{p7}:v`), teardown };
    },
  },
  commitCase(100, "p8"),
  commitFloorCase(100),
  commitCase(10, "p8-10"),
  commitFloorCase(10),
  {
    target: "P9",
    name: "step: refresh + 10 reads + 5 writes + flush (view)",
    baselineName: "10 awaited GET + 5 awaited SET (ioredis)",
    maxRatio: 0.5,
    async: true,
    async setup() {
      const record = plainRecord();
      await seed("p9", 100, Object.fromEntries(READS.map((k) => [k, record])));
      const { view, teardown: closeView } = await openView("p9");
      const { raw, teardown } = rawClient(closeView);
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
        teardown,
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
      const { raw, teardown } = rawClient(() => backend.dispose?.());
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
        teardown,
      };
    },
  },
];
