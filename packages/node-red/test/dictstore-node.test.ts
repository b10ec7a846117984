import { createRequire } from "node:module";
import { close, createAsyncStore } from "@dictstore/core";
import { dictstoreNode } from "@dictstore/node-red";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { flatNodeRedPath, tempDir } from "./support.ts";

const require = createRequire(import.meta.url);

interface TestNode {
  receive(msg: Record<string, unknown>): void;
  on(event: "input", handler: (msg: Record<string, unknown>) => void): void;
  on(event: "call:error", handler: (call: { args: unknown[] }) => void): void;
}

interface Helper {
  init(nodeRedPath: string): void;
  startServer(done: () => void): void;
  stopServer(done: () => void): void;
  load(node: unknown, flow: object[]): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode;
}

// On require, the helper tries to find Node-RED on its own and logs why it cannot under pnpm;
// init() below gives it the path. Its one console.log of that attempt is kept out of the output.
const log = vi.spyOn(console, "log").mockImplementation(() => {});
const helper = require("node-red-node-test-helper") as Helper;
log.mockRestore();
helper.init(flatNodeRedPath());

/** A flow of one dictstore node per entry, each wired to its own helper node `out-<id>`. */
function flowOf(url: string, nodes: Array<Record<string, unknown> & { id: string }>): object[] {
  return nodes.flatMap((node) => [
    { type: "dictstore", url, store: "flows", wires: [[`out-${node.id}`]], ...node },
    { id: `out-${node.id}`, type: "helper" },
  ]);
}

/** Sends each message to a node and resolves with the messages it sends, in order of arrival. */
function through(
  id: string,
  messages: Array<Record<string, unknown>>,
): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve) => {
    const received: Array<Record<string, unknown>> = [];
    helper.getNode(`out-${id}`).on("input", (msg) => {
      received.push(msg);
      if (received.length === messages.length) resolve(received);
    });
    for (const msg of messages) helper.getNode(id).receive(msg);
  });
}

beforeAll(() => new Promise<void>((resolve) => helper.startServer(resolve)));
afterEach(() => helper.unload());
afterAll(() => new Promise<void>((resolve) => helper.stopServer(resolve)));

describe("dictstore node, through node-red-node-test-helper", () => {
  it("gets, sets with a TTL, deletes and lists keys, with results on msg", async () => {
    const url = `sqlite:${tempDir()}/flows.db`;
    await helper.load(
      dictstoreNode,
      flowOf(url, [
        { id: "n-set", operation: "set", key: "greeting", ttl: "3600" },
        { id: "n-get", operation: "get", output: "result" },
        { id: "n-del", operation: "delete" },
        { id: "n-keys", operation: "keys", key: "gr" },
      ]),
    );
    const [set] = await through("n-set", [{ payload: { text: "hello" } }]);
    expect(set?.payload).toEqual({ text: "hello" });
    const [got, missing] = await through("n-get", [{ topic: "greeting" }, { topic: "nope" }]);
    expect(got?.result).toEqual({ text: "hello" });
    expect(missing?.result).toBeUndefined();
    expect((await through("n-keys", [{}]))[0]?.payload).toEqual(["greeting"]);

    const raw = createAsyncStore({ url, name: "flows" });
    const ttl = await raw.getTtl("greeting");
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3600);

    const [deleted, again] = await through("n-del", [{ topic: "greeting" }, { topic: "greeting" }]);
    expect([deleted?.payload, again?.payload]).toEqual([true, false]);
    expect(await raw.has("greeting")).toBe(false);
    await close(raw);
  });

  it("increments, sets if absent and appends atomically", async () => {
    const url = `sqlite:${tempDir()}/flows.db`;
    await helper.load(
      dictstoreNode,
      flowOf(url, [
        { id: "inc", operation: "increment", key: "count", by: "2" },
        { id: "once", operation: "setIfAbsent", key: "first" },
        { id: "push", operation: "append", key: "log", value: "item" },
      ]),
    );
    const counts = await through("inc", [{}, {}, { by: 10 }]);
    expect(counts.map((msg) => msg.payload).sort((a, b) => Number(a) - Number(b))).toEqual([2, 4, 14]);
    const inserted = await through("once", [{ payload: "a" }, { payload: "b" }]);
    expect(inserted.map((msg) => msg.payload).sort()).toEqual([false, true]);
    const lengths = await through("push", [{ item: "x" }, { item: "y" }]);
    expect(lengths.map((msg) => msg.payload).sort()).toEqual([1, 2]);

    const raw = createAsyncStore({ url, name: "flows" });
    expect(await raw.get("count")).toBe(14);
    expect(["a", "b"]).toContain(await raw.get("first"));
    expect((await raw.get("log")) as string[]).toEqual(expect.arrayContaining(["x", "y"]));
    await close(raw);
  });

  it("reports a message without a key, or with a bad TTL, as an error of that message", async () => {
    await helper.load(
      dictstoreNode,
      flowOf(`sqlite:${tempDir()}/flows.db`, [
        { id: "n-get", operation: "get" },
        { id: "n-set", operation: "set", key: "k" },
      ]),
    );
    const errors: unknown[] = [];
    const reported = new Promise<void>((resolve) => {
      for (const id of ["n-get", "n-set"]) {
        helper.getNode(id).on("call:error", (call) => {
          errors.push(call.args[0]);
          if (errors.length === 2) resolve();
        });
      }
    });
    helper.getNode("n-get").receive({ payload: 1 });
    helper.getNode("n-set").receive({ payload: 1, ttl: "soon" });
    await reported;
    expect(errors.map(String).sort()).toEqual([
      expect.stringContaining("The get operation needs a key"),
      expect.stringContaining("ttl must be a number"),
    ]);
  });
});

describe("dictstore node over Redis", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("two increment nodes, 500 messages each at once: exactly 1,000, every result distinct", async () => {
    await helper.load(
      dictstoreNode,
      flowOf(redis.url, [
        { id: "a", operation: "increment", key: "hits" },
        { id: "b", operation: "increment", key: "hits" },
      ]),
    );
    const messages = () => Array.from({ length: 500 }, (_, i) => ({ i }));
    const [fromA, fromB] = await Promise.all([through("a", messages()), through("b", messages())]);
    const results = [...fromA, ...fromB].map((msg) => msg.payload as number);
    expect(new Set(results).size).toBe(1000);
    expect(Math.max(...results)).toBe(1000);
    const raw = createAsyncStore({ url: redis.url, name: "flows" });
    expect(await raw.get("hits")).toBe(1000);
    await close(raw);
  });
});
