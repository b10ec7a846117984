import { createStore, type DataStore, flush } from "@dictstore/core";
import { defineStep, type Pd, runStep } from "@dictstore/workflow";
import type { BenchCase } from "../harness.ts";

/*
 * Workflow runtime overhead on memory: `runStep` (store refresh, staged writes committed on
 * success, console capture, typed result, output gate) against calling the same handler directly
 * with an opened store and awaiting its flush. Memory has no I/O, so this is the runtime's own CPU
 * cost per step, timed on the CPU clock. Context rows: no target is set for it.
 */

type Records = { counter: number };
type Inputs = { data_store: DataStore<Records> };

/** The seed's counter, as step code. */
function counter(pd: Pd<Inputs>): void {
  const store = pd.inputs.data_store;
  store.counter = store.get("counter", 0) + 1;
}

/** A store, and a `pd` for direct calls. */
function direct() {
  const store = createStore<Records>();
  const pd: Pd<Inputs> = {
    inputs: { data_store: store },
    steps: {},
    export() {},
    meta: { attempt: 1 },
  };
  return { store, pd };
}

export const cases: BenchCase[] = [
  {
    target: "WF",
    name: "runStep(counter) on memory, commit on success",
    baselineName: "counter(pd) + await flush",
    async: true,
    setup() {
      const { store, pd } = direct();
      const step = defineStep(counter);
      const context = { stores: { data_store: store } };
      return {
        measured: () => runStep(step, context),
        baseline: async () => {
          counter(pd);
          await flush(store);
        },
      };
    },
  },
  {
    target: "WF",
    name: 'runStep(counter) on memory, commit "always"',
    baselineName: "counter(pd) + await flush",
    async: true,
    setup() {
      const { store, pd } = direct();
      const step = defineStep(counter, { commit: "always" });
      const context = { stores: { data_store: store } };
      return {
        measured: () => runStep(step, context),
        baseline: async () => {
          counter(pd);
          await flush(store);
        },
      };
    },
  },
  {
    target: "WF",
    name: 'runStep(counter) on memory, isolation "serializable"',
    baselineName: "counter(pd) + await flush",
    async: true,
    setup() {
      const { store, pd } = direct();
      const step = defineStep(counter, { isolation: "serializable" });
      const context = { stores: { data_store: store } };
      return {
        measured: () => runStep(step, context),
        baseline: async () => {
          counter(pd);
          await flush(store);
        },
      };
    },
  },
];
