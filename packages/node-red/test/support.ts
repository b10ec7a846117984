import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NodeRedContextStore } from "@dictstore/node-red";
import { afterAll } from "vitest";

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

/** The directory a package's package.json is in, resolved from `from`. */
function packageDir(from: NodeJS.Require, name: string): string {
  return dirname(from.resolve(`${name}/package.json`));
}

/**
 * The path of Node-RED's main file for `helper.init()`, in a flat node_modules layout.
 * node-red-node-test-helper finds Node-RED's own packages (@node-red/registry, …) as siblings of
 * node-red, as npm installs them; pnpm keeps @node-red/registry beside @node-red/runtime instead.
 * So the same installed packages are linked side by side, npm-style, under node_modules/.cache;
 * Node resolves the links to the real files, so every module is loaded once, from its install.
 */
export function flatNodeRedPath(): string {
  const root = join(
    fileURLToPath(new URL("..", import.meta.url)),
    "node_modules/.cache/flat-node-red/node_modules",
  );
  const nodeRed = packageDir(require, "node-red");
  const runtime = packageDir(nodeRedRequire, "@node-red/runtime");
  const links: Record<string, string> = {
    "node-red": nodeRed,
    "@node-red/runtime": runtime,
    "@node-red/registry": packageDir(createRequire(join(runtime, "package.json")), "@node-red/registry"),
    "@node-red/editor-api": packageDir(nodeRedRequire, "@node-red/editor-api"),
    "@node-red/nodes": packageDir(nodeRedRequire, "@node-red/nodes"),
    "@node-red/util": packageDir(nodeRedRequire, "@node-red/util"),
  };
  for (const [name, target] of Object.entries(links)) {
    const link = join(root, name);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    try {
      symlinkSync(target, link, "dir");
    } catch (error) {
      // Another test file made it at the same moment.
      if ((error as { code?: unknown }).code !== "EEXIST") throw error;
    }
  }
  return join(root, "node-red", require("node-red/package.json").main as string);
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
