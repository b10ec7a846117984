import { randomUUID } from "node:crypto";
import { connect, createServer, type Server } from "node:net";
import type { DataStore } from "@dictstore/core";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { closeStores, defineStep, type Pd, runStep } from "@dictstore/workflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StoreReader, startReader } from "./workflow-support.ts";

/*
 * The output gate on Redis: once runStep resolves, the step's writes are readable from another
 * process (a reader started beforehand, reading straight from Redis on request). The steps reach
 * Redis through a proxy that delays every request by SLOW_MS, while the reader connects directly: a
 * runtime that released a result before its commit landed would let the reader read too early.
 */

const SLOW_MS = 40;

let server: RedisServer;
let reader: StoreReader;
let proxy: Server;
let slowUrl: string;

/** A TCP proxy to Redis that holds every client-to-server chunk for `delayMs` (order is kept). */
function startSlowProxy(port: number, delayMs: number): Promise<Server> {
  const proxyServer = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    client.on("data", (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
    upstream.pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
  return new Promise((resolve) => proxyServer.listen(0, "127.0.0.1", () => resolve(proxyServer)));
}

beforeAll(async () => {
  server = await startRedisServer();
  proxy = await startSlowProxy(server.port, SLOW_MS);
  const address = proxy.address();
  slowUrl = `redis://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  reader = await startReader(server.url);
});

afterAll(async () => {
  await reader?.stop();
  await closeStores();
  await new Promise((resolve) => proxy?.close(resolve));
  await server?.stop();
});

type Records = Record<string, number>;
type Inputs = { data_store: DataStore<Records> };

// Writes its run number under two keys, one of them after an await, then returns it.
const writeThenReturn = async (pd: Pd<Inputs>) => {
  const run = pd.meta.run as number;
  pd.inputs.data_store[`run:${run}`] = run;
  await new Promise((resolve) => setImmediate(resolve));
  pd.inputs.data_store.latest = run;
  return run;
};

describe.each([{ commit: "on-success" as const }, { commit: "always" as const }])(
  "output gate on Redis, commit $commit",
  ({ commit }) => {
    it("makes every write readable from another process the moment runStep resolves", async () => {
      const name = `gate-${randomUUID()}`;
      const step = defineStep(writeThenReturn, { commit });
      for (let run = 1; run <= 10; run++) {
        const result = await runStep(step, {
          stores: { data_store: { url: slowUrl, name } },
          meta: { run },
        });
        expect(result).toMatchObject({ ok: true, value: run });
        // No wait, no retry: the read is sent right after runStep resolved.
        expect(await reader.read(name, [`run:${run}`, "latest"])).toEqual({
          [`run:${run}`]: run,
          latest: run,
        });
      }
    });
  },
);

describe("commit on success on Redis, seen from another process", () => {
  it("leaves nothing of a step that wrote then threw", async () => {
    const name = `gate-${randomUUID()}`;
    const stores = { data_store: { url: slowUrl, name } };
    expect(await runStep(defineStep(writeThenReturn), { stores, meta: { run: 1 } })).toMatchObject({
      ok: true,
    });
    const failing = defineStep(async (pd: Pd<Inputs>) => {
      await writeThenReturn(pd);
      throw new Error("the step failed after writing");
    });
    const result = await runStep(failing, { stores, meta: { run: 2 } });
    expect(result).toMatchObject({ ok: false, error: { kind: "handler", committed: [] } });
    expect(await reader.read(name, ["run:1", "run:2", "latest"])).toEqual({
      "run:1": 1,
      "run:2": undefined,
      latest: 1,
    });
  });
});
