import { invalid } from "./errors.ts";
import { runStep } from "./run-step.ts";
import type { Step, StepContext, StepHandler, StepResult, StoreInput } from "./types.ts";

/** A step of a workflow: its name in `pd.steps`, the step, and what it gets. */
export interface WorkflowStep {
  /** The step's name; later steps read its output as `pd.steps[name]`. `"trigger"` is taken. */
  readonly name: string;
  /** A step made by `defineStep`, or a bare handler (default options). */
  readonly step: Step<never, never, unknown> | StepHandler<never, never, unknown>;
  /** The step's stores, by input name (checked when the step runs). */
  readonly stores?: Readonly<Record<string, StoreInput<object>>>;
  /** The step's other inputs. */
  readonly inputs?: Readonly<Record<string, unknown>>;
}

/** What starts a workflow run. */
export interface WorkflowTrigger {
  /** The trigger's event; every step reads it as `pd.steps.trigger.event`. */
  readonly event: unknown;
  /** Passed to every step as `pd.meta`. */
  readonly meta?: Readonly<Record<string, unknown>>;
  /** Also print what the steps log. @default false */
  readonly printLogs?: boolean;
}

/** What one step left for the steps after it: its exports, and its return value as `$return_value`. */
export type StepOutput = Readonly<Record<string, unknown>> & { readonly $return_value: unknown };

/** The outcome of a workflow run. */
export interface WorkflowResult {
  /** True when every step succeeded. */
  readonly ok: boolean;
  /** The last step's return value, when every step succeeded. */
  readonly value: unknown;
  /** Each step that ran, in order, with its full result (logs included). */
  readonly results: Readonly<Record<string, StepResult<unknown>>>;
  /** The name of the step that failed (later steps did not run). */
  readonly failedStep?: string;
}

/** Checks a workflow's step list once: non-empty, names unique and not `"trigger"`. */
export function checkWorkflow(steps: readonly WorkflowStep[]): void {
  if (!Array.isArray(steps) || steps.length === 0) throw invalid("A workflow has at least one step.");
  const seen = new Set<string>(["trigger"]);
  for (const { name } of steps) {
    if (typeof name !== "string" || name === "" || seen.has(name)) {
      throw invalid(
        `Workflow step names are unique, non-empty and not "trigger"; got ${JSON.stringify(name)}.`,
      );
    }
    seen.add(name);
  }
}

/**
 * Runs steps in order, Pipedream-style: each step sees the trigger's event as `pd.steps.trigger.event`
 * and every earlier step's exports and `$return_value` as `pd.steps[name]`. Each step's writes are
 * durable before the next step starts. Stops at the first failed step.
 */
export async function runWorkflow(
  steps: readonly WorkflowStep[],
  trigger: WorkflowTrigger,
): Promise<WorkflowResult> {
  checkWorkflow(steps);
  const outputs: Record<string, unknown> = { trigger: { event: trigger.event } };
  const results: Record<string, StepResult<unknown>> = {};
  let value: unknown;
  for (const entry of steps) {
    const context = {
      stores: entry.stores ?? {},
      inputs: entry.inputs ?? {},
      steps: { ...outputs },
      meta: { ...trigger.meta, step: entry.name },
      printLogs: trigger.printLogs === true,
    } as StepContext;
    const result = await runStep(entry.step as Step, context);
    results[entry.name] = result;
    if (!result.ok) return { ok: false, value: undefined, results, failedStep: entry.name };
    value = result.value;
    outputs[entry.name] = { ...result.exports, $return_value: result.value };
  }
  return { ok: true, value, results };
}
