import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "@dictstore/testing";
import type { Queue } from "bullmq";
import type { ChildConfig } from "./fixtures/worker-child.ts";

/*
 * Worker processes for the BullMQ tests: real `node` processes running fixtures/worker-child.ts
 * (through tsx, against the sources), started, SIGKILLed and stopped by the test that made them.
 */

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const tsxLoader = new URL("../../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const childScript = fileURLToPath(new URL("./fixtures/worker-child.ts", import.meta.url));

/** One worker process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Resolves once a standby has loaded and waits for `go()`; with no standby, once it is ready. */
  readonly loaded: Promise<void>;
  /** Resolves once the worker is connected and serving. */
  readonly ready: Promise<void>;
  /** Tells a standby to start serving. */
  go(): void;
  /** Resolves when the process has exited (however). */
  readonly exited: Promise<void>;
  /** What it printed to stderr (for failure messages). */
  stderr(): string;
}

/** Starts one worker process serving `config.queue`. */
export function startWorker(config: ChildConfig): WorkerProcess {
  const child = spawn(process.execPath, ["--import", tsxLoader, childScript, JSON.stringify(config)], {
    cwd: repoRoot,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(repoRoot, "tsconfig.json") },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err = (err + chunk).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const printed = (line: string) =>
    new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", () => {
        if (out.split("\n").includes(line)) resolve();
      });
      void exited.then(() => reject(new Error(`worker process exited before "${line}":\n${err}`)));
    });
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const ready = printed("ready");
  const loaded = config.standby === true ? printed("loaded") : ready;
  // A worker killed while starting is expected in the kill tests.
  ready.catch(() => {});
  loaded.catch(() => {});
  const go = () => {
    child.stdin?.write("go\n");
  };
  return { child, loaded, ready, go, exited, stderr: () => err };
}

/** Stops worker processes gracefully (SIGTERM closes the worker and its stores), SIGKILL as a last resort. */
export async function stopWorkers(workers: readonly WorkerProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async (worker) => {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
      worker.child.kill("SIGTERM");
      const timer = setTimeout(() => worker.child.kill("SIGKILL"), 10_000);
      await worker.exited;
      clearTimeout(timer);
    }),
  );
}

/** Waits until `count` jobs of the queue are completed; fails early when any job failed. */
export async function waitForCompleted(queue: Queue, count: number, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const counts = await queue.getJobCounts("completed", "failed");
      if ((counts["failed"] ?? 0) > 0) {
        const [failed] = await queue.getFailed(0, 0);
        throw new Error(`a job failed: ${failed?.failedReason ?? "(unknown)"}`);
      }
      return (counts["completed"] ?? 0) >= count;
    },
    timeoutMs,
    `${count} completed jobs on queue ${queue.name}`,
  );
}

/** Adds `count` jobs named "count" to the queue, in chunks. */
export async function addJobs(queue: Queue, count: number): Promise<void> {
  for (let start = 0; start < count; start += 500) {
    const size = Math.min(500, count - start);
    await queue.addBulk(
      Array.from({ length: size }, (_, i) => ({
        name: "count",
        data: { n: start + i },
        opts: { attempts: 5, backoff: { type: "exponential", delay: 50 } },
      })),
    );
  }
}
