import { StoreError } from "@dictstore/core";
import type { Job, JobSchedulerTemplateOptions, Queue, RepeatOptions } from "bullmq";

/** When a scheduled step runs: every `every` ms, or on a cron `pattern` (with an optional `tz`). */
export type StepSchedule =
  | ({ readonly every: number; readonly pattern?: never } & Omit<RepeatOptions, "every" | "pattern" | "key">)
  | ({ readonly pattern: string; readonly every?: never } & Omit<RepeatOptions, "every" | "pattern" | "key">);

/** Options of `scheduleStep`. */
export interface ScheduleStepOptions {
  /** The job name of each run. @default the scheduler id */
  readonly name?: string;
  /** What each run gets as `pd.steps.trigger.event` (`job.data`). @default {} */
  readonly data?: unknown;
  /** Options of each job (attempts, backoff, removeOnComplete, …). */
  readonly jobOptions?: JobSchedulerTemplateOptions;
}

/**
 * Runs a step on a schedule with BullMQ's job schedulers: registers (or updates) the scheduler `id`
 * on `queue`, which adds one job per tick for whichever worker of the queue takes it. Any number of
 * processes may call this and serve the queue (`new Worker(queue.name, stepProcessor(step, …))`):
 * each tick is one job, run once (its store effects apply once even if it runs again). Unlike
 * `runOnSchedule` of @dictstore/workflow, whose timer runs in every process that starts it.
 * Resolves with the job of the next tick. `queue.removeJobScheduler(id)` stops it.
 */
export async function scheduleStep(
  queue: Queue,
  id: string,
  schedule: StepSchedule,
  options: ScheduleStepOptions = {},
): Promise<Job> {
  if (typeof id !== "string" || id === "") {
    throw new StoreError(
      "INVALID_ARGUMENT",
      "[@dictstore/bullmq] scheduleStep(): the scheduler id is a non-empty string.",
    );
  }
  const hasEvery = schedule.every !== undefined;
  const hasPattern = schedule.pattern !== undefined;
  if (hasEvery === hasPattern) {
    throw new StoreError(
      "INVALID_ARGUMENT",
      "[@dictstore/bullmq] scheduleStep(): give either `every` (ms) or a cron `pattern`, not both.",
    );
  }
  if (hasEvery && (!Number.isFinite(schedule.every) || (schedule.every as number) <= 0)) {
    throw new StoreError(
      "INVALID_ARGUMENT",
      "[@dictstore/bullmq] scheduleStep(): `every` is a positive number of ms.",
    );
  }
  const template = {
    name: options.name ?? id,
    data: options.data ?? {},
    ...(options.jobOptions === undefined ? {} : { opts: options.jobOptions }),
  };
  return queue.upsertJobScheduler(id, schedule, template);
}
