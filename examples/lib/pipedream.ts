import type { DataStore } from "@dictstore/core";
import type { Pd } from "@dictstore/workflow";

/** The `pd` object an example's step receives: @dictstore/workflow's `pd`, with the store under `data_store`. */
export type Pipedream<TRecords = Record<string, unknown>, TSteps = Record<string, unknown>> = Pd<
  { readonly data_store: DataStore<TRecords> },
  TSteps
>;

/** A step's code: `handler(pd)`; its return value is the step's result. */
export type StepHandler<TRecords, TSteps, TResult> = (
  pd: Pipedream<TRecords, TSteps>,
) => TResult | Promise<TResult>;
