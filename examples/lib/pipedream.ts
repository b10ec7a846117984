import type { DataStore } from "@dictstore/core";

/** The `pd` object a step handler receives, shaped like Pipedream's Python `pd`. */
export interface Pipedream<TRecords = Record<string, unknown>, TSteps = Record<string, unknown>> {
  /** The step's inputs: the data store the step was given, under `data_store`. */
  readonly inputs: { readonly data_store: DataStore<TRecords> };
  /** What earlier steps produced, e.g. `steps.trigger.event` for the workflow's trigger. */
  readonly steps: TSteps;
  /** Exports a named value from the step, beside its return value. */
  export(name: string, value: unknown): void;
}

/** A step's code: `handler(pd)`; its return value is the step's result. */
export type StepHandler<TRecords, TSteps, TResult> = (
  pd: Pipedream<TRecords, TSteps>,
) => TResult | Promise<TResult>;
