import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "./workflow-support.ts";

/*
 * Every seed example runs through runStep on memory, Redis and the embedded default, chosen only by
 * DICTSTORE_URL: the same script (examples/workflow/run-seed.ts), the same step code, three backends,
 * identical results.
 */

interface PrintedRun {
  file: string;
  run: number;
  ok: boolean;
  value?: unknown;
  logs?: { level: string; message: string }[];
  error?: { kind: string; message: string };
  after: Record<string, unknown>;
}

let server: RedisServer;
let cwd: string;

beforeAll(async () => {
  server = await startRedisServer();
  cwd = mkdtempSync(join(tmpdir(), "dictstore-seed-"));
});

afterAll(async () => {
  await server?.stop();
  rmSync(cwd, { recursive: true, force: true });
});

/** Runs the whole seed in a child process with this DICTSTORE_URL (undefined: not set at all). */
async function runSeedWith(url: string | undefined): Promise<PrintedRun[]> {
  const { code, stdout, stderr } = await runScript("examples/workflow/run-seed.ts", {
    cwd,
    env: { DICTSTORE_URL: url, STORE_NAME: `seed-${randomUUID()}` },
  });
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "[]") as PrintedRun[];
}

const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g;

/** The same run with times taken out (the save example stores the time of its run). */
function normalise(runs: PrintedRun[]): unknown {
  return JSON.parse(JSON.stringify(runs).replace(ISO, "<time>"), (key, value) =>
    key === "time" ? undefined : value,
  );
}

describe("every seed example through runStep, backend chosen by DICTSTORE_URL alone", () => {
  it("gives identical results on memory, Redis and the embedded default", async () => {
    const [memory, redis, embedded] = await Promise.all([
      runSeedWith("memory:"),
      runSeedWith(server.url),
      runSeedWith(undefined),
    ]);
    // The default is the embedded SQLite file under the working directory.
    expect(existsSync(join(cwd, ".dictstore", "data.db"))).toBe(true);

    for (const runs of [memory, redis, embedded]) {
      expect(runs.map((r) => `${r.file}#${r.run}`)).toHaveLength(16);
      expect(runs.filter((r) => !r.ok)).toEqual([]);
    }
    expect(normalise(redis)).toEqual(normalise(memory));
    expect(normalise(embedded)).toEqual(normalise(memory));

    // What the seed says each example does, checked once on the shared result.
    const by = (file: string, run = 1) => memory.find((r) => r.file === file && r.run === run);
    expect(by("00-hello-world.ts")?.logs?.map((l) => l.message)).toEqual(["Hello World"]);
    expect(by("08-nested-wrong-way.ts")?.value).toBe("Charmander");
    expect(by("09-nested-right-way.ts")?.value).toBe("Bulbasaur");
    expect(by("11-clear.ts")?.after).toEqual({});
    expect(by("12-counter.ts", 1)?.after).toEqual({ counter: 1 });
    expect(by("12-counter.ts", 2)?.after).toEqual({ counter: 2 });
    expect(by("13-dedupe.ts", 1)?.value).toBe("ada@example.com");
    expect(by("13-dedupe.ts", 2)?.value).toBe(false);
    expect(by("13-dedupe.ts", 2)?.after).toEqual({ counter: 2, emails: ["ada@example.com"] });
  });
});
