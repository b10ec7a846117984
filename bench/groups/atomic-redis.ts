import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { type Backend, close, createAsyncStore, openStore } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { Redis } from "ioredis";
import type { BenchCase } from "../harness.ts";
import { redisGroup } from "../redis-group.ts";

/*
 * Atomic operations over Redis, on the wall clock. P13 (formerly ATOMIC): `store.increment`, on the
 * async API and through a local view, against a raw `INCR` on the same server (goal ≤ 1.3×), with
 * context rows that take it apart. ATOMIC-CAS: `update`
 * (an immer recipe, committed only if the record did not change) under 1, 10 and 50 contenders,
 * one op being a round in which every contender updates the same record once, against the classic
 * WATCH/MULTI/EXEC retry loop; each of those cases prints its throughput, p50/p99 latency and
 * retries per update to stderr when it ends.
 */

const PREFIX = "bench-atomic:";
/** The backend's one-call increment script, for the floor row. */
const INCREMENT_FAST_LUA = readFileSync(
  new URL("../../packages/redis/src/scripts/increment-fast.lua", import.meta.url),
  "utf8",
);
const redis = redisGroup("atomic-redis", {
  // Each case runs in its own process: print the floor once, with the first case.
  afterStart: async (server) => {
    const worker = process.argv[process.argv.indexOf("--worker") + 1] ?? "";
    if (!process.argv.includes("--worker") || worker.endsWith("#0")) await printFloor(server.port);
  },
});
const url = redis.url;
/** Starts a private redis-server and switches to the wall clock. */
export const groupSetup = redis.groupSetup;
/** Stops the server and restores the clock chosen on the command line. */
export const groupTeardown = redis.groupTeardown;

/** `redis-benchmark -c 1` for INCR and a one-call Lua script: the floor of every row here. */
async function printFloor(port: number): Promise<void> {
  const run = (args: string[]) =>
    promisify(execFile)("redis-benchmark", [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-c",
      "1",
      "-n",
      "20000",
      "-q",
      ...args,
    ]);
  const perOp = (stdout: string) =>
    (1e6 / Number(/([\d.]+) requests per second/.exec(stdout)?.[1])).toFixed(1);
  const incr = await run(["-t", "incr"]);
  const script = await run(["eval", "return redis.call('INCR', KEYS[1])", "1", "bench-floor"]);
  process.stderr.write(
    `  floor: redis-benchmark -c 1 on the same server: INCR ${perOp(incr.stdout)} µs/op, one-call EVAL ${perOp(script.stdout)} µs/op\n`,
  );
}

/** The backend without its one-step increment: `store.increment` then reads and commits. */
function withoutFastPath(backend: Backend): Backend {
  return new Proxy(backend, {
    get: (target, property, receiver) =>
      property === "increment" ? undefined : Reflect.get(target, property, receiver),
  });
}

/** A raw client for the baseline and a fresh store name, released by `teardown`. */
function raw() {
  const client = new Redis(url());
  return { client, key: `raw:${randomUUID()}` };
}

/** An INCR-baseline case: `make` builds the measured op (and what to release) on a fresh backend. */
function incrementCase(
  name: string,
  maxRatio: number | undefined,
  make: (backend: Backend) => Promise<{ op: () => Promise<unknown>; release?: () => Promise<void> }>,
): BenchCase {
  return {
    target: "P13",
    name,
    baselineName: "await redis.incr (ioredis)",
    ...(maxRatio === undefined ? {} : { maxRatio }),
    async: true,
    rounds: 60,
    async setup() {
      const backend = redisBackend({ url: url(), prefix: PREFIX });
      const { client, key } = raw();
      const { op, release } = await make(backend);
      await op();
      await client.incr(key);
      return {
        measured: op,
        baseline: () => client.incr(key),
        teardown: async () => {
          client.disconnect();
          await release?.();
          await backend.dispose?.();
        },
      };
    },
  };
}

/** Latencies, retries and time of the updates a contention case made. */
interface Tally {
  latencies: number[];
  updates: number;
  retries: number;
  wallNs: number;
}

function report(label: string, tally: Tally): void {
  const sorted = tally.latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    ((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) / 1e6).toFixed(2);
  const perSecond = tally.updates / (tally.wallNs / 1e9);
  process.stderr.write(
    `  ${label}: ${perSecond.toFixed(0)} updates/s, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, ${(tally.retries / tally.updates).toFixed(2)} retries/update (${tally.updates} updates)\n`,
  );
}

/** Counts the commits a backend refused: each is one retry of an update. */
function countingConflicts(backend: Backend, tally: Tally): Backend {
  return new Proxy(backend, {
    get(target, property, receiver) {
      if (property !== "commit") return Reflect.get(target, property, receiver);
      return async (...args: Parameters<Backend["commit"]>) => {
        const result = await target.commit(...args);
        if (!result.ok) tally.retries++;
        return result;
      };
    },
  });
}

