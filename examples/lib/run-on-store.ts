import type { DataStore } from "@dictstore/core";
import { runStep, type StepContext } from "@dictstore/workflow";
import type { StepHandler } from "./pipedream.ts";

/**
 * Runs an example's step on `store` through @dictstore/workflow's `runStep`, the runtime the
 * examples demonstrate: its writes are committed when it succeeds (and `runStep` resolves only once
 * they are), discarded when it throws. Resolves with what the step returned; rejects with the
 * step's own error when it failed. The step's console output is printed as it happens.
 */
export async function runOnStore<TRecords, TSteps, TResult>(
  handler: StepHandler<TRecords, TSteps, TResult>,
  store: DataStore<TRecords>,
  steps?: TSteps,
): Promise<TResult> {
  // TypeScript cannot resolve StepContext's conditional parts for generic inputs; this is its exact shape.
  const context = {
    stores: { data_store: store },
    steps: steps ?? {},
    printLogs: true,
  } as unknown as StepContext<{ readonly data_store: DataStore<TRecords> }, TSteps>;
  const result = await runStep(handler, context);
  if (!result.ok) throw result.error.cause ?? new Error(result.error.message);
  return result.value;
}
