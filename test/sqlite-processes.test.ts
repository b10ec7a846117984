import { join } from "node:path";
import { createStore } from "@dictstore/core";
import { sqliteBackend } from "@dictstore/sqlite";
import { describe, expect, it } from "vitest";
import { startChild, tempDir } from "./sqlite-support.ts";

/** Starts every child, waits until all are ready, then lets them all go at once. */
async function runTogether(argsList: string[][]): Promise<void> {
  const children = argsList.map((args) => startChild(args));
  await Promise.all(children.map((child) => child.waitFor("ready")));
  for (const child of children) child.process.stdin.write("go\n");
  const results = await Promise.all(children.map((child) => child.exited));
  children.forEach((child, i) => {
    expect(child.stderr(), `child ${i} stderr`).toBe("");
    expect(results[i], `child ${i} exit`).toEqual({ code: 0, signal: null });
    expect(child.lines.at(-1)).toBe("done");
  });
}

describe("two processes writing one SQLite store at once", () => {
  it("2 × 500 store.increment on one key: exactly 1000, no SQLITE_BUSY error", async () => {
    const path = join(tempDir(), "shared.db");
    await runTogether([
      ["increment", path, "counters", "500"],
      ["increment", path, "counters", "500"],
    ]);
    const backend = sqliteBackend({ path, readonly: true });
    try {
      expect(createStore({ backend, name: "counters" }).counter).toBe(1000);
    } finally {
      backend.dispose?.();
    }
  });

  it("2 × 500 plain writes of distinct keys: all 1000 present with their values", async () => {
    const path = join(tempDir(), "shared.db");
    await runTogether([
      ["distinct", path, "keys", "a", "500"],
      ["distinct", path, "keys", "b", "500"],
    ]);
    const backend = sqliteBackend({ path, readonly: true });
    try {
      const store = createStore<Record<string, number>>({ backend, name: "keys" });
      expect(store.size).toBe(1000);
      for (const prefix of ["a", "b"]) {
        for (let i = 0; i < 500; i++) expect(store[`${prefix}-${i}`], `${prefix}-${i}`).toBe(i);
      }
      expect(new Set(store.keys()).size).toBe(1000);
    } finally {
      backend.dispose?.();
    }
  });
});
