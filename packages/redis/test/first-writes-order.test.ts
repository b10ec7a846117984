import { randomUUID } from "node:crypto";
import { close, createAsyncStore } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { type RedisCluster, type RedisServer, startRedisCluster, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * Same-key writes made in one step apply in program order, also as the very first writes to a
 * store: concurrent calls on a name this process has not resolved yet share one directory lookup
 * (and create), so none of them overtakes another on its way to the store. Many fresh stores make
 * the first-write race happen on every run instead of by luck.
 */

let server: RedisServer;
let cluster: RedisCluster;
beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([server?.stop(), cluster?.stop()]);
});

const targets = [
  { kind: "single server", url: () => server.url, options: () => ({ url: server.url }) },
  {
    kind: "cluster",
    options: () => ({ cluster: cluster.nodes }),
    url: () => `redis+cluster://${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(",")}`,
  },
];

describe.each(targets)("first writes to fresh stores on a $kind", ({ url, options }) => {
  it("land in program order, in 40 fresh stores at once", async () => {
    const names = Array.from({ length: 40 }, () => `fresh-${randomUUID()}`);
    const stores = names.map((name) => createAsyncStore({ url: url(), name }));
    try {
      await Promise.all(
        stores.map((store) => Promise.all([store.set("k", 1), store.set("k", 2), store.set("k", 3)])),
      );
      const finals = await Promise.all(stores.map((store) => store.get("k")));
      expect(finals).toEqual(names.map(() => 3));
    } finally {
      await Promise.all(stores.map((store) => close(store)));
    }
  }, 60_000);

  it("a call whose time budget shrank while it waited is not overtaken by a later call", async () => {
    const backend = redisBackend(options());
    try {
      // A ready connection, and a store name this backend has not resolved yet.
      await createAsyncStore({ backend, name: "warm" }).set("x", 1);
      for (let round = 0; round < 10; round++) {
        const store = createAsyncStore({ backend, name: `fresh-${randomUUID()}` });
        const first = store.set("k", 1);
        // The step keeps the thread busy before its next write: the first call's deadline, taken
        // when it was made, has less left than a full budget by the time it is sent.
        const busyUntil = Date.now() + 25;
        while (Date.now() < busyUntil) {}
        const second = store.set("k", 2);
        await Promise.all([first, second]);
        expect(await store.get("k")).toBe(2);
      }
    } finally {
      await backend.dispose?.();
    }
  }, 60_000);
});
