import { randomUUID } from "node:crypto";
import {
  type AsyncDataStore,
  type Backend,
  createAsyncStore,
  isStoreError,
  memoryBackend,
  openStore,
} from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import {
  asAsyncBackend,
  checkHistory,
  describeViolation,
  type FailureOutcome,
  HistoryRecorder,
  type Operation,
  type StoreInput,
  type StoreOutput,
  startTcpProxy,
  storeModel,
} from "@dictstore/testing";
import { describe, expect, it, onTestFinished } from "vitest";
import { prng, useBackends } from "./atomic-support.ts";
import { KINDS } from "./atomic-targets.ts";

/*
 * Linearizability (reliability.md C4): clients run random mixes of get / set / increment / update /
 * delete / setIfAbsent on a few keys through the all-async API, every call timed with
 * process.hrtime.bigint(); the WGL checker in @dictstore/testing must find an order of the
 * operations that respects real time and the store's sequential semantics. 100 seeded histories per
 * backend, plus 20 on Redis with replies dropped at random; and proof that the checker catches
 * histories that are not linearizable.
 */

const backends = useBackends();

const HISTORIES = 100;
const CLIENTS = 6;
const OPS_PER_CLIENT = 40;
const KEYS = ["a", "b", "c"];

/** The update recipe of the histories: not commutative with increment, so a misordering shows. */
const affine = (value: unknown) => (typeof value === "number" ? (value * 3 + 1) % 1009 : 0);

/** One random operation of a client. */
function randomInput(random: () => number): StoreInput {
  const roll = random();
  if (roll < 0.3) return { op: "get" };
  if (roll < 0.42) return { op: "set", value: Math.floor(random() * 100) };
  if (roll < 0.45) return { op: "set", value: "text" }; // makes increments fail with INVALID_VALUE
  if (roll < 0.7) return { op: "increment", by: 1 + Math.floor(random() * 5) };
  if (roll < 0.85) return { op: "update", apply: affine, initial: 0, label: "v*3+1 mod 1009" };
  if (roll < 0.95) return { op: "delete" };
  return { op: "setIfAbsent", value: Math.floor(random() * 100) };
}

/** Runs one operation on the store. */
async function perform(store: AsyncDataStore, key: string, input: StoreInput): Promise<StoreOutput> {
  switch (input.op) {
    case "get":
      return { value: await store.get(key) };
    case "set":
      await store.set(key, input.value);
      return { value: undefined };
    case "delete":
      return { value: await store.delete(key) };
    case "increment":
      return { value: await store.increment(key, input.by) };
    case "setIfAbsent":
      return { value: await store.setIfAbsent(key, input.value) };
    case "update":
      return {
        value: await store.update(key, (draft: unknown) => input.apply(draft) as never, input.initial),
      };
  }
}

/** What the history keeps of a failed call: typed refusals as outputs, unknown outcomes as such, no-effect failures not at all. */
function onFailure(error: unknown): FailureOutcome<StoreOutput> {
  if (isStoreError(error, "INVALID_VALUE")) return { kind: "output", output: { error: "INVALID_VALUE" } };
  if (isStoreError(error, "UNKNOWN_OUTCOME")) return { kind: "unknown" };
  // Nothing was applied: a read that failed, a write refused before it ran, an update that gave up.
  if (isStoreError(error, "BACKEND_UNAVAILABLE") || isStoreError(error, "CONFLICT")) return { kind: "omit" };
  throw error;
}

/** Records one seeded history: CLIENTS clients on their own stores, each running its operations in sequence. */
async function history(
  seed: number,
  stores: AsyncDataStore[],
): Promise<Operation<StoreInput, StoreOutput>[]> {
  const recorder = new HistoryRecorder<StoreInput, StoreOutput>(onFailure);
  await Promise.all(
    stores.map(async (store, client) => {
      const random = prng(seed * 1000 + client);
      for (let i = 0; i < OPS_PER_CLIENT; i++) {
        const key = KEYS[Math.floor(random() * KEYS.length)] as string;
        const input = randomInput(random);
        await recorder.record(client, key, input, () => perform(store, key, input));
      }
    }),
  );
  return recorder.operations;
}

/** How many operations overlap in time an operation of another client on the same key. */
function overlapping(ops: readonly Operation<StoreInput, StoreOutput>[]): number {
  const end = (op: Operation<StoreInput, StoreOutput>) => op.return ?? BigInt(Number.MAX_SAFE_INTEGER) ** 2n;
  return ops.filter((a) =>
    ops.some((b) => b.client !== a.client && b.key === a.key && b.call < end(a) && a.call < end(b)),
  ).length;
}

/** Checks histories and returns every violation as text (empty when all are linearizable). */
async function violations(
  count: number,
  seedBase: number,
  connect: () => Backend,
): Promise<{ failures: string[]; operations: number; unknown: number; concurrent: number }> {
  const failures: string[] = [];
  let operations = 0;
  let unknown = 0;
  let concurrent = 0;
  const connections = Array.from({ length: CLIENTS }, connect);
  for (let h = 0; h < count; h++) {
    const name = `lin-${randomUUID()}`;
    const stores = connections.map((backend) => createAsyncStore({ backend, name }));
    const ops = await history(seedBase + h, stores);
    operations += ops.length;
    unknown += ops.filter((op) => op.return === null).length;
    concurrent += overlapping(ops);
    for (const verdict of checkHistory(ops, storeModel).keys) {
      if (verdict.result !== "ok")
        failures.push(`seed ${seedBase + h}: ${describeViolation(verdict, storeModel)}`);
    }
  }
  return { failures, operations, unknown, concurrent };
}

