import { createRequire } from "node:module";
import { join } from "node:path";
import { createStore } from "@dictstore/core";
import { sqliteBackend } from "@dictstore/sqlite";
import { describe, expect, it } from "vitest";
import { startChild, tempDir } from "./sqlite-support.ts";

/** better-sqlite3 itself (a root dev dependency), for SQLite's own integrity check; typed here, as the repo tests have no @types for it. */
const BetterSqlite3 = createRequire(import.meta.url)("better-sqlite3") as new (
  path: string,
  options: { readonly: boolean },
) => { pragma(source: string, options: { simple: true }): unknown; close(): void };

/** Kills in total: two lanes (each its own file) of ten rounds, so the two cores overlap child start-ups. */
const LANES = 2;
const ROUNDS = 10;

/** Checks one database after a kill; returns how many acknowledged keys it verified. */
function verify(path: string, acknowledged: readonly string[]): number {
  const raw = new BetterSqlite3(path, { readonly: true });
  try {
    expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
  } finally {
    raw.close();
  }
  // Opening read-write runs recovery of whatever the killed process left in the WAL.
  const backend = sqliteBackend({ path });
  try {
    const store = createStore<Record<string, { i: number; j?: number }>>({ backend, name: "crash" });
    const present = new Set(store.keys());
    expect(store.size).toBe(present.size);
    const missing = acknowledged.filter((key) => !present.has(key));
    expect(missing, "acknowledged writes lost").toEqual([]);
    for (const key of acknowledged) {
      const match = /-(\d+)(?:-(\d+))?$/.exec(key);
      expect(store[key]?.i, key).toBe(Number(match?.[1]));
    }
    // A batch (keys ending in -i-j) is one transaction: all five or none.
    const batches = new Map<string, number>();
    for (const key of present) {
      const batch = /^(.*-\d+)-\d$/.exec(key)?.[1];
      if (batch !== undefined) batches.set(batch, (batches.get(batch) ?? 0) + 1);
    }
    for (const [batch, count] of batches) expect(count, `batch ${batch}`).toBe(5);
    return acknowledged.length;
  } finally {
    backend.dispose?.();
  }
}

async function lane(lane: number): Promise<{ kills: number; verified: number }> {
  const path = join(tempDir(), `crash-${lane}.db`);
  let verified = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const child = startChild(["crash", path, "crash", `l${lane}r${round}`]);
    await child.waitFor("ready");
    // A random moment in the write loop, counted in acknowledged writes rather than milliseconds (so a
    // slow machine kills as deep into the loop as a fast one): right after start-up in the first round.
    const writes = round === 0 ? 0 : 20 + Math.floor(Math.random() * 400);
    await child.waitForLines(1 + writes);
    child.process.kill("SIGKILL");
    const exit = await child.exited;
    expect(exit.signal, child.stderr()).toBe("SIGKILL");
    const acknowledged = child.lines.filter((line) => line !== "ready");
    verified += verify(path, acknowledged);
  }
  return { kills: ROUNDS, verified };
}

describe("SQLite crash safety", () => {
  it("after each of 20 SIGKILLs mid-write, the database opens cleanly with every acknowledged write", async () => {
    const results = await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
    expect(results.reduce((sum, r) => sum + r.kills, 0)).toBe(20);
    // The kills did land during writing, not only before it (at least 20 writes in 18 of the rounds).
    expect(results.reduce((sum, r) => sum + r.verified, 0)).toBeGreaterThan(100);
  }, 300_000);
});
