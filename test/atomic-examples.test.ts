import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { close, createAsyncStore, type DataStore, openStore } from "@dictstore/core";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as counterIncrement from "../examples/atomic/12-counter-increment.ts";
import * as counterTransaction from "../examples/atomic/12-counter-transaction.ts";
import * as dedupeSetIfAbsent from "../examples/atomic/13-dedupe-set-if-absent.ts";
import * as dedupeTransaction from "../examples/atomic/13-dedupe-transaction.ts";
import { atomicExamples } from "../examples/atomic/index.ts";
import type { StepHandler } from "../examples/lib/pipedream.ts";
import { runOnStore } from "../examples/lib/run-on-store.ts";
import * as seedCounter from "../examples/seed/12-counter.ts";
import { type Fleet, useBackends } from "./atomic-support.ts";
import { KINDS } from "./atomic-targets.ts";

/*
 * The race-free counter and dedupe examples (examples/atomic), each run 20 times at once, every run
 * on its own connection like separate workflow runs: nothing is lost, nothing is duplicated. Beside
 * them, the seed's own counter in the same setting loses counts (on backends with local views).
 */

const backends = useBackends();
const RUNS = 20;
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

/**
 * Runs `handler` RUNS times concurrently, each run opening its own store on its own connection (as a
 * workflow runtime does) and committing its writes before it ends; resolves with the results.
 */
async function concurrentRuns<TRecords, TSteps, TResult>(
  fleet: Fleet,
  name: string,
  handler: StepHandler<TRecords, TSteps, TResult>,
  steps?: TSteps,
): Promise<TResult[]> {
  const stores = await Promise.all(
    Array.from({ length: RUNS }, () => openStore<TRecords>({ backend: fleet.connect(), name })),
  );
  // The runs' logs are the examples' output, not the test's.
  const quiet = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    return await Promise.all(stores.map((store) => runOnStore(handler, store, steps)));
  } finally {
    quiet.mockRestore();
    await Promise.all(stores.map((store) => close(store as DataStore)));
  }
}

/** What the store holds under `key`, read on a fresh connection. */
function stored(fleet: Fleet, name: string, key: string): Promise<unknown> {
  return createAsyncStore({ backend: fleet.connect(), name }).get(key);
}

describe("the atomic examples catalogue", () => {
  it("lists the four race-free versions of the seed's counter and dedupe", () => {
    expect(atomicExamples.map((example) => example.file)).toEqual([
      "12-counter-increment.ts",
      "12-counter-transaction.ts",
      "13-dedupe-transaction.ts",
      "13-dedupe-set-if-absent.ts",
    ]);
  });
});

describe.each(KINDS)("%s: 20 concurrent runs", (kind) => {
  const fleet = () => backends.fleet(kind, { asyncMemory: true });

  it("the counter with increment ends at exactly 20, each run seeing its own count", async () => {
    const f = fleet();
    const name = `counter-${randomUUID()}`;
    const counts = await concurrentRuns(f, name, counterIncrement.handler);
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: RUNS }, (_, i) => i + 1));
    expect(await stored(f, name, "counter")).toBe(RUNS);
  });

  it("the seed's counter code in a transaction ends at exactly 20", async () => {
    const f = fleet();
    const name = `counter-tx-${randomUUID()}`;
    await concurrentRuns(f, name, counterTransaction.handler);
    expect(await stored(f, name, "counter")).toBe(RUNS);
  });

  it("the dedupe in a transaction: the same email from 20 runs is new exactly once", async () => {
    const f = fleet();
    const name = `dedupe-tx-${randomUUID()}`;
    const results = await concurrentRuns(f, name, dedupeTransaction.handler, dedupeTransaction.sampleSteps);
    expect(results.filter((result) => result !== false)).toEqual(["ada@example.com"]);
    expect(await stored(f, name, "emails")).toEqual(["ada@example.com"]);
  });

  it("the dedupe with setIfAbsent: the same email from 20 runs is new exactly once", async () => {
    const f = fleet();
    const name = `dedupe-claim-${randomUUID()}`;
    const results = await concurrentRuns(f, name, dedupeSetIfAbsent.handler, dedupeSetIfAbsent.sampleSteps);
    expect(results.filter((result) => result !== false)).toEqual(["ada@example.com"]);
    expect(await stored(f, name, "seen:ada@example.com")).toEqual(expect.any(String));
  });
});

// A synchronous backend (SQLite) has no local views to go stale: in one process the seed's code cannot race there.
describe.each(["memory", "redis", "cluster"] as const)("%s: contrast", (kind) => {
  it("the seed's own counter, run 20 times at once the same way, loses counts", async () => {
    const f = backends.fleet(kind, { asyncMemory: true });
    const name = `counter-seed-${randomUUID()}`;
    await concurrentRuns(f, name, seedCounter.handler);
    expect(await stored(f, name, "counter")).toBeLessThan(RUNS);
  });
});

describe("as processes", () => {
  const dir = mkdtempSync(join(tmpdir(), "dictstore-atomic-examples-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("4 processes running the increment example file at once on one SQLite file count to 4", async () => {
    const url = `sqlite:${join(dir, "examples.db")}`;
    const env = { ...process.env, DICTSTORE_URL: url, TSX_TSCONFIG_PATH: join(repoRoot, "tsconfig.json") };
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () =>
        run("pnpm", ["exec", "tsx", "examples/atomic/12-counter-increment.ts"], {
          cwd: repoRoot,
          env,
          timeout: 50_000,
        }),
      ),
    );
    const counts = outputs.map(({ stdout }) => Number(/has run (\d+) time/.exec(stdout)?.[1]));
    expect(counts.sort()).toEqual([1, 2, 3, 4]);
    const store = await openStore({ url, name: "examples" });
    expect(store.get("counter")).toBe(4);
    await close(store);
  }, 60_000);
});
