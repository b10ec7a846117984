import { type DataStore, flush } from "@dictstore/core";
import { defineStep, type Pd, runStep, type StepOptions } from "@dictstore/workflow";
import type { CaseOps } from "./harness.ts";

/*
 * The runStep overhead comparison the workflow groups share (memory and Redis): the seed's counter
 * through runStep, against the same handler called directly on the store, then `await flush`.
 */

/** The records of the counter's store. */
export type CounterRecords = { counter: number };

/** The seed's counter, as step code. */
export function counter(pd: Pd<{ data_store: DataStore<CounterRecords> }>): void {
  const store = pd.inputs.data_store;
  store.counter = store.get("counter", 0) + 1;
}

/**
 * runStep(counter) on `store` (defined with `options`) as the measured op; as the baseline, the
 * handler called directly with a `pd` over the same store, followed by `await flush` (one commit).
 */
export function counterOverhead(store: DataStore<CounterRecords>, options?: StepOptions): CaseOps {
  const pd = { inputs: { data_store: store }, steps: {}, export() {}, meta: { attempt: 1 } };
  const step = defineStep(counter, options);
  const context = { stores: { data_store: store } };
  return {
    measured: () => runStep(step, context),
    baseline: async () => {
      counter(pd);
      await flush(store);
    },
  };
}
