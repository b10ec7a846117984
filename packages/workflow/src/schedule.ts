import { setTimeout as sleep } from "node:timers/promises";
import { invalid } from "./errors.ts";
import { runStep } from "./run-step.ts";
import type { Step, StepContext, StepHandler, StepResult } from "./types.ts";

/** Options of `runOnSchedule`. */
export interface ScheduleOptions<TInputs, TSteps, TResult> {
  /** Time between the starts of two runs, in ms (fixed rate, like cron). */
  readonly everyMs: number;
  /** Stop after this many runs. @default no limit: run until `signal` aborts */
  readonly times?: number;
  /** Stops the schedule; a run in progress finishes first. */
  readonly signal?: AbortSignal;
  /** The context of each run, or a function making it from the run's number (1, 2, …). */
  readonly context: StepContext<TInputs, TSteps> | ((run: number) => StepContext<TInputs, TSteps>);
  /** Called after each run with its result. */
  readonly onResult?: (result: StepResult<TResult>, run: number) => void;
}

/** What a schedule did. */
export interface ScheduleSummary {
  readonly runs: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Ticks that passed while a run was still going: runs never overlap, so those ticks were skipped. */
  readonly skipped: number;
}

/**
 * Runs a step on a fixed schedule, one run at a time (a run that overruns its slot makes the next
 * ticks skip, as cron-style runners do), until `times` runs are done or `signal` aborts. It is a
 * timer of this process only: started in several processes, every tick runs once in each of them
 * (each run is a normal `runStep`, so `isolation: "serializable"` keeps a read-modify-write step
 * exact across them). For one run per tick across processes, and cron patterns, use BullMQ's job
 * schedulers: `scheduleStep` of @dictstore/bullmq.
 */
export async function runOnSchedule<TInputs, TSteps, TResult>(
  step: Step<TInputs, TSteps, TResult> | StepHandler<TInputs, TSteps, TResult>,
  options: ScheduleOptions<TInputs, TSteps, TResult>,
): Promise<ScheduleSummary> {
  const { everyMs, times, signal } = options;
  if (!Number.isFinite(everyMs) || everyMs <= 0)
    throw invalid("runOnSchedule(): `everyMs` is a positive number.");
  if (times !== undefined && (!Number.isInteger(times) || times < 0)) {
    throw invalid("runOnSchedule(): `times` is a whole number ≥ 0.");
  }
  const start = performance.now();
  let runs = 0;
  let succeeded = 0;
  let skipped = 0;
  let tick = 0;
  while ((times === undefined || runs < times) && signal?.aborted !== true) {
    const wait = start + tick * everyMs - performance.now();
    if (wait > 0) {
      try {
        await sleep(wait, undefined, signal === undefined ? {} : { signal });
      } catch {
        break; // aborted while waiting
      }
    }
    runs++;
    const context = typeof options.context === "function" ? options.context(runs) : options.context;
    const result = await runStep(step, context);
    if (result.ok) succeeded++;
    options.onResult?.(result, runs);
    // Fixed rate: the next tick is the first one still ahead; the ones that passed are skipped.
    const next = Math.max(tick + 1, Math.ceil((performance.now() - start) / everyMs));
    skipped += next - tick - 1;
    tick = next;
  }
  return { runs, succeeded, failed: runs - succeeded, skipped };
}
