import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { backendFromUrl, close, openStore, storeUrlFromEnv } from "@dictstore/core";
import type { ScheduleSummary } from "@dictstore/workflow";
import { isMain } from "./is-main.ts";

const WORKER = fileURLToPath(new URL("./scheduled-counter.ts", import.meta.url));
const TSCONFIG = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));
const TSX = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));

/** Options of `runCluster`. */
export interface ClusterOptions {
  /** How many worker processes run the schedule at the same time. */
  readonly workers: number;
  /** Runs per worker. */
  readonly runs: number;
  /** The schedule's period, in ms. */
  readonly everyMs: number;
  /** The store the counter lives in. */
  readonly storeName: string;
  /** The store URL every worker uses. @default DICTSTORE_URL, else the embedded default */
  readonly url?: string;
}

/** What a cluster run did: each worker's summary and the counter at the end. */
export interface ClusterResult {
  readonly workers: readonly (ScheduleSummary & { pid: number })[];
  readonly counter: unknown;
}

function runWorkerProcess(options: ClusterOptions, url: string): Promise<ScheduleSummary & { pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [WORKER], {
      env: {
        ...process.env,
        DICTSTORE_URL: url,
        RUNS: String(options.runs),
        EVERY_MS: String(options.everyMs),
        STORE_NAME: options.storeName,
        // Lets tsx resolve @dictstore/* to the workspace sources from any working directory.
        TSX_TSCONFIG_PATH: TSCONFIG,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk;
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) reject(new Error(`worker exited with ${code}: ${err || out}`));
      else resolve(JSON.parse(line) as ScheduleSummary & { pid: number });
    });
  });
}

/**
 * The queue/cron-style adapter: starts `workers` processes that each run the seed's counter on a
 * schedule against one shared store, waits for them, and reads the counter back.
 */
export async function runCluster(options: ClusterOptions): Promise<ClusterResult> {
  const url = options.url ?? storeUrlFromEnv();
  const workers = await Promise.all(
    Array.from({ length: options.workers }, () => runWorkerProcess(options, url)),
  );
  const backend = await backendFromUrl(url);
  const store = await openStore({ backend, name: options.storeName });
  try {
    return { workers, counter: store.counter };
  } finally {
    await close(store);
    await backend.dispose?.();
  }
}

if (isMain(import.meta.url)) {
  const options = { workers: 3, runs: 20, everyMs: 50, storeName: `scheduled-counter-${Date.now()}` };
  console.log(
    `${options.workers} processes × ${options.runs} runs of the seed's counter, every ${options.everyMs} ms`,
  );
  const result = await runCluster(options);
  for (const worker of result.workers) console.log(`  worker ${worker.pid}: ${JSON.stringify(worker)}`);
  console.log(`counter = ${String(result.counter)} (expected ${options.workers * options.runs})`);
}
