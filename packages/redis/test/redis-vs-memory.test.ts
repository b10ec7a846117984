import { randomUUID } from "node:crypto";
import { type Backend, type CommitRequest, memoryBackend } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";

/*
 * The write script's shortcuts (it looks a key up only when an op needs its past, and it answers
 * a commit's own writes in `changes` without reading them back) must not change results: each
 * scenario runs on Redis and on the memory reference backend, and both must answer alike.
 */

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
}, 30_000);
afterAll(() => server?.stop());

function both(): [string, Backend][] {
  const redis = redisBackend({ url: server.url, prefix: `vs:${randomUUID()}:` });
  onTestFinished(() => redis.dispose?.());
  return [
    ["memory", memoryBackend(undefined)],
    ["redis", redis],
  ];
}

/** Versions differ between backends; what must match is what they say relative to each other. */
function normalise(result: unknown, base: number): unknown {
  return JSON.parse(
    JSON.stringify(result, (key, value) =>
      key === "version" && typeof value === "number" ? value - base : value,
    ),
  );
}

/** Runs the scenario on both backends and expects equal (normalised) transcripts. */
async function same(scenario: (b: Backend) => Promise<unknown[]>): Promise<void> {
  const transcripts: unknown[] = [];
  for (const [, backend] of both()) {
    await backend.set("s", "seed", "0");
    const base = await backend.version("s");
    transcripts.push(normalise(await scenario(backend), base));
  }
  expect(transcripts[1]).toEqual(transcripts[0]);
}

const commit = (b: Backend, request: CommitRequest) => b.commit("s", request);
const entryOf = async (b: Backend, key: string) => {
  const entry = await b.get("s", key);
  return entry === undefined ? undefined : { value: entry.value, hasExpiry: entry.expiresAt !== null };
};

describe("Redis write script matches the memory reference", () => {
  it("a commit's own writes come back in `changes` with their values, versions and expiries", async () => {
    await same(async (b) => {
      const since = await b.version("s");
      const result = await commit(b, {
        checks: [],
        writes: [
          { type: "set", key: "ttl", value: '"t"', ttlMs: 60_000 },
          { type: "set", key: "ttl", value: '"t2"', keepTtl: true },
          { type: "set", key: "plain", value: "1" },
        ],
        since,
      });
      if (!result.ok || result.changes === undefined) throw new Error("expected changes");
      const changed = [...result.changes.entries].sort((x, y) => (x.key < y.key ? -1 : 1));
      const fromGet = await b.get("s", "ttl");
      return [
        changed.map((e) => ({
          key: e.key,
          value: e.value,
          version: e.version,
          hasExpiry: e.expiresAt !== null,
        })),
        changed.find((e) => e.key === "ttl")?.expiresAt === fromGet?.expiresAt,
        result.changes.deleted,
      ];
    });
  });

  it("set then delete, delete then set, and keepTtl after an earlier write of the same commit", async () => {
    await same(async (b) => {
      await b.set("s", "old", "1", { ttlMs: 60_000 });
      const since = await b.version("s");
      const result = await commit(b, {
        checks: [],
        writes: [
          { type: "set", key: "gone", value: "1" },
          { type: "delete", key: "gone" },
          { type: "delete", key: "old" },
          { type: "set", key: "old", value: "2", keepTtl: true },
          { type: "set", key: "seed", value: "3", ttlMs: 60_000 },
          { type: "set", key: "seed", value: "4", keepTtl: true },
        ],
        since,
      });
      const changes = await b.changes("s", since);
      return [
        result.ok,
        await entryOf(b, "gone"),
        await entryOf(b, "old"),
        await entryOf(b, "seed"),
        [...changes.deleted].sort(),
        changes.entries.map((e) => e.key).sort(),
      ];
    });
  });

  it("maxKeys: keys set without a look at their past are counted exactly when the bound is tight", async () => {
    await same(async (b) => {
      const out: unknown[] = [];
      await b.setMany("s", [
        { key: "a", value: "1" },
        { key: "b", value: "1" },
        { key: "short", value: "1", ttlMs: 1 },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      // seed, a, b live (short expired): 3 of 4.
      out.push(await commit(b, { checks: [], writes: [{ type: "set", key: "a", value: "2" }], maxKeys: 4 }));
      out.push(
        await commit(b, {
          checks: [],
          writes: [
            { type: "set", key: "b", value: "2" },
            { type: "set", key: "short", value: "2" },
          ],
          maxKeys: 4,
        }),
      );
      out.push(
        // The memory backend throws synchronously, so wrap the call before catching.
        await (async () =>
          commit(b, { checks: [], writes: [{ type: "set", key: "new", value: "1" }], maxKeys: 4 }))().catch(
          (e: { code: string }) => e.code,
        ),
      );
      out.push(
        await commit(b, {
          checks: [],
          writes: [
            { type: "delete", key: "a" },
            { type: "set", key: "new", value: "1" },
          ],
          maxKeys: 4,
        }),
      );
      out.push(await b.count("s"));
      return out;
    });
  });

  it("deleteMany flags, duplicates and setTtl on missing keys", async () => {
    await same(async (b) => [
      await b.deleteMany("s", ["seed", "seed", "missing"]),
      await b.deleteMany("s", ["missing"]),
      await b.setTtl("s", "missing", 1000),
      await b.count("s"),
    ]);
  });
});