describe.each(KINDS)("%s", (kind) => {
  it(`${HISTORIES} seeded histories (${CLIENTS} clients × ${OPS_PER_CLIENT} mixed operations on ${KEYS.length} keys) are linearizable`, async () => {
    const fleet = backends.fleet(kind);
    // Memory is made asynchronous so the clients' calls interleave.
    const memory = kind === "memory" ? asAsyncBackend(memoryBackend()) : undefined;
    const result = await violations(HISTORIES, 1, () => memory ?? fleet.connect());
    expect(result.failures).toEqual([]);
    expect(result.operations).toBe(HISTORIES * CLIENTS * OPS_PER_CLIENT);
    // The histories must be concurrent to prove anything: most operations overlap another client's.
    expect(result.concurrent).toBeGreaterThan(result.operations / 2);
  }, 120_000);
});

describe("redis with faults", () => {
  it("20 seeded histories with 2% of replies dropped are linearizable, unknown outcomes included", async () => {
    const proxy = await startTcpProxy({
      target: { port: backends.redis.port },
      random: prng(42),
      dropRate: 0.02,
    });
    onTestFinished(() => proxy.close());
    const prefix = `lin-faults:${randomUUID()}:`;
    const result = await violations(20, 5000, () => {
      const backend = redisBackend({ url: `redis://127.0.0.1:${proxy.port}`, prefix, timeoutMs: 2000 });
      onTestFinished(() => backend.dispose?.());
      return backend;
    });
    expect(result.failures).toEqual([]);
    expect(proxy.dropped).toBeGreaterThan(20);
  }, 120_000);
});

describe("the checker catches histories that are not linearizable", () => {
  const op = (
    client: number,
    input: StoreInput,
    output: StoreOutput | undefined,
    call: number,
    returned: number | null,
  ): Operation<StoreInput, StoreOutput> => ({
    client,
    key: "k",
    input,
    output,
    call: BigInt(call),
    return: returned === null ? null : BigInt(returned),
  });

  it("a stale read, a lost update and a double-applied increment are violations; their concurrent forms are not", () => {
    const verdict = (ops: Operation<StoreInput, StoreOutput>[]) => checkHistory(ops, storeModel).ok;
    const set1 = { op: "set", value: 1 } as const;
    const inc = { op: "increment", by: 1 } as const;
    // A read that starts after a write returned, yet misses it.
    expect(
      verdict([op(0, set1, { value: undefined }, 0, 10), op(1, { op: "get" }, { value: undefined }, 20, 30)]),
    ).toBe(false);
    // The same read overlapping the write may see either.
    expect(
      verdict([op(0, set1, { value: undefined }, 0, 30), op(1, { op: "get" }, { value: undefined }, 10, 20)]),
    ).toBe(true);
    // Two concurrent increments that both answer 1: one was lost.
    expect(verdict([op(0, inc, { value: 1 }, 0, 30), op(1, inc, { value: 1 }, 10, 20)])).toBe(false);
    expect(verdict([op(0, inc, { value: 2 }, 0, 30), op(1, inc, { value: 1 }, 10, 20)])).toBe(true);
    // An increment whose reply was lost may have applied once, but never twice.
    const lost = op(0, inc, undefined, 0, null);
    expect(verdict([lost, op(1, { op: "get" }, { value: 1 }, 10, 20)])).toBe(true);
    expect(verdict([lost, op(1, { op: "get" }, { value: undefined }, 10, 20)])).toBe(true);
    expect(verdict([lost, op(1, { op: "get" }, { value: 2 }, 10, 20)])).toBe(false);
    // Once seen applied, it stays applied.
    expect(
      verdict([
        lost,
        op(1, { op: "get" }, { value: 1 }, 10, 20),
        op(1, { op: "get" }, { value: undefined }, 30, 40),
      ]),
    ).toBe(false);
  });

  it("catches a real non-atomic increment (read, then write) run by concurrent clients", async () => {
    const backend = asAsyncBackend(memoryBackend());
    const stores = [0, 1, 2].map(() => createAsyncStore({ backend, name: "naive" }));
    const recorder = new HistoryRecorder<StoreInput, StoreOutput>(onFailure);
    await Promise.all(
      stores.map((store, client) =>
        recorder.record(client, "n", { op: "increment", by: 1 }, async () => {
          const current = (await store.get("n")) as number | undefined;
          await store.set("n", (current ?? 0) + 1);
          return { value: (current ?? 0) + 1 };
        }),
      ),
    );
    const result = checkHistory(recorder.operations, storeModel);
    expect(result.ok).toBe(false);
    expect(describeViolation(result.keys[0] ?? { key: "", operations: 0, result: "ok" }, storeModel)).toMatch(
      /no place for: client \d: increment\(1\) → 1/,
    );
  });

  it("catches the stale reads of a local view, which by design shows the store as of its last load", async () => {
    const backend = asAsyncBackend(memoryBackend());
    const writer = createAsyncStore({ backend, name: "view" });
    const view = await openStore({ backend, name: "view" });
    const recorder = new HistoryRecorder<StoreInput, StoreOutput>(onFailure);
    await recorder.record(0, "k", { op: "increment", by: 1 }, async () => ({
      value: await writer.increment("k"),
    }));
    await recorder.record(1, "k", { op: "get" }, async () => ({ value: view.get("k") }));
    expect(checkHistory(recorder.operations, storeModel).ok).toBe(false);
  });
});
