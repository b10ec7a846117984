import { createAsyncStore } from "@dictstore/core";
import { contextStore, type NodeRedContextStore } from "@dictstore/node-red";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, nodeRedMemoryStore, tempDir, viaCallback } from "./support.ts";

/** Runs the same calls on Node-RED's memory store and on ours, and expects the same answers. */
async function both(
  ours: NodeRedContextStore,
  script: (store: NodeRedContextStore) => unknown,
): Promise<unknown> {
  const reference = nodeRedMemoryStore();
  await reference.open();
  const outcome = (store: NodeRedContextStore) => {
    try {
      return { value: structuredClone(script(store)) };
    } catch (error) {
      return { error: (error as { code?: unknown }).code ?? String(error) };
    }
  };
  const expected = outcome(reference);
  expect(outcome(ours)).toEqual(expected);
  return expected;
}

async function sqliteContext(dir = tempDir()): Promise<NodeRedContextStore> {
  const store = contextStore({ url: `sqlite:${dir}/context.db` });
  await store.open();
  return store;
}

describe("context store: the semantics of Node-RED's memory store", () => {
  it("gets and sets top-level and nested property paths, synchronously", async () => {
    const store = await sqliteContext();
    const outcome = await both(store, (s) => {
      s.set("global", "count", 1);
      s.set("f1", "user.name", "ada");
      s.set("f1", "user.roles[0]", "user");
      s.set("f1", "user.roles[1]", "admin");
      s.set("f1", 'user["first login"]', "2024");
      s.set("n1:f1", "list", [1, 2, 3]);
      s.set("n1:f1", "list[0]", 9);
      return [
        s.get("global", "count"),
        s.get("f1", "user"),
        s.get("f1", "user.roles[1]"),
        s.get("f1", "user.missing.deeper"),
        s.get("f1", "nothing"),
        s.get("n1:f1", "list"),
        s.get("global", "user"),
      ];
    });
    expect(outcome).toEqual({
      value: [
        1,
        { name: "ada", roles: ["user", "admin"], "first login": "2024" },
        "admin",
        undefined,
        undefined,
        [9, 2, 3],
        undefined,
      ],
    });
    await store.close();
  });

  it("takes arrays of keys and values, fills missing values with null, deletes on undefined", async () => {
    const store = await sqliteContext();
    await both(store, (s) => {
      s.set("f1", ["a", "b", "c"], [1, "two"]);
      s.set("f1", ["d", "e"], 5);
      const before = s.get("f1", ["a", "b", "c", "d", "e"]);
      s.set("f1", "a", undefined);
      s.set("f1", "d.x", 1);
      s.set("f1", "b", { nested: { deep: true } });
      s.set("f1", "b.nested.deep", undefined);
      return [before, s.get("f1", ["a", "b", "d"]), s.keys("f1")?.sort()];
    });
    await store.close();
  });

  it("throws Node-RED's INVALID_EXPR for a malformed path, and passes it to a callback", async () => {
    const store = await sqliteContext();
    // Node-RED's memory store parses the path only in a scope that exists.
    await both(store, (s) => {
      s.set("f1", "present", 1);
      return s.get("f1", "a..b");
    });
    await both(store, (s) => s.set("f1", "a[", 1));
    await expect(viaCallback((cb) => store.get("f1", "a..b", cb))).rejects.toMatchObject({
      code: "INVALID_EXPR",
    });
    await expect(viaCallback((cb) => store.set("f1", "x]", 1, cb))).rejects.toMatchObject({
      code: "INVALID_EXPR",
    });
    await store.close();
  });

  it("answers callbacks with one value per key, and keys() hides get/set/keys of the global scope", async () => {
    const store = await sqliteContext();
    await viaCallback((cb) => store.set("global", ["set", "keys", "visible"], [1, 2, 3], cb));
    expect(await viaCallback((cb) => store.get("global", ["visible", "set", "nope"], cb))).toEqual([
      3,
      1,
      undefined,
    ]);
    expect(await viaCallback((cb) => store.get("global", "visible", cb))).toEqual([3]);
    expect(await viaCallback((cb) => store.keys("global", cb))).toEqual([["visible"]]);
    store.set("f1", "set", 1);
    expect(store.keys("f1")).toEqual(["set"]);
    expect(store.keys("no-such-scope")).toEqual([]);
    await store.close();
  });

  it("delete() drops a scope; clean() drops the scopes of removed nodes and flows, never global", async () => {
    const store = await sqliteContext();
    for (const scope of ["global", "f1", "f2", "n1:f1", "n2:f1", "n3:f2"]) store.set(scope, "k", scope);
    await store.delete("n2:f1");
    expect(store.get("n2:f1", "k")).toBeUndefined();
    await store.clean(["f1", "n1"]);
    const left = ["global", "f1", "f2", "n1:f1", "n3:f2"].filter(
      (scope) => store.get(scope, "k") !== undefined,
    );
    expect(left).toEqual(["global", "f1", "n1:f1"]);
    await store.close();
  });
});

