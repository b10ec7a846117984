import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, type DataStore, isSyncBackend, memoryBackend, openStore } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { sqliteBackend } from "@dictstore/sqlite";
import {
  asAsyncBackend,
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from "@dictstore/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * Issue 13, item 1: on random stores and prefixes, a prefix load, a paged prefix listing and a
 * view limited to the prefix hold exactly what a full view filtered by that prefix holds, on every
 * backend. Keys are drawn from characters at the edges of the orders backends sort by (NUL, the
 * last BMP code points before and after the surrogates, U+FFFF, an astral emoji, U+10FFFF), so a
 * key range that computes "the next string after a prefix" wrongly loses or gains keys.
 */

const KINDS = ["memory", "sqlite", "redis", "cluster"] as const;
type Kind = (typeof KINDS)[number];

const CHARS = ["a", "b", ":", "\u0000", "\u007f", "\ud7ff", "\ue000", "\uffff", "\u{1f600}", "\u{10ffff}"];
const text = (min: number, max: number) =>
  fc.array(fc.constantFrom(...CHARS), { minLength: min, maxLength: max }).map((chars) => chars.join(""));

const dir = mkdtempSync(join(tmpdir(), "dictstore-prefix-"));
let redis: RedisServer | undefined;
let cluster: RedisCluster | undefined;
const backends = new Map<Kind, Backend>();

beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
  backends.set("memory", memoryBackend());
  backends.set("sqlite", sqliteBackend({ path: join(dir, "prefix.db") }));
  backends.set("redis", redisBackend({ url: redis.url, prefix: `prefix:${randomUUID()}:` }));
  backends.set("cluster", redisBackend({ cluster: cluster.nodes, prefix: `prefix:${randomUUID()}:` }));
}, 60_000);

afterAll(async () => {
  for (const backend of backends.values()) await backend.dispose?.();
  await Promise.all([redis?.stop(), cluster?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** A view needs an asynchronous backend: memory and SQLite are wrapped as one (the same data). */
const viewable = (backend: Backend): Backend => (isSyncBackend(backend) ? asAsyncBackend(backend) : backend);

const sorted = (pairs: [string, unknown][]) => [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

async function listAll(backend: Backend, store: string, prefix: string, limit: number) {
  const out: [string, unknown][] = [];
  let cursor: string | null = null;
  do {
    const page = await backend.listEntries(
      store,
      cursor === null ? { prefix, limit } : { prefix, limit, cursor },
    );
    for (const e of page.entries) out.push([e.key, JSON.parse(e.value)]);
    cursor = page.cursor;
  } while (cursor !== null);
  return out;
}

describe.each(KINDS)("prefix reads on %s", (kind) => {
  it("a prefix load, a paged prefix listing and a prefix-limited view equal the full view filtered by the prefix", async () => {
    const backend = backends.get(kind) as Backend;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(text(1, 4), { maxLength: 30 }),
        text(0, 3),
        fc.integer({ min: 1, max: 6 }),
        async (keys, prefix, limit) => {
          const name = `s-${randomUUID()}`;
          if (keys.length > 0)
            await backend.setMany(
              name,
              keys.map((key, i) => ({ key, value: String(i) })),
            );
          const full = (await openStore({ backend: viewable(backend), name })) as DataStore;
          const expected = sorted(
            [...full.keys()]
              .filter((k) => k.startsWith(prefix))
              .map((k) => [k, full.get(k)] as [string, unknown]),
          );
          expect(expected).toEqual(
            sorted(keys.filter((k) => k.startsWith(prefix)).map((k) => [k, keys.indexOf(k)])),
          );

          const loaded = await backend.load(name, { prefixes: [prefix] });
          expect(sorted(loaded.entries.map((e) => [e.key, JSON.parse(e.value)]))).toEqual(expected);

          const listed = await listAll(backend, name, prefix, limit);
          expect(new Set(listed.map(([k]) => k)).size).toBe(listed.length);
          expect(sorted(listed)).toEqual(expected);

          const limited = (await openStore({
            backend: viewable(backend),
            name,
            load: { prefixes: [prefix] },
          })) as DataStore;
          for (const [key, value] of expected) expect(limited.get(key)).toEqual(value);
          for (const key of [`${prefix}\u0000`, `${prefix}zz`, `${prefix}\u{10ffff}`]) {
            if (!keys.includes(key)) expect(key in limited).toBe(false);
          }
          await backend.dropStore(name);
        },
      ),
      { numRuns: kind === "cluster" ? 40 : 80 },
    );
  }, 120_000);
});
