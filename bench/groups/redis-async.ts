import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createAsyncStore } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import KeyvRedis, { Keyv } from "@keyv/redis";
import { Redis } from "ioredis";
import { plainRecord } from "../fixtures.ts";
import { type BenchCase, useClock } from "../harness.ts";

/*
 * P11: the async API over Redis (every call awaited) against keyv + @keyv/redis on the same
 * server, and, as context, against the raw ioredis command. Network calls are timed on the wall
 * clock: the CPU clock would leave out the round trip and the server's work, which is the cost.
 * The floor of any Redis number, `redis-benchmark -c 1` on the same server, is printed first.
 */

let server: RedisServer | undefined;

/** The server every case of this group uses (started by groupSetup in the process running the cases). */
function url(): string {
  if (server === undefined) throw new Error("redis-async bench: groupSetup did not run");
  return server.url;
}

/** Starts a private redis-server, switches to the wall clock and prints the redis-benchmark floor. */
export async function groupSetup(): Promise<void> {
  server = await startRedisServer();
  useClock("wall");
  // Each case runs in its own process: print the floor once, with the first case.
  const worker = process.argv[process.argv.indexOf("--worker") + 1] ?? "";
  if (!process.argv.includes("--worker") || worker.endsWith("#0")) await printFloor(server.port);
}

/** Stops the server and restores the clock chosen on the command line. */
export async function groupTeardown(): Promise<void> {
  const chosen = process.argv[process.argv.indexOf("--clock") + 1];
  useClock(chosen === "wall" ? "wall" : "cpu");
  await server?.stop();
  server = undefined;
}

/** Runs `redis-benchmark -c 1 -n 20000 -t get,set -q` and prints µs per request. */
export async function printFloor(port: number): Promise<void> {
  const { stdout } = await promisify(execFile)("redis-benchmark", [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-c",
    "1",
    "-n",
    "20000",
    "-t",
    "get,set",
    "-q",
  ]);
  const floors = [...stdout.matchAll(/(GET|SET): ([\d.]+) requests per second/g)].map(
    ([, command, rps]) => `${command} ${(1e6 / Number(rps)).toFixed(1)} µs/op`,
  );
  process.stderr.write(`  floor: redis-benchmark -c 1 -n 20000 on the same server: ${floors.join(", ")}\n`);
}

/** A fresh async store, keyv and raw client on the group's server. */
function clients() {
  const backend = redisBackend({ url: url(), prefix: "bench:" });
  const store = createAsyncStore<Record<string, unknown>>({ backend, name: "p11" });
  const keyv = new Keyv(new KeyvRedis(url()), { namespace: "bench-keyv" });
  const raw = new Redis(url());
  return {
    store,
    keyv,
    raw,
    teardown: async () => {
      await backend.dispose?.();
      await keyv.disconnect();
      await raw.quit();
    },
  };
}

export const cases: BenchCase[] = [
  {
    target: "P11",
    name: "await asyncStore.get (object) over Redis",
    baselineName: "await keyv.get (@keyv/redis)",
    maxRatio: 1,
    async: true,
    async setup() {
      const { store, keyv, teardown } = clients();
      await store.set("record", plainRecord());
      await keyv.set("record", plainRecord());
      return { measured: () => store.get("record"), baseline: () => keyv.get("record"), teardown };
    },
  },
  {
    target: "P11",
    name: "await asyncStore.set (object) over Redis",
    baselineName: "await keyv.set (@keyv/redis)",
    maxRatio: 1,
    async: true,
    setup() {
      const { store, keyv, teardown } = clients();
      const value = plainRecord();
      return {
        measured: () => store.set("record", value),
        baseline: () => keyv.set("record", value),
        teardown,
      };
    },
  },
  {
    target: "P11",
    name: "await asyncStore.get (integer) over Redis",
    baselineName: "await keyv.get (@keyv/redis)",
    maxRatio: 1,
    async: true,
    async setup() {
      const { store, keyv, teardown } = clients();
      await store.set("counter", 42);
      await keyv.set("counter", 42);
      return { measured: () => store.get("counter"), baseline: () => keyv.get("counter"), teardown };
    },
  },
  {
    target: "P11",
    name: "await asyncStore.set (integer) over Redis",
    baselineName: "await keyv.set (@keyv/redis)",
    maxRatio: 1,
    async: true,
    setup() {
      const { store, keyv, teardown } = clients();
      return { measured: () => store.set("counter", 42), baseline: () => keyv.set("counter", 42), teardown };
    },
  },
  {
    target: "P11",
    name: "await asyncStore.get (object) over Redis",
    baselineName: "await ioredis GET + JSON.parse",
    async: true,
    async setup() {
      const { store, raw, teardown } = clients();
      await store.set("record", plainRecord());
      await raw.set("raw-record", JSON.stringify(plainRecord()));
      return {
        measured: () => store.get("record"),
        baseline: async () => JSON.parse((await raw.get("raw-record")) ?? "null"),
        teardown,
      };
    },
  },
  {
    target: "P11",
    name: "await asyncStore.set (object) over Redis",
    baselineName: "await ioredis SET of JSON.stringify",
    async: true,
    setup() {
      const { store, raw, teardown } = clients();
      const value = plainRecord();
      return {
        measured: () => store.set("record", value),
        baseline: () => raw.set("raw-record", JSON.stringify(value)),
        teardown,
      };
    },
  },
];
