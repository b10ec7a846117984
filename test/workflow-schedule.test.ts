import { randomUUID } from "node:crypto";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCluster } from "../examples/workflow/scheduled-cluster.ts";

/*
 * The queue/cron-style adapter end to end: real worker processes run the seed's counter on a
 * schedule against one Redis; the total must be exact.
 */

let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

describe("scheduled counter in several processes", () => {
  it("counts every run of every worker exactly once", async () => {
    const options = {
      workers: 3,
      runs: 25,
      everyMs: 10,
      storeName: `scheduled-${randomUUID()}`,
      url: server.url,
    };
    const result = await runCluster(options);
    expect(result.workers).toHaveLength(3);
    // Three distinct processes, none of them this one.
    expect(new Set(result.workers.map((w) => w.pid)).size).toBe(3);
    expect(result.workers.map((w) => w.pid)).not.toContain(process.pid);
    for (const worker of result.workers) expect(worker).toMatchObject({ runs: 25, succeeded: 25, failed: 0 });
    expect(result.counter).toBe(75);
  });
});
