import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/*
 * Child processes for the workflow end-to-end tests: real `tsx` processes running files of
 * examples/workflow (or the reader below), with @dictstore/* resolved to the workspace sources
 * through the root tsconfig's paths, whatever their working directory.
 */

const root = fileURLToPath(new URL("..", import.meta.url));
const TSX = `${root}node_modules/.bin/tsx`;

/** The absolute path of a file in the repository. */
export const repoPath = (relative: string) => `${root}${relative}`;

/** The environment of a child: ours, plus tsx's tsconfig, plus `env` (an `undefined` value removes a variable). */
function childEnv(env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, TSX_TSCONFIG_PATH: `${root}tsconfig.json` };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

/** Options of a child process. */
export interface ChildOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

/** Runs a script to its end; resolves with its exit code and output. */
export function runScript(
  script: string,
  options: ChildOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [repoPath(script)], {
      env: childEnv(options.env ?? {}),
      cwd: options.cwd ?? root,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running child process: its output so far, line by line, and a way to stop it. */
export interface RunningChild {
  readonly process: ChildProcessWithoutNullStreams;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves with the first stdout line (already printed or to come) that `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Sends SIGTERM to this child only, and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts a script and keeps it running. */
export function startScript(script: string, options: ChildOptions = {}): RunningChild {
  const child = spawn(TSX, [repoPath(script)], {
    env: childEnv(options.env ?? {}),
    cwd: options.cwd ?? root,
  });
  const lines: string[] = [];
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    process: child,
    lines,
    waitForLine(match, timeoutMs = 30_000) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${script}: no matching line within ${timeoutMs} ms. stderr:\n${stderr}`)),
          timeoutMs,
        );
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`${script} exited before printing the expected line. stderr:\n${stderr}`));
        });
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * A separate process that reads keys of a store on request (test/workflow-reader.ts): what
 * "readable from another process" means in the output-gate test.
 */
export interface StoreReader {
  /** Reads `keys` of store `name` afresh from the backend, in the reader process. */
  read(name: string, keys: readonly string[]): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts the reader process on the store URL `url`. */
export async function startReader(url: string): Promise<StoreReader> {
  const child = startScript("test/workflow-reader.ts", { env: { DICTSTORE_URL: url } });
  await child.waitForLine((line) => line === "ready");
  let request = 0;
  return {
    async read(name, keys) {
      const id = ++request;
      const reply = child.waitForLine((line) => line.startsWith(`${id} `), 10_000);
      child.process.stdin.write(`${JSON.stringify({ id, name, keys })}\n`);
      return JSON.parse((await reply).slice(String(id).length + 1)) as Record<string, unknown>;
    },
    stop: () => child.stop(),
  };
}
