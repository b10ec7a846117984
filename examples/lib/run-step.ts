import { close, type DataStore, flush } from "@dictstore/core";
import { openExampleStore } from "./open-example-store.ts";
import type { Pipedream, StepHandler } from "./pipedream.ts";

/** Options of `runStep`. */
export interface RunStepOptions<TRecords, TSteps> {
  /** What earlier steps produced (`pd.steps`). @default {} */
  steps?: TSteps;
  /** The store given as `pd.inputs["data_store"]`; without one, a store is opened for this run and closed after it. */
  store?: DataStore<TRecords>;
  /** Receives what the step passes to `pd.export(name, value)`. */
  exports?: Record<string, unknown>;
}

/**
 * Runs one step like a workflow runtime would: builds `pd`, calls the handler, then waits for the
 * store to commit every write (`flush`) before handing back the result, so nothing downstream
 * ever sees a result whose writes could still be lost (the "output gate").
 */
export async function runStep<TRecords, TSteps, TResult>(
  handler: StepHandler<TRecords, TSteps, TResult>,
  options: RunStepOptions<TRecords, TSteps> = {},
): Promise<TResult> {
  const store = options.store ?? (await openExampleStore<TRecords>());
  const exports = options.exports;
  const pd: Pipedream<TRecords, TSteps> = {
    inputs: { data_store: store },
    // A step with no earlier steps sees an empty object, as a workflow's first step would.
    steps: options.steps ?? ({} as TSteps),
    export(name, value) {
      if (exports !== undefined) exports[name] = value;
    },
  };
  const settle = () => (options.store === undefined ? close(store) : flush(store));
  let result: TResult;
  try {
    result = await handler(pd);
  } catch (error) {
    // Writes made before the failure are still committed; a commit failure must not hide the step's error.
    try {
      await settle();
    } catch (commitError) {
      throw new AggregateError(
        [error, commitError],
        "The step failed, and committing its writes failed too.",
      );
    }
    throw error;
  }
  await settle();
  return result;
}
