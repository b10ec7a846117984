import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh database path in a temporary directory, removed after the test file. */
export function tempDbPath(name = "data.db"): string {
  const dir = mkdtempSync(join(tmpdir(), "dictstore-sqlite-"));
  dirs.push(dir);
  return join(dir, name);
}

/** A settable clock for TTL tests. */
export function fakeClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}
