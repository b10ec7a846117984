import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { NodeRedContextStore } from "@dictstore/node-red";

const require = createRequire(import.meta.url);
// Node-RED's own packages, resolved from its install (pnpm keeps them beside it, not beside us).
const nodeRedRequire = createRequire(require.resolve("node-red/package.json"));

/** Node-RED's built-in memory context store: the reference the dictstore context store must match. */
export function nodeRedMemoryStore(): NodeRedContextStore {
  const runtime = nodeRedRequire.resolve("@node-red/runtime/package.json");
  const memory = createRequire(runtime)("./lib/nodes/context/memory.js") as (
    config: object,
  ) => NodeRedContextStore;
  return memory({});
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "dictstore-node-red-"));
  dirs.push(dir);
  return dir;
}

/** Calls a callback-style context method and resolves with what its callback got. */
export function viaCallback(call: (callback: (error: unknown, ...values: unknown[]) => void) => void) {
  return new Promise<unknown[]>((resolve, reject) => {
    call((error, ...values) => (error ? reject(error) : resolve(values)));
  });
}

/** Polls `check` until it returns true or `timeoutMs` passes (never asserts on elapsed time). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met before the deadline");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
