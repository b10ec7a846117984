import { closeStores, defineStep, runOnSchedule, type ScheduleSummary } from "@dictstore/workflow";
import * as counter from "../seed/12-counter.ts";
import { isMain } from "./is-main.ts";

/**
 * The seed's counter as a scheduled step. It reads the count and writes count + 1; run from several
 * processes at once, plain runs would lose increments. `isolation: "serializable"` makes each run a
 * transaction that is re-run on conflict, so the total is exact without touching the handler.
 */
export const countRun = defineStep(counter.handler, { isolation: "serializable" });

/** Options of one worker process, read from its environment. */
export interface WorkerSettings {
  /** How many runs this worker makes. */
  readonly runs: number;
  /** The schedule's period, in ms. */
  readonly everyMs: number;
  /** The store the counter lives in. */
  readonly storeName: string;
}

/** Runs the counter on a schedule in this process, against the store DICTSTORE_URL names. */
export async function runWorker(settings: WorkerSettings): Promise<ScheduleSummary> {
  try {
    return await runOnSchedule(countRun, {
      everyMs: settings.everyMs,
      times: settings.runs,
      context: { stores: { data_store: { name: settings.storeName } } },
      onResult: (result, run) => {
        if (!result.ok) console.error(`run ${run} failed: ${result.error.kind}: ${result.error.message}`);
      },
    });
  } finally {
    await closeStores();
  }
}

if (isMain(import.meta.url)) {
  const summary = await runWorker({
    runs: Number(process.env.RUNS ?? 20),
    everyMs: Number(process.env.EVERY_MS ?? 50),
    storeName: process.env.STORE_NAME ?? "scheduled-counter",
  });
  // One JSON line: what the parent process (scheduled-cluster.ts) reads.
  console.log(JSON.stringify({ pid: process.pid, ...summary }));
  if (summary.failed > 0) process.exitCode = 1;
}
