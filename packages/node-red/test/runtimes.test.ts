import { close, createAsyncStore } from "@dictstore/core";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dictstoreCli, FLOW_ID, MEMO_NODE_ID, type Runtime, startNodeRed } from "./runtime.ts";
import { eventually, tempDir } from "./support.ts";

/*
 * Separate Node-RED processes (red.js, a settings file, a user directory each), as users run them.
 * Every wait is on a condition with a deadline; nothing here depends on how fast the machine is.
 */

const started: Runtime[] = [];
afterAll(async () => {
  await Promise.allSettled(started.map((runtime) => runtime.stop()));
}, 60_000);

async function start(options: Parameters<typeof startNodeRed>[0]): Promise<Runtime> {
  const runtime = await startNodeRed(options);
  started.push(runtime);
  return runtime;
}

/** Sends `count` POSTs, at most `inFlight` at a time, and resolves with the answers. */
async function postMany(runtime: Runtime, path: string, count: number, inFlight = 16): Promise<unknown[]> {
  const answers: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      answers.push(await runtime.post(path));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return answers;
}

const memo = (value?: string) => ({
  global: value,
  flow: value === undefined ? undefined : { value },
  node: value === undefined ? undefined : [value],
});

describe("two Node-RED runtimes on one private Redis", () => {
  let redis: RedisServer;
  let a: Runtime;
  let b: Runtime;
  beforeAll(async () => {
    redis = await startRedisServer();
    [a, b] = await Promise.all([
      start({ userDir: tempDir(), storeUrl: redis.url }),
      start({ userDir: tempDir(), storeUrl: redis.url }),
    ]);
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await redis?.stop();
  }, 60_000);

  it("2 x 500 messages through the increment node: exactly 1,000", async () => {
    const [fromA, fromB] = await Promise.all([
      postMany(a, "/increment", 500),
      postMany(b, "/increment", 500),
    ]);
    const results = [...fromA, ...fromB] as number[];
    expect(new Set(results).size).toBe(1000);
    expect(Math.max(...results)).toBe(1000);
    const raw = createAsyncStore({ url: redis.url, name: "counts" });
    expect(await raw.get("hits")).toBe(1000);
    await close(raw);
  }, 120_000);

  it("a function node's flow.set / flow.get round trip is synchronous", async () => {
    expect(await a.post("/flow-roundtrip")).toEqual({ before: 0, after: 1 });
    expect(await a.post("/flow-roundtrip")).toEqual({ before: 1, after: 2 });
  });

  it("context written by one runtime is read by the other; context survives a restart", async () => {
    expect(await a.post("/memo", { set: "from-a" })).toEqual(memo("from-a"));
    // b's synchronous reads come from its local view, refreshed in the background.
    await eventually(async () => ((await b.post("/memo")) as { global?: unknown }).global === "from-a");

    a = await a.restart();
    started.push(a);
    expect(await a.post("/memo")).toEqual(memo("from-a"));

    const raw = createAsyncStore({ url: redis.url, name: "node-red" });
    expect(await raw.get("global/remembered")).toBe("from-a");
    expect(await raw.get(`${FLOW_ID}/remembered`)).toEqual({ value: "from-a" });
    expect(await raw.get(`${MEMO_NODE_ID}:${FLOW_ID}/remembered`)).toEqual(["from-a"]);
    await close(raw);
  }, 120_000);
});

describe("a Node-RED runtime on SQLite (the default)", () => {
  it("keeps context across a restart, as keys `dictstore keys` lists", async () => {
    const userDir = tempDir();
    let runtime = await start({ userDir, storeUrl: undefined });
    expect(await runtime.post("/memo")).toEqual(memo());
    expect(await runtime.post("/memo", { set: "kept" })).toEqual(memo("kept"));
    expect(await runtime.post("/flow-roundtrip")).toEqual({ before: 0, after: 1 });
    expect(await runtime.post("/increment")).toBe(1);

    runtime = await runtime.restart();
    started.push(runtime);
    expect(await runtime.post("/memo")).toEqual(memo("kept"));
    expect(await runtime.post("/flow-roundtrip")).toEqual({ before: 1, after: 2 });
    expect(await runtime.post("/increment")).toBe(2);
    await runtime.stop();

    const url = `sqlite:${userDir}/.dictstore/data.db`;
    const listed = JSON.parse(
      await dictstoreCli(["--url", url, "--json", "keys", "--store", "node-red"]),
    ) as {
      keys: string[];
    };
    expect(listed.keys).toEqual(
      expect.arrayContaining([
        "global/remembered",
        `${FLOW_ID}/n`,
        `${FLOW_ID}/remembered`,
        `${MEMO_NODE_ID}:${FLOW_ID}/remembered`,
      ]),
    );
  }, 180_000);
});
