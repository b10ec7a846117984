import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, type ListOptions, memoryBackend } from "@dictstore/core";
import { createDashboardHandler, type RecordsResponse, type StoresResponse } from "@dictstore/dashboard";
import { redisBackend } from "@dictstore/redis";
import { sqliteBackend } from "@dictstore/sqlite";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { callJson, qs, TOKEN } from "./dashboard-support.ts";

/*
 * A 100,000-key store stays cheap to browse: the first page reads one page from the backend (not
 * the store), a value search reads at most its budget, and counts come from the backend's count.
 * How fast that is on each backend is for bench/, not for an assertion here.
 */

const SIZE = 100_000;
const PAGE = 50;
const RARE = `item:${String(SIZE - 7).padStart(6, "0")}`;

/** Wraps a backend to count what listings read. */
function counting(backend: Backend) {
  const stats = { listCalls: 0, entriesRead: 0 };
  const wrapped: Backend = {
    ...backend,
    listEntries: async (store: string, options?: ListOptions) => {
      stats.listCalls++;
      const page = await backend.listEntries(store, options);
      stats.entriesRead += page.entries.length;
      return page;
    },
  };
  return { wrapped, stats };
}

async function fill(backend: Backend, store: string): Promise<void> {
  const batch = 5000;
  for (let start = 0; start < SIZE; start += batch) {
    const entries = Array.from({ length: batch }, (_, i) => {
      const n = start + i;
      return {
        key: `item:${String(n).padStart(6, "0")}`,
        value: JSON.stringify({ n, tag: n === SIZE - 7 ? "rare" : "common" }),
      };
    });
    await backend.setMany(store, entries);
  }
}

async function browse(backend: Backend): Promise<void> {
  const store = `big-${randomUUID()}`;
  await fill(backend, store);
  const { wrapped, stats } = counting(backend);
  const handler = createDashboardHandler({ backend: wrapped, token: TOKEN });

  const stores = await callJson<StoresResponse>(handler, "/api/stores");
  expect(stores.body.stores.find((s) => s.name === store)?.size).toBe(SIZE);

  const first = await callJson<RecordsResponse>(handler, `/api/records${qs({ store, limit: PAGE })}`);
  expect(first.status).toBe(200);
  expect(first.body.total).toBe(SIZE);
  expect(first.body.records.length).toBeGreaterThan(0);
  expect(first.body.records.length).toBeLessThanOrEqual(PAGE);
  expect(first.body.cursor).not.toBeNull();
  expect(stats).toEqual({ listCalls: 1, entriesRead: first.body.records.length });

  const second = await callJson<RecordsResponse>(
    handler,
    `/api/records${qs({ store, limit: PAGE, cursor: first.body.cursor as string })}`,
  );
  const firstKeys = new Set(first.body.records.map((r) => r.key));
  expect(second.body.records.some((r) => firstKeys.has(r.key))).toBe(false);

  // A value search reads at most its budget (plus one page) per request, then hands back a cursor.
  stats.entriesRead = 0;
  const searched = await callJson<RecordsResponse>(
    handler,
    `/api/records${qs({ store, limit: PAGE, q: '"rare"' })}`,
  );
  expect(stats.entriesRead).toBeLessThanOrEqual(10_000 + PAGE);
  expect(searched.body.scanned).toBe(stats.entriesRead);
  // Redis lists in hash order, so the one match may or may not be among the records looked at.
  expect(searched.body.records.every((r) => r.key === RARE)).toBe(true);
  expect(searched.body.cursor).not.toBeNull();
  await backend.dropStore(store);
}

describe("a 100,000-key store", () => {
  let redis: RedisServer;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedisServer();
    dir = mkdtempSync(join(tmpdir(), "dictstore-dashboard-scale-"));
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("memory", () => browse(memoryBackend()), 60_000);

  it("sqlite", async () => {
    const backend = sqliteBackend({ path: join(dir, "scale.db"), synchronous: "off" });
    onTestFinished(() => backend.dispose?.());
    await browse(backend);
  }, 60_000);

  it("redis", async () => {
    const backend = redisBackend({ url: redis.url, prefix: `scale-${randomUUID()}:` });
    onTestFinished(() => backend.dispose?.());
    await browse(backend);
  }, 120_000);
});
