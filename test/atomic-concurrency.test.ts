// biome-ignore-all lint/complexity/useLiteralKeys: the seed's counter in its own dict syntax
import { randomUUID } from "node:crypto";
import {
  type AsyncDataStore,
  close,
  createAsyncStore,
  type DataStore,
  flush,
  openStore,
} from "@dictstore/core";
import { describe, expect, it } from "vitest";
import { type Fleet, runChildren, useBackends } from "./atomic-support.ts";
import { KINDS, type Kind } from "./atomic-targets.ts";

/*
 * Atomic operations under real concurrency (reliability.md C1–C3, C6), on every backend: many
 * connections, and for the persistent backends several processes, on one key. Totals must be
 * exact. 101,000 increments per run: the bulk on Redis, the fastest shared backend here.
 */

const backends = useBackends();

/** Increments per connection: 4 processes × 25 connections (memory: 100 connections in this process). */
const PER_CONNECTION: Record<Kind, number> = { memory: 50, sqlite: 10, redis: 850, cluster: 100 };

type Counter = { counter: number };

/** `n` async-API stores of one fleet, each on its own connection. */
function clients<T>(fleet: Fleet, name: string, n: number): AsyncDataStore<T>[] {
  return Array.from({ length: n }, () => createAsyncStore<T>({ backend: fleet.connect(), name }));
}

/** The seed's counter, word for word, as a transaction function. */
function seedCounter(dataStore: DataStore<Counter>): void {
  // if the counter doesn't exist yet, start it at one
  if (dataStore.get("counter") === undefined) {
    dataStore["counter"] = 1;
  }
  // Otherwise, increment it by one
  else {
    const count = dataStore["counter"] as number;
    dataStore["counter"] = count + 1;
  }
}

describe.each(KINDS)("%s", (kind) => {
  const where = kind === "memory" ? "100 connections" : "4 processes × 25 connections";
  it(`increment: ${where} × ${PER_CONNECTION[kind]} end at exactly the total`, async () => {
    const fleet = backends.fleet(kind, { asyncMemory: true });
    const name = `counter-${randomUUID()}`;
    const count = PER_CONNECTION[kind];
    if (fleet.target === undefined) {
      await Promise.all(
        clients<Counter>(fleet, name, 100).map(async (store) => {
          for (let i = 0; i < count; i++) await store.increment("counter");
        }),
      );
    } else {
      const reports = await runChildren(4, {
        target: fleet.target,
        store: name,
        connections: 25,
        count,
        op: "increment",
      });
      expect(reports.flatMap((r) => r.errors)).toEqual([]);
      expect(reports.reduce((sum, r) => sum + r.done, 0)).toBe(100 * count);
    }
    expect(await clients<Counter>(fleet, name, 1)[0]?.get("counter")).toBe(100 * count);
  }, 120_000);

  it("update: 50 contenders × 20 immer recipes on one record give an exact result", async () => {
    const fleet = backends.fleet(kind, { asyncMemory: true });
    const name = `update-${randomUUID()}`;
    type Doc = { n: number; by: Record<string, number> };
    const stores = clients<{ doc: Doc }>(fleet, name, 50);
    await Promise.all(
      stores.map(async (store, client) => {
        for (let i = 0; i < 20; i++) {
          await store.update(
            "doc",
            (draft) => {
              draft.n += 1;
              draft.by[client] = (draft.by[client] ?? 0) + 1;
            },
            { n: 0, by: {} },
          );
        }
      }),
    );
    const doc = await stores[0]?.get("doc");
    expect(doc?.n).toBe(1000);
    expect(Object.values(doc?.by ?? {})).toEqual(Array.from({ length: 50 }, () => 20));
  }, 60_000);

  it("setIfAbsent: 50 contenders, exactly one winner, whose value is stored", async () => {
    const fleet = backends.fleet(kind, { asyncMemory: true });
    const stores = clients<{ owner: number }>(fleet, `claim-${randomUUID()}`, 50);
    const won = await Promise.all(stores.map((store, client) => store.setIfAbsent("owner", client)));
    const winners = won.flatMap((ok, client) => (ok ? [client] : []));
    expect(winners).toHaveLength(1);
    expect(await stores[7]?.get("owner")).toBe(winners[0]);
  });

  it("the seed's counter in store.transaction loses nothing (local views on separate connections)", async () => {
    const fleet = backends.fleet(kind, { asyncMemory: true });
    const name = `seed-counter-${randomUUID()}`;
    if (fleet.target === undefined) {
      const views = await Promise.all(
        Array.from({ length: 20 }, () => openStore<Counter>({ backend: fleet.connect(), name })),
      );
      await Promise.all(
        views.map(async (view) => {
          for (let i = 0; i < 10; i++) await view.transaction(seedCounter);
        }),
      );
      await Promise.all(views.map((view) => close(view)));
    } else {
      const reports = await runChildren(2, {
        target: fleet.target,
        store: name,
        connections: 10,
        count: 10,
        op: "transaction",
      });
      expect(reports.flatMap((r) => r.errors)).toEqual([]);
    }
    expect(await clients<Counter>(fleet, name, 1)[0]?.get("counter")).toBe(200);
  }, 120_000);

  it("naive read-then-write (the seed's counter without a transaction) loses updates: the hazard", async () => {
    const fleet = backends.fleet(kind, { asyncMemory: true });
    const name = `naive-${randomUUID()}`;
    // 20 runs at once, each `count = await get(); await set(count + 1)`: every read lands before any write.
    await Promise.all(
      clients<Counter>(fleet, name, 20).map(async (store) => {
        const count = await store.get("counter");
        await store.set("counter", (count ?? 0) + 1);
      }),
    );
    const naive = await clients<Counter>(fleet, name, 1)[0]?.get("counter");
    expect(naive).toBeLessThan(20);
    // A synchronous backend (SQLite) has no local views: the dict reads it directly, and one process
    // cannot interleave synchronous code.
    if (fleet.connect().flags.sync) return;
    // The same runs through local views (the seed's code as it is, on openStore) lose them too.
    const views = await Promise.all(
      Array.from({ length: 20 }, () =>
        openStore<Counter>({ backend: fleet.connect(), name: `${name}-views` }),
      ),
    );
    for (const view of views) {
      const count = view["counter"];
      view["counter"] = (count ?? 0) + 1;
    }
    await Promise.all(views.map((view) => flush(view)));
    expect(await clients<Counter>(fleet, `${name}-views`, 1)[0]?.get("counter")).toBeLessThan(20);
  });
});
