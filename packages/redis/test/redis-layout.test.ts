import { randomUUID } from "node:crypto";
import { type Backend, close, createAsyncStore, flush, isStoreError, openStore } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { type RedisCluster, type RedisServer, startRedisCluster, startRedisServer } from "@dictstore/testing";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";

let server: RedisServer;
let cluster: RedisCluster;
let raw: Redis;
let rawCluster: Cluster;
beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
  raw = new Redis(server.url);
  rawCluster = new Cluster(cluster.nodes);
}, 60_000);
afterAll(async () => {
  await Promise.all([raw?.quit(), rawCluster?.quit()]);
  await Promise.all([server?.stop(), cluster?.stop()]);
});

const targets = [
  { kind: "single server", options: () => ({ url: server.url }), client: () => raw as Redis | Cluster },
  {
    kind: "cluster",
    options: () => ({ cluster: cluster.nodes }),
    client: () => rawCluster as Redis | Cluster,
  },
];

describe.each(targets)("redis layout on a $kind", ({ options, client }) => {
  /** A backend on a fresh prefix, disposed of after the test; a second one shares the prefix (another process). */
  const fresh = (prefix = `lay:${randomUUID()}:`): Backend => {
    const backend = redisBackend({ ...options(), prefix });
    onTestFinished(() => backend.dispose?.());
    return backend;
  };

  it("stores a plain JSON value as plain JSON text under the store's readable key", async () => {
    const prefix = `lay:${randomUUID()}:`;
    const store = createAsyncStore({ backend: fresh(prefix), name: "default" });
    await store.set("user", { name: "Ada", tags: ["x"] });
    await store.set("count", 3);
    expect(await client().hget(`${prefix}{default}:v`, "user")).toBe('{"name":"Ada","tags":["x"]}');
    expect(await client().hget(`${prefix}{default}:v`, "count")).toBe("3");
    expect(await client().hget(`${prefix}stores`, "default")).toBe("default");
  });

  it("keeps every key of a store in one cluster slot, and store names with glob characters out of key names", async () => {
    const prefix = `lay:${randomUUID()}:`;
    const backend = fresh(prefix);
    const name = "we*rd [store]? \\ {x} é";
    await backend.set(name, "k", "1", { ttlMs: 60_000 });
    await backend.delete(name, "k");
    await backend.set(name, "k2", "2");
    const id = await client().hget(`${prefix}stores`, name);
    expect(id).toBe("we%2Ard%20%5Bstore%5D%3F%20%5C%20%7Bx%7D%20%C3%A9");
    const slots = await Promise.all(
      ["s", "v", "c", "d", "e", "k:token"].map((suffix) =>
        rawCluster.cluster("KEYSLOT", `${prefix}{${id}}:${suffix}`),
      ),
    );
    expect(new Set(slots).size).toBe(1);
    // The data really lives under those keys (on a cluster, in that one slot).
    expect(await client().hget(`${prefix}{${id}}:v`, "k2")).toBe("2");
    expect(await backend.get(name, "k2")).toMatchObject({ value: "2" });
  });

  it("escapes glob characters of the key prefix and of a listing prefix", async () => {
    const backend = fresh(`lay*[?]\\${randomUUID()}:`);
    const other = fresh(`lay${randomUUID()}:`);
    await backend.setMany("s", [
      { key: "a*1", value: "1" },
      { key: "a?2", value: "2" },
      { key: "ab3", value: "3" },
      { key: "a[4]", value: "4" },
    ]);
    await other.set("s", "a*9", "9");
    const listed = async (prefix: string) =>
      (await backend.listKeys("s", { prefix, limit: 100 })).keys.sort();
    expect(await listed("a*")).toEqual(["a*1"]);
    expect(await listed("a?")).toEqual(["a?2"]);
    expect(await listed("a[")).toEqual(["a[4]"]);
    expect(await listed("a")).toEqual(["a*1", "a?2", "a[4]", "ab3"]);
    expect((await backend.load("s", { prefixes: ["a*", "a["] })).entries.map((e) => e.key).sort()).toEqual([
      "a*1",
      "a[4]",
    ]);
  });

  it("refuses a store name with a lone surrogate, which would alias another name in UTF-8", async () => {
    const backend = fresh();
    const error = await Promise.resolve(backend.set("bad\uD800", "k", "1")).catch((e: unknown) => e);
    expect(isStoreError(error, "INVALID_ARGUMENT")).toBe(true);
    expect(await backend.listStores()).toEqual([]);
  });

  it("refuses a prefix with braces, which would change the hash tag", () => {
    expect(() => redisBackend({ ...options(), prefix: "x{y}:" })).toThrow(/prefix/);
  });

  it("a rename is seen by another process that cached the old name; it never writes into the renamed store", async () => {
    const prefix = `lay:${randomUUID()}:`;
    const a = fresh(prefix);
    const b = fresh(prefix);
    await a.set("old", "k", '"v"');
    expect(await b.get("old", "k")).toMatchObject({ value: '"v"' }); // b caches old -> id
    await a.renameStore("old", "new");
    expect(await b.get("old", "k")).toBeUndefined();
    expect(await b.get("new", "k")).toMatchObject({ value: '"v"' });
    await b.set("old", "fresh", "1");
    expect(await a.listKeys("new")).toEqual({ keys: ["k"], cursor: null });
    expect((await a.listKeys("old")).keys).toEqual(["fresh"]);
    expect(await a.listStores()).toEqual([
      { name: "new", size: 1 },
      { name: "old", size: 1 },
    ]);
  });

  it("a drop is seen by another process that cached the store; a later write creates a new, empty store", async () => {
    const prefix = `lay:${randomUUID()}:`;
    const a = fresh(prefix);
    const b = fresh(prefix);
    await a.setMany("s", [
      { key: "x", value: "1" },
      { key: "y", value: "2" },
    ]);
    const before = await b.version("s");
    expect(await b.count("s")).toBe(2);
    expect(await a.dropStore("s")).toBe(true);
    expect(await b.count("s")).toBe(0);
    expect(await b.hasStore("s")).toBe(false);
    await b.set("s", "z", "3");
    expect(await a.listKeys("s")).toEqual({ keys: ["z"], cursor: null });
    expect(await a.version("s")).toBeGreaterThan(before);
    expect((await a.changes("s", before)).reset).toBe(true);
  });

  it("a plain read by a process that cached a dropped store's id reads the store re-created under its name", async () => {
    const prefix = `lay:${randomUUID()}:`;
    const a = fresh(prefix);
    const b = fresh(prefix);
    await a.set("s", "k", '"old"');
    expect(await b.get("s", "k")).toMatchObject({ value: '"old"' }); // b caches s -> id
    expect(await a.dropStore("s")).toBe(true);
    await a.set("s", "k", '"new"', { ttlMs: 60_000 });
    expect(await b.get("s", "k")).toMatchObject({ value: '"new"' });
    expect(await b.getMany("s", ["k", "missing"])).toMatchObject([{ value: '"new"' }, undefined]);
    expect(await b.has("s", "k")).toBe(true);
    expect(await b.getTtl("s", "k")).toBeGreaterThan(50_000);
  });

  it("a rename or drop left half-done by a crashed process is rolled back or finished by the next lookup", async () => {
    const prefix = `lay:${randomUUID()}:`;
    const backend = fresh(prefix);
    await backend.set("r", "k", "1");
    await backend.set("d", "k", "1");
    const longAgo = Date.now() - 60_000;
    // A rename that locked the directory but never renamed the store itself: rolled back.
    await client().hset(`${prefix}stores`, "r", `r out ${longAgo} r2`, "r2", `r in ${longAgo} r`);
    // A drop that locked the directory and freed the data but never finished: finished.
    await client().hset(`${prefix}stores`, "d", `d drop ${longAgo} `);
    await client().unlink(`${prefix}{d}:s`, `${prefix}{d}:v`, `${prefix}{d}:c`);
    await client().hset(`${prefix}{d}:s`, "x", "1");
    const other = fresh(prefix);
    expect(await other.get("r", "k")).toMatchObject({ value: "1" });
    expect(await other.hasStore("r2")).toBe(false);
    expect(await other.hasStore("d")).toBe(false);
    expect(await client().hgetall(`${prefix}stores`)).toEqual({ r: "r" });
  });

  it("reclaims the space of expired keys on later writes", async () => {
    const prefix = `lay:${randomUUID()}:`;
    const backend = fresh(prefix);
    await backend.setMany(
      "s",
      Array.from({ length: 50 }, (_, i) => ({ key: `t${i}`, value: "1", ttlMs: 30 })),
    );
    await backend.set("s", "keep", "1");
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await backend.count("s")).toBe(1);
    expect(await client().hlen(`${prefix}{s}:v`)).toBe(51);
    await backend.set("s", "other", "2");
    expect(await client().hlen(`${prefix}{s}:v`)).toBe(2);
    expect(await client().zcard(`${prefix}{s}:e`)).toBe(0);
  });

  it("keeps the deletion log bounded; a reader older than what was forgotten is told to reload", async () => {
    const backend = fresh();
    const keys = Array.from({ length: 10_050 }, (_, i) => `k${i}`);
    await backend.setMany(
      "s",
      keys.map((key) => ({ key, value: "1" })),
    );
    const start = await backend.version("s");
    await backend.deleteMany("s", keys.slice(0, 10_001));
    expect((await backend.changes("s", start)).reset).toBe(true);
    const later = await backend.version("s");
    await backend.delete("s", "k10010");
    expect(await backend.changes("s", later)).toMatchObject({ reset: false, deleted: ["k10010"] });
  });

  it("stores an idempotency token beside the store with a TTL, and answers a repeat from it", async () => {
    const prefix = `lay:${randomUUID()}:`;
    const backend = fresh(prefix);
    const request = { checks: [], writes: [{ type: "set" as const, key: "n", value: "1" }], token: "tok-1" };
    const first = await backend.commit("s", request);
    await backend.set("s", "n", "2");
    expect(await backend.commit("s", request)).toEqual(first);
    expect(await backend.get("s", "n")).toMatchObject({ value: "2" });
    const ttl = await client().pttl(`${prefix}{s}:k:tok-1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it("a view's increment keeps the key's TTL in the view, and brings back what others wrote since", async () => {
    const prefix = `lay:${randomUUID()}:`;
    const view = await openStore<Record<string, number>>({ backend: fresh(prefix), name: "s" });
    view.set("n", 1, { ttl: 60 });
    await flush(view);
    // Nobody else wrote: the one-call script answers, and the view learns the kept expiry from it.
    expect(await view.increment("n")).toBe(2);
    expect(view.getTtl("n")).toBeGreaterThan(50);
    const other = createAsyncStore<Record<string, number>>({ backend: fresh(prefix), name: "s" });
    await other.set("o", 7);
    // Another client wrote since: the full script answers, with that write.
    expect(await view.increment("n")).toBe(3);
    expect(view.get("o")).toBe(7);
    expect(view.getTtl("n")).toBeGreaterThan(50);
    expect(await other.get("n")).toBe(3);
    await close(view);
  });

  it("a commit refused for its key limit keeps no idempotency record: sent again once there is room, it applies", async () => {
    const prefix = `lay:${randomUUID()}:`;
    const backend = fresh(prefix);
    await backend.setMany("s", [
      { key: "a", value: "1" },
      { key: "b", value: "2" },
    ]);
    const request = {
      checks: [],
      writes: [{ type: "set" as const, key: "c", value: "3" }],
      maxKeys: 2,
      token: "tok-limit",
    };
    const refused = await Promise.resolve(backend.commit("s", request)).catch((error: unknown) => error);
    expect(isStoreError(refused, "LIMIT_EXCEEDED")).toBe(true);
    expect(await client().exists(`${prefix}{s}:k:tok-limit`)).toBe(0);
    await backend.delete("s", "a");
    expect((await backend.commit("s", request)).ok).toBe(true);
    expect(await backend.get("s", "c")).toMatchObject({ value: "3" });
  });

  it("a page larger than 1,000 keys lists live keys with their versions, expired ones left out", async () => {
    const backend = fresh();
    const live = Array.from({ length: 2500 }, (_, i) => ({ key: `live-${i}`, value: String(i) }));
    const dying = Array.from({ length: 600 }, (_, i) => ({ key: `dying-${i}`, value: "0", ttlMs: 30 }));
    const version = await backend.setMany("s", [...live, ...dying]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const keys = await backend.listKeys("s", { limit: 5000 });
    expect(keys.keys.sort()).toEqual(live.map((e) => e.key).sort());
    const page = await backend.listEntries("s", { limit: 5000 });
    expect(page.entries).toHaveLength(2500);
    expect(page.entries.every((e) => e.version === version && e.expiresAt === null)).toBe(true);
    expect(page.entries.find((e) => e.key === "live-7")?.value).toBe("7");
  });

  it("pages never exceed their limit, and list every key once", async () => {
    const backend = fresh();
    const keys = Array.from({ length: 300 }, (_, i) => `key-${i}`);
    await backend.setMany(
      "s",
      keys.map((key) => ({ key, value: "1" })),
    );
    for (const limit of [1, 7, 100]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await backend.listKeys("s", cursor === undefined ? { limit } : { limit, cursor });
        expect(page.keys.length).toBeLessThanOrEqual(limit);
        seen.push(...page.keys);
        cursor = page.cursor ?? undefined;
      } while (cursor !== undefined);
      expect(seen.sort()).toEqual([...keys].sort());
    }
  });
});

describe("redis client handling", () => {
  it("does not connect before the first operation, and connects lazily on it", async () => {
    const backend = redisBackend({ url: server.url, prefix: `lay:${randomUUID()}:` });
    const before = await countClients();
    expect(await countClients()).toBe(before);
    await backend.set("s", "k", "1");
    expect(await countClients()).toBe(before + 1);
    await backend.dispose?.();
    await expect.poll(countClients).toBe(before);
  });

  it("leaves an injected client open on dispose; later calls fail with CLOSED", async () => {
    const client = new Redis(server.url);
    onTestFinished(async () => {
      await client.quit();
    });
    const backend = redisBackend({ client, prefix: `lay:${randomUUID()}:` });
    await backend.set("s", "k", "1");
    await backend.dispose?.();
    expect(await client.ping()).toBe("PONG");
    const error = await Promise.resolve(backend.get("s", "k")).catch((e: unknown) => e);
    expect(isStoreError(error, "CLOSED")).toBe(true);
  });
});

async function countClients(): Promise<number> {
  const list = await raw.client("LIST");
  return String(list)
    .split("\n")
    .filter((line) => line.includes("name=dictstore")).length;
}
