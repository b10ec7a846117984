import { randomUUID } from "node:crypto";
import { type Backend, createAsyncStore, isStoreError } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { type RedisServer, startRedisServer, startTcpProxy, type TcpProxy } from "@dictstore/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { prng } from "./atomic-support.ts";

/*
 * Reply loss (reliability.md F4, C5): a TCP proxy between the clients and Redis swallows replies at
 * random and breaks the connection, after Redis executed the request. Atomic operations must never
 * apply twice, and every call must settle with its result or UNKNOWN_OUTCOME. The control runs
 * show that the injector does cause double-applies where the protection is missing.
 */

const DROPS = 1000;
const CLIENTS = 16;

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
}, 30_000);
afterAll(() => server?.stop());

/** Script calls: every dictstore operation on Redis is one (EVALSHA, or EVAL on a fresh connection). */
const isScriptCall = (request: Buffer) => /\r\neval(sha)?\r\n/i.test(request.toString("latin1"));

async function proxy(dropRate: number, seed: number, dropWhen = isScriptCall): Promise<TcpProxy> {
  const started = await startTcpProxy({
    target: { port: server.port },
    dropRate,
    random: prng(seed),
    dropWhen,
  });
  onTestFinished(() => started.close());
  return started;
}

function through(target: TcpProxy | RedisServer, prefix: string, unsafe = false): Backend {
  const backend = redisBackend({
    url: `redis://127.0.0.1:${target.port}`,
    prefix,
    timeoutMs: 3000,
    ...(unsafe ? { unstable_disableIdempotency: true } : {}),
  });
  onTestFinished(() => backend.dispose?.());
  return backend;
}

/** How each call settled, by outcome: "ok", or the error code. */
type Tally = Record<string, number>;

async function settle(tally: Tally, run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    tally.ok = (tally.ok ?? 0) + 1;
    return true;
  } catch (error) {
    const code = isStoreError(error) ? error.code : `not a StoreError: ${String(error)}`;
    tally[code] = (tally[code] ?? 0) + 1;
    return false;
  }
}

describe("reply loss on Redis", () => {
  it(`${DROPS} dropped replies: 0 double-applies, and every call settles with its result or UNKNOWN_OUTCOME`, async () => {
    const lossy = await proxy(0.05, 1);
    const prefix = `loss:${randomUUID()}:`;
    const name = "ops";
    const tally: Tally = {};
    /** Ids whose operation succeeded, by kind. */
    const succeeded = {
      increment: [] as number[],
      list: [] as number[],
      claim: [] as number[],
      set: [] as number[],
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const store = createAsyncStore<Record<string, unknown>>({ backend: through(lossy, prefix), name });
        const random = prng(100 + client);
        while (lossy.dropped < DROPS) {
          const id = next++;
          const roll = random();
          const push = (draft: number[]) => {
            draft.push(id);
          };
          // Each operation leaves a trace that tells how often it was applied.
          if (roll < 0.4) {
            if (await settle(tally, () => store.increment(`inc:${id}`))) succeeded.increment.push(id);
          } else if (roll < 0.55) {
            if (await settle(tally, () => store.append(`list:${id % 4}`, id))) succeeded.list.push(id);
          } else if (roll < 0.7) {
            if (await settle(tally, () => store.update(`doc:${id % 4}`, push, []))) succeeded.list.push(id);
          } else if (roll < 0.9) {
            if (await settle(tally, () => store.setIfAbsent(`claim:${id}`, id))) succeeded.claim.push(id);
          } else if (await settle(tally, () => store.set(`plain:${id}`, id))) {
            succeeded.set.push(id);
          }
        }
      }),
    );
    expect(lossy.dropped).toBeGreaterThanOrEqual(DROPS);
    // Every call settled with its result or UNKNOWN_OUTCOME, nothing else. The atomic operations
    // are answered from their tokens when sent again; a plain write carries none, so a lost reply
    // leaves its outcome unknown.
    const other = Object.keys(tally).filter((outcome) => outcome !== "ok" && outcome !== "UNKNOWN_OUTCOME");
    expect(other).toEqual([]);
    expect(tally.UNKNOWN_OUTCOME).toBeGreaterThan(0);

    // Read the traces directly from Redis, not through the proxy.
    const store = createAsyncStore<Record<string, unknown>>({ backend: through(server, prefix), name });
    const entries = Object.entries(await store.toObject());
    // Each increment was on a key of its own: applied twice, it would hold 2.
    const counters = entries.filter(([key]) => key.startsWith("inc:"));
    expect(counters.filter(([, value]) => value !== 1)).toEqual([]);
    for (const id of succeeded.increment) expect(await store.get(`inc:${id}`)).toBe(1);
    // Each append and update pushed its own id: applied twice, the id would be listed twice.
    const seen = new Map<number, number>();
    for (const [key, value] of entries) {
      if (/^(list|doc):/.test(key)) for (const id of value as number[]) seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    expect([...seen].filter(([, times]) => times > 1)).toEqual([]);
    for (const id of succeeded.list) expect(seen.get(id)).toBe(1);
    for (const id of succeeded.claim) expect(await store.get(`claim:${id}`)).toBe(id);
    for (const id of succeeded.set) expect(await store.get(`plain:${id}`)).toBe(id);
    expect(succeeded.increment.length + succeeded.list.length).toBeGreaterThan(DROPS);
  }, 120_000);

  it("control: with the token check switched off, the same injector causes double-applies", async () => {
    const lossy = await proxy(0.1, 2);
    const prefix = `loss-control:${randomUUID()}:`;
    const store = createAsyncStore<Record<string, number>>({
      backend: through(lossy, prefix, true),
      name: "ops",
    });
    for (let id = 0; lossy.dropped < 20; id++) await settle({}, () => store.increment(`inc:${id}`));
    const direct = createAsyncStore<Record<string, number>>({
      backend: through(server, prefix),
      name: "ops",
    });
    const doubled = Object.values(await direct.toObject()).filter((value) => (value ?? 0) > 1);
    expect(doubled.length).toBeGreaterThan(0);
  }, 60_000);

  it("control: ioredis with its defaults re-sends an INCR whose reply was lost, applying it twice", async () => {
    const lossy = await proxy(0, 3, (request) => /\r\nincr\r\n/i.test(request.toString("latin1")));
    const raw = new Redis(lossy.port, "127.0.0.1", { lazyConnect: true });
    onTestFinished(() => raw.disconnect());
    const key = `loss-raw:${randomUUID()}`;
    lossy.dropNextReply();
    const reply = await raw.incr(key);
    expect(lossy.dropped).toBe(1);
    // The caller asked for one increment and was told 2.
    expect(reply).toBe(2);
    const direct = new Redis(server.port, "127.0.0.1");
    onTestFinished(() => direct.disconnect());
    expect(await direct.get(key)).toBe("2");
  });
});
