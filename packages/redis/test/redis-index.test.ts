import { randomUUID } from "node:crypto";
import { type Backend, createAsyncStore, flush, isStoreError, openStore, refresh } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { type RedisCluster, type RedisServer, startRedisCluster, startRedisServer } from "@dictstore/testing";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";

/*
 * The key index (a sorted set read with ZRANGEBYLEX): listings page by key, prefix loads and
 * listings read only what matches, stores from before the index keep working, and a store reset
 * behind a view's back is detected.
 */

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

const keyNames = (count: number, stem: string) =>
  Array.from({ length: count }, (_, i) => `${stem}${String(i).padStart(5, "0")}`);

describe.each(targets)("the key index on a $kind", ({ options, client }) => {
  const fresh = (prefix = `idx:${randomUUID()}:`): Backend => {
    const backend = redisBackend({ ...options(), prefix });
    onTestFinished(() => backend.dispose?.());
    return backend;
  };

  /** Every page of a listing, with `between` run after each page. */
  const allPages = async (
    backend: Backend,
    store: string,
    limit: number,
    between: (page: number) => Promise<void>,
    prefix?: string,
  ) => {
    const listed: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const result = await backend.listKeys(store, {
        limit,
        ...(cursor === undefined ? {} : { cursor }),
        ...(prefix === undefined ? {} : { prefix }),
      });
      expect(result.keys.length).toBeLessThanOrEqual(limit);
      listed.push(...result.keys);
      if (result.cursor === null) return listed;
      cursor = result.cursor;
      await between(page);
    }
    throw new Error("the listing never ended");
  };

  it("a paged listing lists every key present throughout exactly once while the hash is resized between pages", async () => {
    const backend = fresh();
    const stable = keyNames(1200, "k");
    await backend.setMany(
      "s",
      stable.map((key) => ({ key, value: "1" })),
    );
    // Between pages, thousands of keys come and go: the hash grows, shrinks and rehashes, the
    // condition under which a repeated HSCAN cursor does not return the same batch.
    const listed = await allPages(backend, "s", 500, async (page) => {
      const churn = keyNames(6000, `churn${page}-`);
      for (let i = 0; i < churn.length; i += 1000) {
        await backend.setMany(
          "s",
          churn.slice(i, i + 1000).map((key) => ({ key, value: "2" })),
        );
      }
      await backend.deleteMany("s", churn);
    });
    const stableListed = listed.filter((key) => !key.startsWith("churn"));
    expect(stableListed.length).toBe(stable.length);
    expect(new Set(stableListed).size).toBe(stable.length);
  });

  it("a paged prefix listing and a prefix load give exactly the matching live keys, in byte order", async () => {
    const backend = fresh();
    const keys = [
      "a",
      "ab",
      "abc",
      "abd",
      "ab\u00e9",
      "ab\u{1f600}",
      "ab\uffff",
      "b",
      "aa",
      "ac",
      "ab*",
      "ab[",
    ];
    await backend.setMany(
      "s",
      keys.map((key) => ({ key, value: JSON.stringify(key) })),
    );
    await backend.set("s", "abz", "1", { ttlMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const expected = keys
      .filter((key) => key.startsWith("ab"))
      .sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(await allPages(backend, "s", 2, async () => {}, "ab")).toEqual(expected);
    const loaded = await backend.load("s", { prefixes: ["ab"] });
    expect(loaded.entries.map((e) => e.key).sort()).toEqual([...expected].sort());
    for (const entry of loaded.entries) expect(entry.value).toBe(JSON.stringify(entry.key));
    const view = await openStore({ backend, name: "s", load: { prefixes: ["ab"] } });
    expect(view.get("abc")).toBe("abc");
  });

  it("a prefix load and a prefix listing read only the index range: no HSCAN, no whole-hash read", async () => {
    if (client() !== raw) return expect(client()).toBe(rawCluster); // commandstats: single server only
    const backend = fresh();
    for (let i = 0; i < 20; i++) {
      await backend.setMany(
        "s",
        keyNames(1000, `bulk${i}-`).map((key) => ({ key, value: "1" })),
      );
    }
    await backend.setMany("s", [
      { key: "wanted:1", value: "1" },
      { key: "wanted:2", value: "2" },
    ]);
    await raw.config("RESETSTAT");
    const loaded = await backend.load("s", { prefixes: ["wanted:"] });
    const listed = await backend.listEntries("s", { prefix: "wanted:", limit: 10 });
    expect(loaded.entries.map((e) => e.key).sort()).toEqual(["wanted:1", "wanted:2"]);
    expect(listed.entries.map((e) => e.key)).toEqual(["wanted:1", "wanted:2"]);
    const stats = await raw.info("commandstats");
    expect(stats).not.toMatch(/cmdstat_hscan:/);
    expect(stats).not.toMatch(/cmdstat_hgetall:/);
    expect(stats).toMatch(/cmdstat_zrangebylex:calls=2,/);
  });

  it("a store written by the previous layout (no index, no epoch) lists, loads by prefix and keeps its index from then on", async () => {
    const prefix = `idx:${randomUUID()}:`;
    const base = `${prefix}{old}:`;
    // The previous layout, written by hand: meta without index/epoch fields, values, versions.
    await client().hset(`${prefix}stores`, "old", "old");
    await client().hset(`${base}s`, "n", "old", "v", "1000000000000005", "f", "1000000000000000");
    const keys = keyNames(30, "p:");
    for (const [i, key] of keys.entries()) {
      await client().hset(`${base}v`, key, String(i));
      await client().zadd(`${base}c`, 1000000000000001 + (i % 5), key);
    }
    await client().hset(`${base}v`, "other", "1");
    await client().zadd(`${base}c`, 1000000000000001, "other");
    const backend = fresh(prefix);
    expect(await allPages(backend, "old", 7, async () => {}, "p:")).toEqual(keys);
    expect((await backend.load("old", { prefixes: ["p:"] })).entries.length).toBe(30);
    expect(await client().zcard(`${base}i`)).toBe(31);
    await backend.set("old", "p:new", "1");
    await backend.delete("old", "p:00000");
    const after = await allPages(backend, "old", 100, async () => {}, "p:");
    expect(after).toEqual([...keys.slice(1), "p:new"]);
    // A process still running the previous version writes without keeping the index: the next
    // listing sees the index out of step and rebuilds it.
    await client().hset(`${base}v`, "p:zz-old-writer", "7");
    await client().zadd(`${base}c`, 1000000000000009, "p:zz-old-writer");
    expect((await allPages(backend, "old", 100, async () => {}, "p:")).at(-1)).toBe("p:zz-old-writer");
    const store = await openStore({ backend, name: "old" });
    expect(store.get("p:00003")).toBe(3);
    store.set("p:00004", 44);
    await refresh(store);
    expect(await backend.get("old", "p:00004")).toMatchObject({ value: "44" });
  });
});

describe.each(targets)("the full load on a $kind", ({ options }) => {
  it("gives every entry the snapshot's version; a check with it passes while the key is unchanged and conflicts after a write", async () => {
    const backend = redisBackend({ ...options(), prefix: `load:${randomUUID()}:` });
    onTestFinished(() => backend.dispose?.());
    await backend.set("s", "a", "1");
    await backend.set("s", "b", "2", { ttlMs: 60_000 });
    await backend.set("s", "gone", "3", { ttlMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const snapshot = await backend.load("s");
    expect(snapshot.version).toBe(await backend.version("s"));
    expect(snapshot.entries.map((e) => e.key).sort()).toEqual(["a", "b"]);
    expect(snapshot.entries.find((e) => e.key === "b")?.expiresAt).toBeGreaterThan(Date.now());
    for (const entry of snapshot.entries) expect(entry.version).toBe(snapshot.version);
    const check = (key: string) => [{ key, version: snapshot.version }];
    expect((await backend.commit("s", { checks: check("a"), writes: [] })).ok).toBe(true);
    await backend.set("s", "a", "changed");
    expect(await backend.commit("s", { checks: check("a"), writes: [] })).toEqual({
      ok: false,
      conflicts: ["a"],
    });
    await backend.delete("s", "b");
    expect(await backend.commit("s", { checks: check("b"), writes: [] })).toEqual({
      ok: false,
      conflicts: ["b"],
    });
  });
});

describe.each(targets)("a store reset behind a view's back on a $kind", ({ options, client }) => {
  // directoryCheckMs 0: every refresh checks the directory (by default at most once a second).
  const fresh = (prefix: string): Backend => {
    const backend = redisBackend({ ...options(), prefix, directoryCheckMs: 0 });
    onTestFinished(() => backend.dispose?.());
    return backend;
  };
  /** Deletes every key under the prefix, as another client (or a server restarted empty) would. */
  const wipe = async (prefix: string, suffixes?: readonly string[]) => {
    const nodes = client() instanceof Cluster ? (client() as Cluster).nodes("master") : [client() as Redis];
    for (const node of nodes) {
      const found = await node.keys(`${prefix}*`);
      for (const key of found) {
        if (suffixes === undefined || suffixes.some((suffix) => key.endsWith(suffix)))
          await client().del(key);
      }
    }
  };

  it("all its data deleted (a server restarted empty): the view's next commit is refused with a typed error, a refresh empties it", async () => {
    const prefix = `reset:${randomUUID()}:`;
    const view = await openStore({ backend: fresh(prefix), name: "s" });
    view.set("a", 1);
    view.set("b", 2);
    await refresh(view);
    await wipe(prefix);
    view.set("c", 3);
    const failure = await refresh(view).catch((error: unknown) => error);
    expect(isStoreError(failure, "CONFLICT")).toBe(true);
    expect(String((failure as Error).message)).toMatch(/reset behind this view's back/);
    // The refusal is reported once; the view resynchronises with what the server holds.
    await refresh(view).catch(() => {});
    await refresh(view);
    const reader = createAsyncStore({ backend: fresh(prefix), name: "s" });
    const seen: string[] = [];
    for await (const key of reader.keys()) seen.push(key);
    expect(seen.sort()).toEqual([...view.keys()].sort());
    expect(view.has("a")).toBe(false);
  });

  it("its version key deleted by another client: refused with a typed error, never a Lua message; increment too", async () => {
    const prefix = `reset:${randomUUID()}:`;
    const backend = fresh(prefix);
    const view = await openStore({ backend, name: "s" });
    view.set("n", 1);
    await refresh(view);
    await wipe(prefix, ["}:s"]);
    const failure = await view.increment("n", 1).catch((error: unknown) => error);
    expect(isStoreError(failure)).toBe(true);
    expect(String((failure as Error).message)).not.toMatch(/attempt to|script|lua/i);
  });

  /**
   * A view of a renamed store (it keeps its first id, so a fresh reader could not find it again by
   * its name alone), fresh readers of that name, and the deletion of the directory by another client.
   */
  const renamedStore = async () => {
    const prefix = `reset:${randomUUID()}:`;
    const backend = fresh(prefix);
    await backend.set("first", "k", "1");
    await backend.renameStore("first", "renamed");
    return {
      view: await openStore({ backend, name: "renamed" }),
      reader: () => createAsyncStore({ backend: fresh(prefix), name: "renamed" }),
      deleteDirectory: () => client().del(`${prefix}stores`),
    };
  };

  it("the store directory deleted by another client: a view's refresh publishes its store again, so fresh readers see its writes", async () => {
    const { view, reader, deleteDirectory } = await renamedStore();
    view.set("written", 2);
    await refresh(view);
    await deleteDirectory();
    await refresh(view);
    expect(await reader().get("written")).toBe(2);
    expect(await reader().get("k")).toBe(1);
  });

  it("the store directory deleted by another client: a view's next commit publishes its store again, so fresh readers see its writes", async () => {
    const { view, reader, deleteDirectory } = await renamedStore();
    await deleteDirectory();
    view.set("written", 2);
    await flush(view);
    expect(await reader().get("written")).toBe(2);
    expect(await reader().get("k")).toBe(1);
  });

  it("the directory re-created for another store by a fresh reader: a view's next commit lands where fresh readers see it", async () => {
    const { view, reader, deleteDirectory } = await renamedStore();
    await deleteDirectory();
    await reader().set("other", 3);
    view.set("mine", 4);
    await flush(view);
    expect(await reader().get("mine")).toBe(4);
    expect(view.get("other")).toBe(3);
    expect(view.has("k")).toBe(false);
  });

  it("the directory re-created for another store by a fresh reader: a view's refresh moves to what fresh readers see", async () => {
    const { view, reader, deleteDirectory } = await renamedStore();
    await deleteDirectory();
    await reader().set("other", 3);
    await refresh(view);
    expect(view.has("k")).toBe(false);
    expect(view.get("other")).toBe(3);
  });

  it("its values deleted by another client: reads and increments see missing keys, never a Lua error", async () => {
    const prefix = `reset:${randomUUID()}:`;
    const backend = fresh(prefix);
    const store = createAsyncStore({ backend, name: "s" });
    await store.set("n", 5);
    await store.set("m", 1, { ttl: 60 });
    await wipe(prefix, ["}:v"]);
    expect(await store.get("n", "none")).toBe("none");
    expect(await store.increment("n", 2)).toBe(2);
    expect(await store.increment("m", 2)).toBe(2);
  });
});
