import { readFileSync } from "node:fs";
import { createAsyncStore } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import KeyvRedis, { Keyv } from "@keyv/redis";
import { Redis } from "ioredis";
import { plainRecord } from "../fixtures.ts";
import type { BenchCase } from "../harness.ts";
import { keyvCases } from "../keyv-cases.ts";
import { redisBenchmark, redisGroup } from "../redis-group.ts";

/*
 * P11: the async API over Redis (every call awaited) against keyv + @keyv/redis on the same
 * server, and, as context, against the raw ioredis command. Network calls are timed on the wall
 * clock: the CPU clock would leave out the round trip and the server's work, which is the cost.
 * The floor of any Redis number, `redis-benchmark -c 1` on the same server, is printed first.
 */

// Each case runs in its own process: print the floor once, with the first case.
const redis = redisGroup("redis-async", { onceAfterStart: (server) => printFloor(server.port) });
/** The server every case of this group uses (started by groupSetup in the process running the cases). */
const url = redis.url;
/** Starts a private redis-server, switches to the wall clock and prints the redis-benchmark floor. */
export const groupSetup = redis.groupSetup;
/** Stops the server and restores the clock chosen on the command line. */
export const groupTeardown = redis.groupTeardown;

/** Runs `redis-benchmark -c 1 -n 20000 -t get,set -q` and prints µs per request. */
export async function printFloor(port: number): Promise<void> {
  const stdout = await redisBenchmark(port, ["-t", "get,set"]);
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

/*
 * The floor of the store's own calls, as context: the same Redis work sent by hand with ioredis,
 * without the store's layers, against keyv's call. A read is one EVALSHA of read.lua (store-name
 * guard, expiry, value); a set one EVALSHA of set.lua (the name guard and the version bump must be
 * atomic with the write). A script-free read (one MULTI/EXEC of the meta, the key's version and its
 * value) was built and measured: five ioredis commands cost the client more than one EVALSHA, so it
 * was slower on every P11 get row and was not kept (BENCHMARKS.md, P11).
 */
const STORE_KEYS = ["s", "v", "c", "d", "e", "i"].map((suffix) => `bench:{p11}:${suffix}`);
type ScriptCall = (...args: string[]) => Promise<unknown>;

/** Defines a script of packages/redis/src/scripts on a bare client; returns its caller. */
function bareScript(raw: Redis, file: string): ScriptCall {
  const lua = readFileSync(new URL(`../../packages/redis/src/scripts/${file}.lua`, import.meta.url), "utf8");
  const command = `p11${file.replace(/\W/g, "")}`;
  raw.defineCommand(command, { lua, numberOfKeys: STORE_KEYS.length });
  const call = (raw as unknown as Record<string, ScriptCall>)[command] as ScriptCall;
  return (...args) => call.call(raw, ...STORE_KEYS, ...args);
}

export const cases: BenchCase[] = [
  ...keyvCases({
    target: "P11",
    nameSuffix: " over Redis",
    baselineSuffix: " (@keyv/redis)",
    maxRatio: 1,
    open: clients,
  }),
  {
    target: "P11",
    name: "floor: await ioredis EVALSHA of read.lua (integer)",
    baselineName: "await keyv.get (@keyv/redis)",
    async: true,
    async setup() {
      const { store, keyv, raw, teardown } = clients();
      await store.set("counter", 42);
      await keyv.set("counter", 42);
      const read = bareScript(raw, "read");
      return { measured: () => read("p11", "1", "counter"), baseline: () => keyv.get("counter"), teardown };
    },
  },
  {
    target: "P11",
    name: "floor: await ioredis EVALSHA of set.lua (integer)",
    baselineName: "await keyv.set (@keyv/redis)",
    async: true,
    async setup() {
      const { store, keyv, raw, teardown } = clients();
      await store.set("counter", 42);
      const set = bareScript(raw, "set");
      return {
        measured: () => set("p11", "counter", "42", "", ""),
        baseline: () => keyv.set("counter", 42),
        teardown,
      };
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
