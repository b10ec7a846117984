import { randomUUID } from "node:crypto";
import { createConnection, createServer, type Socket } from "node:net";
import { type Backend, isStoreError, type StoreErrorCode } from "@dictstore/core";
import { type RedisBackendOptions, redisBackend } from "@dictstore/redis";
import { freePort, type RedisServer, startRedisServer } from "@dictstore/testing";
import { describe, expect, it, onTestFinished } from "vitest";

/*
 * Fault injection against real redis-server processes (reliability.md F1, F2, F6, F13, F14, F17):
 * every operation settles within its deadline with the right typed error, and the same backend
 * object works again once the server is back.
 */

const TIMEOUT_MS = 1000;
/** What "settles in time" allows beyond the deadline: timers and a loaded CI machine. */
const SLACK_MS = 1500;

async function server(args: string[] = [], port?: number): Promise<RedisServer> {
  const started = await startRedisServer(port === undefined ? { args } : { args, port });
  onTestFinished(() => started.stop());
  return started;
}

function backend(options: RedisBackendOptions): Backend {
  const created = redisBackend({ timeoutMs: TIMEOUT_MS, prefix: `faults:${randomUUID()}:`, ...options });
  onTestFinished(() => created.dispose?.());
  return created;
}

/** Runs an operation and returns how it settled and how long it took. */
async function settle(operation: () => unknown): Promise<{ ms: number; value?: unknown; error?: unknown }> {
  const started = Date.now();
  try {
    const value = await operation();
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

function expectCode(outcome: { error?: unknown }, code: StoreErrorCode): void {
  expect(isStoreError(outcome.error), `expected a StoreError, got ${String(outcome.error)}`).toBe(true);
  expect((outcome.error as { code: string }).code).toBe(code);
}

/** One of each kind of call, as a table: name, operation, whether it writes. */
function operations(b: Backend): [string, () => unknown, boolean][] {
  return [
    ["get", () => b.get("s", "k"), false],
    ["has", () => b.has("s", "k"), false],
    ["listKeys", () => b.listKeys("s"), false],
    ["count", () => b.count("s"), false],
    ["version", () => b.version("s"), false],
    ["changes", () => b.changes("s", 1), false],
    ["load", () => b.load("s"), false],
    ["listStores", () => b.listStores(), false],
    ["set", () => b.set("s", "k", "1"), true],
    ["deleteMany", () => b.deleteMany("s", ["k"]), true],
    [
      "commit",
      () =>
        b.commit("s", { checks: [], writes: [{ type: "set", key: "k", value: "2" }], token: randomUUID() }),
      true,
    ],
  ];
}

describe("Redis faults: every operation settles in time with a typed error, and recovers", () => {
  it("F1: server not running: BACKEND_UNAVAILABLE naming the server, password redacted; works once it starts", async () => {
    const port = await freePort();
    const b = backend({ url: `redis://someone:s3cret-pw@127.0.0.1:${port}` });
    const ops = operations(b);
    const outcomes = await Promise.all(ops.map(([, operation]) => settle(operation)));
    for (const [i, [name]] of ops.entries()) {
      const outcome = outcomes[i] ?? { ms: 0 };
      expectCode(outcome, "BACKEND_UNAVAILABLE");
      expect(outcome.ms, name).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      const error = outcome.error as Error;
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(
        `${error.message} ${String(error.stack)} ${String((error.cause as Error)?.message)}`,
      ).not.toContain("s3cret-pw");
    }
    // The server comes up (with that user's password accepted): the same backend recovers.
    await server(["--user", "someone", "on", ">s3cret-pw", "~*", "&*", "+@all"], port);
    await expect
      .poll(() => settle(() => b.set("s", "k", "v")).then((o) => o.error), { timeout: 3000 })
      .toBeUndefined();
    expect(await b.get("s", "k")).toMatchObject({ value: "v" });
  });

  it("F2: killed mid-run and restarted: in-flight and new calls fail in time, then the same backend works again", async () => {
    const redis = await server();
    const b = backend({ url: redis.url });
    await b.set("s", "k", "1");
    // A burst of calls in flight when the server dies.
    const inFlight = Array.from({ length: 40 }, (_, i) =>
      settle(() => (i % 2 === 0 ? b.get("s", "k") : b.set("s", `k${i}`, "1"))),
    );
    await redis.kill("SIGKILL");
    const outcomes = await Promise.all(inFlight);
    for (const outcome of outcomes) {
      expect(outcome.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      if (outcome.error !== undefined) {
        expect(isStoreError(outcome.error), String(outcome.error)).toBe(true);
        expect(["BACKEND_UNAVAILABLE", "UNKNOWN_OUTCOME"]).toContain(
          (outcome.error as { code: string }).code,
        );
      }
    }
    const ops = operations(b);
    const after = await Promise.all(ops.map(([, operation]) => settle(operation)));
    for (const [i, [name]] of ops.entries()) {
      const outcome = after[i] ?? { ms: 0 };
      expect(outcome.ms, name).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      // Nothing can be sent to a dead server, so even writes are known not to have been applied.
      expectCode(outcome, "BACKEND_UNAVAILABLE");
    }
    await redis.restart();
    // Reconnection is waited for, not timed: the poll's deadline only stops a backend that never comes back.
    await expect
      .poll(() => settle(() => b.set("s", "k", "2")).then((o) => o.error), { timeout: 20_000, interval: 50 })
      .toBeUndefined();
    // The server restarted empty (no persistence): the store starts over, not half-remembered.
    expect((await b.listKeys("s")).keys).toEqual(["k"]);
  });

  it("F6: frozen with SIGSTOP: reads fail with BACKEND_UNAVAILABLE, writes with UNKNOWN_OUTCOME; fine after SIGCONT", async () => {
    const redis = await server();
    const b = backend({ url: redis.url });
    await b.set("s", "k", "1");
    await redis.kill("SIGSTOP");
    try {
      const ops = operations(b);
      const outcomes = await Promise.all(ops.map(([, operation]) => settle(operation)));
      for (const [i, [name, , writes]] of ops.entries()) {
        const outcome = outcomes[i] ?? { ms: 0 };
        expect(outcome.ms, name).toBeLessThan(TIMEOUT_MS + SLACK_MS);
        expectCode(outcome, writes ? "UNKNOWN_OUTCOME" : "BACKEND_UNAVAILABLE");
      }
    } finally {
      await redis.kill("SIGCONT");
    }
    await expect
      .poll(() => settle(() => b.get("s", "k")).then((o) => o.error), { timeout: 3000 })
      .toBeUndefined();
    // The "unknown" writes were queued in the frozen server and did run: that is why they were not reported as failed.
    expect(await b.get("s", "k")).toMatchObject({ value: "2" });
    await b.set("s", "k", "3");
    expect(await b.get("s", "k")).toMatchObject({ value: "3" });
  });

  it("F4: a commit whose reply is lost is retried with its token: applied once, answered from the first result", async () => {
    const redis = await server();
    const proxy = await replyDroppingProxy(redis.port);
    const b = backend({ url: `redis://127.0.0.1:${proxy.port}`, timeoutMs: 3000 });
    await b.set("s", "n", "0");
    const before = await b.get("s", "n");
    // The server runs the commit, but its reply never arrives and the connection breaks.
    proxy.dropNextReply();
    const result = await b.commit("s", {
      checks: [{ key: "n", version: before?.version ?? 0 }],
      writes: [{ type: "set", key: "n", value: "1" }],
      token: randomUUID(),
    });
    expect(proxy.dropped).toBe(1);
    // Re-run blindly, the guarded commit would now conflict; answered from its token, it succeeded once.
    expect(result).toMatchObject({ ok: true });
    expect(await b.version("s")).toBe((before?.version ?? 0) + 1);
    expect(await b.get("s", "n")).toMatchObject({ value: "1" });
  });

  it("F4: a plain write whose reply is lost is UNKNOWN_OUTCOME, never re-sent", async () => {
    const redis = await server();
    const proxy = await replyDroppingProxy(redis.port);
    const b = backend({ url: `redis://127.0.0.1:${proxy.port}` });
    await b.set("s", "n", "0");
    const version = await b.version("s");
    proxy.dropNextReply();
    expectCode(await settle(() => b.set("s", "n", "1")), "UNKNOWN_OUTCOME");
    expect(await b.version("s")).toBe(version + 1);
  });

  it("F13: the script cache flushed under a running backend: NOSCRIPT falls back to EVAL", async () => {
    const redis = await server();
    const b = backend({ url: redis.url });
    await b.set("s", "k", "1");
    const admin = backend({ url: redis.url });
    await admin.get("s", "k");
    const { Redis } = await import("ioredis");
    const raw = new Redis(redis.url);
    onTestFinished(async () => {
      await raw.quit();
    });
    await raw.script("FLUSH");
    expect(await b.get("s", "k")).toMatchObject({ value: "1" });
    await b.set("s", "k", "2");
    expect(await b.get("s", "k")).toMatchObject({ value: "2" });
  });

  it("F14: an allkeys-* eviction policy is refused unless allowEvictionPolicy is set", async () => {
    const redis = await server(["--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"]);
    const refused = await settle(() => backend({ url: redis.url }).set("s", "k", "1"));
    expectCode(refused, "UNSUPPORTED_OPERATION");
    expect((refused.error as Error).message).toMatch(/allkeys-lru.*allowEvictionPolicy/);
    const allowed = backend({ url: redis.url, allowEvictionPolicy: true });
    await allowed.set("s", "k", "1");
    expect(await allowed.get("s", "k")).toMatchObject({ value: "1" });
  });

  it("F14: out of memory under noeviction is CAPACITY, nothing half-written", async () => {
    const redis = await server(["--maxmemory", "4mb", "--maxmemory-policy", "noeviction"]);
    const b = backend({ url: redis.url });
    const big = JSON.stringify("x".repeat(256 * 1024));
    let outcome: { error?: unknown } = {};
    let written = 0;
    for (; written < 64 && outcome.error === undefined; written++)
      outcome = await settle(() => b.set("s", `k${written}`, big));
    expectCode(outcome, "CAPACITY");
    expect(await b.count("s")).toBe(written - 1);
    expect(await b.get("s", "k0")).toMatchObject({ value: big });
  });

  it("F17: a wrong or missing password is AUTH_FAILED at once, with the password never shown", async () => {
    const redis = await server(["--requirepass", "right-pw"]);
    for (const url of [`redis://:wrong-pw@127.0.0.1:${redis.port}`, redis.url]) {
      // "At once" without timing the machine: the deadline is long, so a backend that waited for it
      // (instead of reporting the refusal) would take 30 s; an answer arrives well before.
      const b = backend({ url, timeoutMs: 30_000 });
      const outcome = await settle(() => b.get("s", "k"));
      expectCode(outcome, "AUTH_FAILED");
      expect(outcome.ms).toBeLessThan(30_000);
      expect(`${(outcome.error as Error).message} ${String((outcome.error as Error).cause)}`).not.toMatch(
        /wrong-pw|right-pw/,
      );
      // It does not keep retrying in the background, and fails again the same way.
      expectCode(await settle(() => b.set("s", "k", "1")), "AUTH_FAILED");
    }
    const good = backend({ url: redis.url, password: "right-pw" });
    await good.set("s", "k", "1");
    expect(await good.get("s", "k")).toMatchObject({ value: "1" });
  });
});

/**
 * A TCP proxy in front of a Redis server that can lose one reply: the request reaches the server
 * (and runs), the reply is thrown away and both connections are cut, as when a link fails mid-call.
 */
async function replyDroppingProxy(
  target: number,
): Promise<{ port: number; dropped: number; dropNextReply(): void }> {
  let armed = false;
  const sockets = new Set<Socket>();
  const state = { port: 0, dropped: 0, dropNextReply: () => (armed = true) };
  const proxy = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: target });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    let requested = false;
    client.on("data", (chunk) => {
      if (armed) requested = true;
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (armed && requested) {
        armed = false;
        state.dropped++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  state.port = (proxy.address() as { port: number }).port;
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  );
  return state;
}
