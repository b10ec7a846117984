import { createStore } from "@dictstore/core";
import type { StepOptions } from "@dictstore/workflow";
import type { BenchCase } from "../harness.ts";
import { type CounterRecords, counterOverhead } from "../workflow-steps.ts";

/*
 * Workflow runtime overhead on memory: `runStep` (store refresh, staged writes committed on
 * success, console capture, typed result, output gate) against calling the same handler directly
 * with an opened store and awaiting its flush. Memory has no I/O, so this is the runtime's own CPU
 * cost per step, timed on the CPU clock. Context rows: no target is set for it.
 */

/** One context row: runStep(counter) defined with `options`, on a fresh memory store. */
function overheadCase(name: string, options?: StepOptions): BenchCase {
  return {
    target: "WF",
    name,
    baselineName: "counter(pd) + await flush",
    async: true,
    setup: () => counterOverhead(createStore<CounterRecords>(), options),
  };
}

export const cases: BenchCase[] = [
  overheadCase("runStep(counter) on memory, commit on success"),
  overheadCase('runStep(counter) on memory, commit "always"', { commit: "always" }),
  overheadCase('runStep(counter) on memory, isolation "serializable"', { isolation: "serializable" }),
];
