import type { StoreErrorCode } from "@dictstore/core";
import { type StepError, StepFailedError, type StepLog } from "@dictstore/workflow";
import { UnrecoverableError } from "bullmq";

/**
 * Store failures after which BullMQ may run the job again. `runStep` alone calls a commit whose
 * outcome is unknown (and a step whose first of two stores had committed) not retryable, because a
 * blind re-run could apply the writes twice; a job's commits carry tokens derived from the job, so
 * here a re-run is answered from what landed and these become retryable too.
 */
const RETRYABLE_IN_A_JOB: ReadonlySet<StoreErrorCode> = new Set([
  "BACKEND_UNAVAILABLE",
  "CONFLICT",
  "UNKNOWN_OUTCOME",
]);

/** True when BullMQ's `attempts`/`backoff` should run the job again. */
export function retryableInJob(error: StepError): boolean {
  if (error.retryable) return true;
  if (error.kind === "store" || error.kind === "conflict") {
    return error.code !== undefined && RETRYABLE_IN_A_JOB.has(error.code);
  }
  if (error.kind === "handler") {
    const cause = error.cause as { retryable?: unknown } | null | undefined;
    return typeof cause === "object" && cause !== null && cause.retryable === true;
  }
  return false;
}

/** A step failure BullMQ will not retry; `error` is the step's typed error. */
export class UnrecoverableStepError extends UnrecoverableError {
  readonly error: StepError;
  readonly logs: readonly StepLog[];

  constructor(error: StepError, logs: readonly StepLog[]) {
    super(error.message);
    // BullMQ also recognises the error by this name, should two copies of bullmq be loaded.
    this.name = "UnrecoverableError";
    this.error = error;
    this.logs = logs;
  }
}

/** What the processor throws for a failed step: retried by BullMQ, or not. */
export function jobFailure(error: StepError, logs: readonly StepLog[]): Error {
  return retryableInJob(error) ? new StepFailedError(error, logs) : new UnrecoverableStepError(error, logs);
}
