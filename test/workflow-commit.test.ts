import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendFromUrl, close, type DataStore, openStore } from "@dictstore/core";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { closeStores, defineStep, type Pd, runStep } from "@dictstore/workflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as counter from "../examples/seed/12-counter.ts";

/*
 * Commit-on-success on every backend, and the serializable counter on Redis. Stores are checked
 * through a second, independent backend instance (another connection, another file handle).
 */

let server: RedisServer;
let dir: string;

beforeAll(async () => {
  server = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), "dictstore-workflow-"));
});

afterAll(async () => {
  await closeStores();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads a whole store through a backend opened just for this read. */
async function readBack(url: string, name: string): Promise<Record<string, unknown>> {
  const backend = await backendFromUrl(url);
  const store = await openStore({ backend, name });
  try {
    return store.toObject();
  } finally {
    await close(store);
    await backend.dispose?.();
  }
}

type Records = Record<string, unknown>;

const backends = () => [
  { label: "memory", url: "memory:" },
  { label: "embedded SQLite", url: `sqlite:${join(dir, "commit.db")}` },
  { label: "Redis", url: server.url },
];

describe("commit on success", () => {
  it.each(["memory", "embedded SQLite", "Redis"])(
    "leaves the store unchanged when the step throws (%s)",
    async (label) => {
      const target = backends().find((b) => b.label === label);
      if (target === undefined) throw new Error(label);
      const name = `commit-${randomUUID()}`;
      const stores = { data_store: { url: target.url, name } };
      await runStep(
        (pd: Pd<{ data_store: DataStore<Records> }>) => {
          pd.inputs.data_store.kept = "before";
          pd.inputs.data_store.list = [1, 2];
        },
        { stores },
      );
      const result = await runStep(
        async (pd: Pd<{ data_store: DataStore<Records> }>) => {
          const store = pd.inputs.data_store;
          store.added = 1;
          store.kept = "overwritten";
          store.list = [...(store.list as number[]), 3];
          await new Promise((resolve) => setTimeout(resolve, 5));
          delete store.kept;
          store.set("with-ttl", true, { ttl: 60 });
          throw new Error("the API call after the writes failed");
        },
        { stores },
      );
      expect(result).toMatchObject({
        ok: false,
        error: { kind: "handler", phase: "handler", committed: [] },
      });
      const expected = { kept: "before", list: [1, 2] };
      // Seen by the runtime's own store…
      const again = await runStep(
        (pd: Pd<{ data_store: DataStore<Records> }>) => pd.inputs.data_store.toObject(),
        {
          stores,
        },
      );
      expect(again).toMatchObject({ ok: true, value: expected });
      // …and by an independent one (memory is per backend instance, so only the persistent ones).
      if (label !== "memory") expect(await readBack(target.url, name)).toEqual(expected);
    },
  );
});

describe('isolation: "serializable" on Redis', () => {
  it("makes the seed's naive counter exact: 8 concurrent runners × 200 runs", async () => {
    const name = `counter-${randomUUID()}`;
    const step = defineStep(counter.handler, { isolation: "serializable" });
    // Each runner has its own backend (its own connection and view), as separate processes would.
    const runners = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const backend = await backendFromUrl(server.url);
        return { backend, store: await openStore<counter.Records>({ backend, name }) };
      }),
    );
    try {
      const failures: unknown[] = [];
      let handlerRuns = 0;
      await Promise.all(
        runners.map(async ({ store }) => {
          for (let run = 0; run < 200; run++) {
            const result = await runStep(step, { stores: { data_store: store } });
            handlerRuns += result.attempts;
            if (!result.ok) failures.push(result.error);
          }
        }),
      );
      expect(failures).toEqual([]);
      expect(await readBack(server.url, name)).toEqual({ counter: 1600 });
      // Runs did conflict and were re-run: the exact total is the isolation's doing.
      expect(handlerRuns).toBeGreaterThan(1600);
    } finally {
      for (const { store, backend } of runners) {
        await close(store);
        await backend.dispose?.();
      }
    }
  });
});
