import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { close, flush, openStore, refresh } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";

/* Two processes on one Redis store: what one commits, the other sees after a refresh. */

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const child = fileURLToPath(new URL("./fixtures/redis-child.ts", import.meta.url));

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
}, 30_000);
afterAll(() => server?.stop());

/** Runs the child process and parses what it printed. */
async function inChild(prefix: string, args: string[]): Promise<unknown> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", child, server.url, prefix, "shared", ...args],
    {
      cwd: repoRoot,
      timeout: 30_000,
    },
  );
  return JSON.parse(stdout);
}

async function view(prefix: string) {
  const backend = redisBackend({ url: server.url, prefix });
  const store = await openStore({ backend, name: "shared" });
  onTestFinished(async () => {
    await close(store);
    await backend.dispose?.();
  });
  return store;
}

describe("two processes on one Redis store", () => {
  it("a value written and flushed by another process is seen here after refresh", async () => {
    const prefix = `procs:${randomUUID()}:`;
    const store = await view(prefix);
    expect(store.get("greeting")).toBeUndefined();
    expect(
      await inChild(prefix, ["write", "greeting", JSON.stringify({ from: "child", n: [1, 2] })]),
    ).toEqual({ wrote: "greeting" });
    expect(store.get("greeting")).toBeUndefined(); // a view shows the store as of its last refresh
    await refresh(store);
    expect(store.get("greeting")).toEqual({ from: "child", n: [1, 2] });
  });

  it("a value written and flushed here is seen by another process", async () => {
    const prefix = `procs:${randomUUID()}:`;
    const store = await view(prefix);
    store.counter = 41;
    store.counter = (store.counter as number) + 1;
    await flush(store);
    expect(await inChild(prefix, ["read", "counter"])).toEqual({ value: 42, size: 1 });
    delete store.counter;
    await flush(store);
    expect(await inChild(prefix, ["read", "counter"])).toEqual({ value: null, size: 0 });
  });
});
