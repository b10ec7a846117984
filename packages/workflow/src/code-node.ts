import type { DataStore } from "@dictstore/core";
import { runStep } from "./run-step.ts";
import type { Step, StepContext, StepError, StepHandler, StepLog, StoreInput } from "./types.ts";

/** Thrown by a code node whose step failed; `error` is the step's typed error. */
export class StepFailedError extends Error {
  override readonly name = "StepFailedError";
  /** The step's typed error: `kind`, `retryable`, `code`, … */
  readonly error: StepError;
  /** What the step logged. */
  readonly logs: readonly StepLog[];

  constructor(error: StepError, logs: readonly StepLog[]) {
    super(error.message, { cause: error.cause });
    this.error = error;
    this.logs = logs;
  }
}

/** The item type of a step: what it reads as `pd.steps.trigger.event`. */
export type ItemOf<TSteps> = TSteps extends { trigger: { event: infer TEvent } } ? TEvent : unknown;

/** The store type a step expects as `pd.inputs.data_store`. */
export type DataStoreOf<TInputs> = TInputs extends { data_store: infer TStore } ? TStore : DataStore;

/** Options of `codeNode`. */
export interface CodeNodeOptions {
  /** Print what the step logs, as a tool's code node shows console output. @default true */
  readonly printLogs?: boolean;
  /** Plain inputs given to every run beside the store (a mailer, settings, …). @default {} */
  readonly inputs?: Readonly<Record<string, unknown>>;
}

/**
 * The "code node" form, for tools like n8n that call code once per item: returns
 * `(item, store) => Promise<result>`, which runs the step with `item` as `pd.steps.trigger.event`
 * and `store` (a store, or a spec such as `{ name: "emails" }`) as `pd.inputs.data_store`. Same
 * guarantees as `runStep`; a failure is thrown as a `StepFailedError` carrying the typed error.
 */
export function codeNode<TInputs, TSteps, TResult>(
  step: Step<TInputs, TSteps, TResult> | StepHandler<TInputs, TSteps, TResult>,
  options: CodeNodeOptions = {},
): (item: ItemOf<TSteps>, store: StoreInput<DataStoreOf<TInputs>>) => Promise<TResult> {
  const printLogs = options.printLogs ?? true;
  return async (item, store) => {
    const context = {
      stores: { data_store: store },
      inputs: options.inputs ?? {},
      steps: { trigger: { event: item } },
      printLogs,
    };
    const result = await runStep(step, context as unknown as StepContext<TInputs, TSteps>);
    if (!result.ok) throw new StepFailedError(result.error, result.logs);
    return result.value;
  };
}
