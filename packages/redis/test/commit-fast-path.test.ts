import { randomUUID } from "node:crypto";
import { close, createAsyncStore, flush, openStore, refresh } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * A view's flush of plain sets is answered by the commit's fast path (commit-fast.lua), which
 * writes without the full commit's per-key bookkeeping. These are the store states it must either
 * handle exactly as the full commit does or hand over: keys with a TTL, tombstones, a store near
 * maxKeys, a writer that is not up to date, a repeated token.
 */

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

type Records = Record<string, unknown>;
const fresh = () => ({ backend: redisBackend({ url: server.url, prefix: `t:${randomUUID()}:` }), name: "s" });

describe("a view's flush of plain sets", () => {
  it("clears the TTL of a key that had one, and keeps the TTL of the keys it does not write", async () => {
    const { backend, name } = fresh();
    const store = createAsyncStore<Records>({ backend, name });
    await store.set("a", 1, { ttl: 600 });
    await store.set("b", 1, { ttl: 600 });
    const view = await openStore<Records>({ backend, name });
    view.a = 2;
    await flush(view);
    expect(await store.getTtl("a")).toBeNull();
    expect(await store.getTtl("b")).toBeGreaterThan(0);
    expect(await store.get("a")).toBe(2);
    await close(view);
    await backend.dispose?.();
  });

  it("brings back a deleted key: a view that saw neither sees it present, not deleted", async () => {
    const { backend, name } = fresh();
    const writer = await openStore<Records>({ backend, name });
    const reader = await openStore<Records>({ backend, name });
    writer.a = 1;
    writer.b = 1;
    await flush(writer);
    await refresh(reader);
    delete writer.a;
    await flush(writer);
    writer.a = 3;
    await flush(writer);
    await refresh(reader);
    expect(reader.a).toBe(3);
    expect(Object.keys(reader).sort()).toEqual(["a", "b"]);
    await Promise.all([close(writer), close(reader)]);
    await backend.dispose?.();
  });

  it("overwrites existing keys of a store at maxKeys (the exact count is the full commit's)", async () => {
    const { backend, name } = fresh();
    const view = await openStore<Records>({ backend, name, limits: { maxKeys: 3 } });
    view.a = 1;
    view.b = 1;
    view.c = 1;
    await flush(view);
    view.a = 2;
    view.b = 2;
    await flush(view);
    const store = createAsyncStore<Records>({ backend, name });
    expect(await store.toObject()).toEqual({ a: 2, b: 2, c: 1 });
    await close(view);
    await backend.dispose?.();
  });

  it("of a view that is behind brings the other writer's changes along", async () => {
    const { backend, name } = fresh();
    const view = await openStore<Records>({ backend, name });
    const other = createAsyncStore<Records>({ backend, name });
    view.a = 1;
    await flush(view);
    await other.set("b", 2);
    await other.delete("a");
    view.c = 3;
    await flush(view);
    expect({ ...view }).toEqual({ b: 2, c: 3 });
    await close(view);
    await backend.dispose?.();
  });

  it("applies a write with a repeated idempotency token once", async () => {
    const { backend, name } = fresh();
    const token = randomUUID();
    const writes = [{ type: "set" as const, key: "a", value: "1" }];
    const first = await backend.commit(name, { checks: [], writes, token });
    const again = await backend.commit(name, { checks: [], writes, token });
    expect(again).toEqual(first);
    // The repeat moved nothing: the next commit is the one right after the first.
    const next = await backend.commit(name, { checks: [], writes });
    expect(first.ok && next.ok && next.version).toBe(first.ok && first.version + 1);
    await backend.dispose?.();
  });
});