/** Times one round: every contender runs `once` at the same moment. */
async function round(tally: Tally, contenders: number, once: (contender: number) => Promise<unknown>) {
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: contenders }, async (_, contender) => {
      const t = process.hrtime.bigint();
      await once(contender);
      tally.latencies.push(Number(process.hrtime.bigint() - t));
    }),
  );
  tally.updates += contenders;
  tally.wallNs += Number(process.hrtime.bigint() - started);
}

/** The classic optimistic update on raw Redis: WATCH, read, MULTI/SET/EXEC, retried with jitter on conflict. */
async function watchUpdate(client: Redis, key: string, tally: Tally): Promise<void> {
  for (;;) {
    await client.watch(key);
    const current = JSON.parse((await client.get(key)) ?? '{"n":0}') as { n: number };
    const done = await client
      .multi()
      .set(key, JSON.stringify({ n: current.n + 1 }))
      .exec();
    if (done !== null) return;
    tally.retries++;
    await sleep(Math.random() * 4);
  }
}

function contentionCase(contenders: number): BenchCase {
  return {
    target: "ATOMIC-CAS",
    name: `update, ${contenders} contender${contenders === 1 ? "" : "s"}: a round of ${contenders} concurrent store.update`,
    baselineName: "WATCH/MULTI/EXEC retry loop (ioredis)",
    async: true,
    rounds: contenders === 50 ? 10 : 20,
    async setup() {
      const name = `cas-${randomUUID()}`;
      const mine: Tally = { latencies: [], updates: 0, retries: 0, wallNs: 0 };
      const theirs: Tally = { latencies: [], updates: 0, retries: 0, wallNs: 0 };
      const backends = Array.from({ length: contenders }, () => redisBackend({ url: url(), prefix: PREFIX }));
      const stores = backends.map((b) =>
        createAsyncStore<{ doc: { n: number } }>({ backend: countingConflicts(b, mine), name }),
      );
      const clients = Array.from({ length: contenders }, () => new Redis(url()));
      const key = `raw-cas:${randomUUID()}`;
      const recipe = (draft: { n: number }) => {
        draft.n += 1;
      };
      return {
        measured: () =>
          round(mine, contenders, (c) =>
            (stores[c] as (typeof stores)[number]).update("doc", recipe, { n: 0 }),
          ),
        baseline: () => round(theirs, contenders, (c) => watchUpdate(clients[c] as Redis, key, theirs)),
        teardown: async () => {
          report(`store.update × ${contenders}`, mine);
          report(`WATCH/MULTI/EXEC × ${contenders}`, theirs);
          for (const client of clients) client.disconnect();
          await Promise.all(backends.map((b) => b.dispose?.()));
        },
      };
    },
  };
}

export const cases: BenchCase[] = [
  incrementCase("await asyncStore.increment (one-step fast path)", 1.3, async (backend) => {
    const store = createAsyncStore<{ n: number }>({ backend, name: `inc-${randomUUID()}` });
    return { op: () => store.increment("n") };
  }),
  incrementCase("await backend.increment (no store: the backend's share)", undefined, async (backend) => {
    const name = `inc-${randomUUID()}`;
    const increment = backend.increment?.bind(backend);
    if (increment === undefined) throw new Error("the Redis backend has no increment");
    return { op: async () => increment(name, { key: "n", by: 1, token: randomUUID(), maxKeys: 10_000_000 }) };
  }),
  incrementCase(
    "await asyncStore.increment without the fast path (read + commit)",
    undefined,
    async (backend) => {
      const store = createAsyncStore<{ n: number }>({
        backend: withoutFastPath(backend),
        name: `inc-${randomUUID()}`,
      });
      return { op: () => store.increment("n") };
    },
  ),
  incrementCase(
    "the increment script alone: EVALSHA of increment-fast.lua on a bare ioredis client (the floor of this design)",
    undefined,
    async (backend) => {
      // A real store, made by the backend; then its one-call script, sent by hand with a fresh token
      // each time, as the backend sends it: what is left is the script's own cost, without our JS.
      const name = `inc-${randomUUID()}`;
      await createAsyncStore<{ n: number }>({ backend, name }).increment("n");
      const client = new Redis(url());
      client.defineCommand("incrementFast", { lua: INCREMENT_FAST_LUA, numberOfKeys: 7 });
      const base = `${PREFIX}{${name}}:`;
      const keys = ["s", "v", "c", "d", "e", "i"].map((suffix) => `${base}${suffix}`);
      const send = client as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
      return {
        op: () => {
          const token = randomUUID();
          return send.incrementFast?.(
            ...keys,
            `${base}k:${token}`,
            name,
            "",
            token,
            600_000,
            "n",
            1,
            "",
            "",
          ) as Promise<unknown>;
        },
        release: async () => client.disconnect(),
      };
    },
  ),
  incrementCase("await view.increment (openStore: a local view)", 1.3, async (backend) => {
    const view = await openStore<{ n: number }>({ backend, name: `inc-${randomUUID()}` });
    return { op: () => view.increment("n"), release: () => close(view) };
  }),
  contentionCase(1),
  contentionCase(10),
  contentionCase(50),
];
