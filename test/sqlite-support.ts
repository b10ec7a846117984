import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

/** The repository root: children run there, so tsx maps @dictstore/* to src through tsconfig.json. */
export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
/** The tsx loader, by absolute URL, for children started in another working directory. */
export const tsxLoader = new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const childScript = fileURLToPath(new URL("./sqlite-child.ts", import.meta.url));

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "dictstore-sqlite-repo-"));
  dirs.push(dir);
  return dir;
}

/** A running child with its output collected line by line. */
export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly lines: string[];
  stderr(): string;
  /** Resolves when the child has printed `line`; rejects if it exits first. */
  waitFor(line: string): Promise<void>;
  /** Resolves once the child has printed at least `count` lines; rejects if it exits first. */
  waitForLines(count: number): Promise<void>;
  /** Resolves with the exit code (or signal) once the child is gone and its output read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts test/sqlite-child.ts with `args` under `node --import tsx`. */
export function startChild(args: string[]): Child {
  const child = spawn(process.execPath, ["--import", tsxLoader, childScript, ...args], {
    cwd: repoRoot,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(repoRoot, "tsconfig.json") },
  });
  const lines: string[] = [];
  let partial = "";
  let errors = "";
  const waiters: { line: string; resolve: () => void }[] = [];
  const counters: { count: number; resolve: () => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.line === line)) waiter.resolve();
      for (const counter of counters.filter((c) => lines.length >= c.count)) counter.resolve();
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    errors += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return {
    process: child,
    lines,
    stderr: () => errors,
    exited,
    waitFor(line) {
      if (lines.includes(line)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ line, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`child exited (${code ?? signal}) before printing "${line}": ${errors}`)),
        );
      });
    },
    waitForLines(count) {
      if (lines.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        counters.push({ count, resolve });
        void exited.then(({ code, signal }) =>
          reject(
            new Error(`child exited (${code ?? signal}) after ${lines.length} of ${count} lines: ${errors}`),
          ),
        );
      });
    },
  };
}