describe("context store: persistence and readable keys", () => {
  it("keeps context across a close and reopen, as ordinary keys of the 'node-red' store", async () => {
    const dir = tempDir();
    const first = await sqliteContext(dir);
    first.set("global", "count", 41);
    first.set("f1", "user.name", "ada");
    first.set("n1:f1", "seen", ["x"]);
    await first.close();

    const second = await sqliteContext(dir);
    expect(second.get("global", "count")).toBe(41);
    expect(second.get("f1", "user.name")).toBe("ada");
    await second.close();

    const raw = createAsyncStore({ url: `sqlite:${dir}/context.db`, name: "node-red" });
    const keys: string[] = [];
    for await (const key of raw.keys()) keys.push(key);
    expect(keys.sort()).toEqual(["f1/user", "global/count", "n1:f1/seen"]);
    expect(await raw.get("f1/user")).toEqual({ name: "ada" });
    await import("@dictstore/core").then(({ close }) => close(raw));
  });

  it("puts the default SQLite file under Node-RED's user directory, and honours the store name", async () => {
    const userDir = tempDir();
    const saved = process.env.DICTSTORE_URL;
    delete process.env.DICTSTORE_URL;
    try {
      const store = contextStore({ store: "ctx", settings: { userDir } });
      await store.open();
      store.set("global", "where", "userDir");
      await store.close();
    } finally {
      if (saved !== undefined) process.env.DICTSTORE_URL = saved;
    }
    const raw = createAsyncStore({ url: `sqlite:${userDir}/.dictstore/data.db`, name: "ctx" });
    expect(await raw.get("global/where")).toBe("userDir");
    await import("@dictstore/core").then(({ close }) => close(raw));
  });

  it("refuses use before open and after close with a typed CLOSED error", async () => {
    const store = contextStore({ url: `sqlite:${tempDir()}/context.db` });
    expect(() => store.get("global", "k")).toThrow(expect.objectContaining({ code: "CLOSED" }));
    await store.open();
    store.set("global", "k", 1);
    await store.close();
    expect(() => store.set("global", "k", 2)).toThrow(expect.objectContaining({ code: "CLOSED" }));
    await expect(viaCallback((cb) => store.get("global", "k", cb))).rejects.toMatchObject({ code: "CLOSED" });
  });

  it("reports a value it cannot store with a typed error, and stores nothing of it", async () => {
    const store = await sqliteContext();
    expect(() => store.set("f1", "bad", { run: () => 1 })).toThrow(
      expect.objectContaining({ code: "INVALID_VALUE" }),
    );
    await expect(viaCallback((cb) => store.set("f1", "bad", () => 1, cb))).rejects.toMatchObject({
      code: "INVALID_VALUE",
    });
    expect(store.get("f1", "bad")).toBeUndefined();
    expect(store.keys("f1")).toEqual([]);
    await store.close();
  });
});

describe("context store over Redis: several Node-RED instances", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("serves synchronous reads from a local view that sees other instances' writes", async () => {
    const a = contextStore({ url: redis.url, refreshInterval: 0.05 });
    const b = contextStore({ url: redis.url, refreshInterval: 0.05 });
    await Promise.all([a.open(), b.open()]);
    a.set("global", "shared", { from: "a" });
    expect(a.get("global", "shared")).toEqual({ from: "a" });
    await eventually(() => b.get("global", "shared.from") === "a");

    // The callback forms are fresh: acknowledged after the commit, read after a refresh.
    await viaCallback((cb) => b.set("f1", "n", 7, cb));
    const quiet = contextStore({ url: redis.url, refreshInterval: 0 });
    await quiet.open();
    await viaCallback((cb) => a.set("f1", "n", 8, cb));
    expect(await viaCallback((cb) => quiet.get("f1", "n", cb))).toEqual([8]);
    expect(await viaCallback((cb) => quiet.keys("f1", cb))).toEqual([["n"]]);
    await Promise.all([a.close(), b.close(), quiet.close()]);

    const reopened = contextStore({ url: redis.url });
    await reopened.open();
    expect(reopened.get("global", "shared")).toEqual({ from: "a" });
    await reopened.close();
  });
});
