import { invalid } from "./errors.ts";
import type { Step, StepHandler, StepOptions } from "./types.ts";

const COMMIT_MODES = ["on-success", "always"] as const;
const ISOLATIONS = ["none", "serializable"] as const;

function oneOf<T extends string>(what: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) {
    throw invalid(
      `defineStep(): \`${what}\` is one of ${allowed.map((a) => `"${a}"`).join(", ")}; got ${String(value)}.`,
    );
  }
  return value;
}

function count(what: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw invalid(`defineStep(): \`${what}\` is a whole number ≥ 0; got ${String(value)}.`);
  }
  return value;
}

/**
 * Makes a step from a `handler(pd)` and its options. The handler's types are kept: a handler
 * declared as `(pd: Pd<{ data_store: DataStore<Records> }>) => …` makes `runStep` ask for that store.
 */
export function defineStep<TInputs, TSteps, TResult>(
  handler: StepHandler<TInputs, TSteps, TResult>,
  options: StepOptions = {},
): Step<TInputs, TSteps, TResult> {
  if (typeof handler !== "function") throw invalid("defineStep() takes the step's handler function first.");
  const commit = oneOf("commit", options.commit, COMMIT_MODES, "on-success");
  const isolation = oneOf("isolation", options.isolation, ISOLATIONS, "none");
  if (isolation === "serializable" && commit === "always") {
    throw invalid(
      'defineStep(): `isolation: "serializable"` re-runs the handler on conflict, so its writes must be held back: it needs `commit: "on-success"`.',
    );
  }
  if (options.workingSet !== undefined && typeof options.workingSet !== "boolean") {
    throw invalid(`defineStep(): \`workingSet\` is true or false; got ${String(options.workingSet)}.`);
  }
  const workingSet = options.workingSet === true;
  if (workingSet && commit === "always") {
    throw invalid(
      'defineStep(): `workingSet: true` re-runs the handler when it touches a key it had not loaded, so its writes must be held back: it needs `commit: "on-success"`.',
    );
  }
  return Object.freeze({
    handler,
    options: Object.freeze({
      commit,
      isolation,
      workingSet,
      retries: count("retries", options.retries, 0),
      retryDelayMs: count("retryDelayMs", options.retryDelayMs, 100),
    }),
  });
}

/** True for a step made by `defineStep`. */
export function isStep(value: unknown): value is Step<never, never, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { handler?: unknown }).handler === "function" &&
    typeof (value as { options?: unknown }).options === "object"
  );
}
