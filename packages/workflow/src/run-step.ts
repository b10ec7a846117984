import { setTimeout as sleep } from "node:timers/promises";
import { type DataStore, flush, withIdempotencyKey, withStagedWrites } from "@dictstore/core";
import { defineStep, isStep } from "./define-step.ts";
import { classify, invalid } from "./errors.ts";
import { captureLogs, type LogSink } from "./logs.ts";
import { type OpenedStore, openInputs } from "./stores.ts";
import type {
  Isolation,
  Pd,
  Step,
  StepContext,
  StepError,
  StepHandler,
  StepIdempotency,
  StepLog,
  StepPhase,
  StepResult,
  StoreInput,
} from "./types.ts";
import { missOf, type WorkingSet } from "./working-set.ts";

/** The longest wait between two retries, in ms. */
const MAX_RETRY_DELAY_MS = 30_000;

/** What one run of a step produced, before logs and attempt counts are added. */
type Outcome<TResult> =
  | { ok: true; value: TResult; exports: Record<string, unknown> }
  | { ok: false; error: StepError };

/** The untyped view of a context the runtime works on (the typed one is for callers). */
interface LooseContext {
  stores?: Readonly<Record<string, StoreInput<object>>>;
  inputs?: Readonly<Record<string, unknown>>;
  steps?: unknown;
  meta?: Readonly<Record<string, unknown>>;
  printLogs?: boolean;
  idempotency?: StepIdempotency;
}

/** Counts handler runs, tracks the phase and builds `pd` for each run. */
class Run<TInputs, TSteps, TResult> {
  phase: StepPhase = "open";
  handlerRuns = 0;
  exports: Record<string, unknown> = {};
  readonly committed: string[] = [];

  constructor(
    private readonly handler: StepHandler<TInputs, TSteps, TResult>,
    private readonly context: LooseContext,
    private readonly attempt: number,
  ) {}

  /** Runs the handler once on these dicts; a serializable step may call this again after a conflict. */
  async call(dicts: Readonly<Record<string, DataStore>>): Promise<TResult> {
    this.phase = "handler";
    this.handlerRuns++;
    // A re-run starts from scratch: exports of a discarded run must not leak into the result.
    const exports: Record<string, unknown> = {};
    this.exports = exports;
    const pd: Pd<TInputs, TSteps> = {
      inputs: { ...this.context.inputs, ...dicts } as TInputs,
      steps: (this.context.steps ?? {}) as TSteps,
      export(name: string, value: unknown) {
        if (typeof name !== "string") throw invalid("pd.export(name, value) takes a string name.");
        exports[name] = value;
      },
      meta: { ...this.context.meta, attempt: firstAttempt(this.context.meta) + this.attempt - 1 },
    };
    const value = await this.handler(pd);
    this.phase = "commit";
    return value;
  }

  /**
   * Runs the handler with each store's writes held back, committing them store by store (innermost
   * first) once it resolves. A store's commit is atomic; two stores are two commits.
   */
  async staged(stores: readonly OpenedStore[], isolation: Isolation): Promise<TResult> {
    const nest = async (index: number, dicts: Record<string, DataStore>): Promise<TResult> => {
      const opened = stores[index];
      if (opened === undefined) return this.call(dicts);
      const value = await withStagedWrites(
        opened.store,
        (dict) => nest(index + 1, { ...dicts, [opened.input]: dict as DataStore }),
        { isolation },
      );
      this.committed.push(opened.input);
      return value as TResult;
    };
    return nest(0, {});
  }
}

/** Re-runs for keys outside a working set, at most, in one run of a step; then it gets full views. */
const MAX_WIDENINGS = 64;

/** The working sets of each step that asked for them (`workingSet: true`), for the life of the process. */
const workingSets = new WeakMap<object, Map<string, WorkingSet>>();

function workingSetsOf(step: Step<never, never, unknown>): Map<string, WorkingSet> {
  let sets = workingSets.get(step);
  if (sets === undefined) {
    sets = new Map();
    workingSets.set(step, sets);
  }
  return sets;
}

/**
 * Runs a step once; a working-set step again from the start each time its handler touches a key
 * its views do not hold (that key loaded first), the aborted run's held-back writes and logs dropped.
 */
async function runOnce<TInputs, TSteps, TResult>(
  step: Step<TInputs, TSteps, TResult>,
  context: LooseContext,
  attempt: number,
  logs: StepLog[],
): Promise<{ outcome: Outcome<TResult>; handlerRuns: number }> {
  if (!step.options.workingSet) return runWith(step, context, attempt, undefined);
  const sets = workingSetsOf(step as Step<never, never, unknown>);
  let handlerRuns = 0;
  for (let widenings = 0; ; widenings++) {
    const mark = logs.length;
    const { outcome, handlerRuns: runs, missed } = await runWithSets(step, context, attempt, sets);
    handlerRuns += runs;
    if (missed === undefined) return { outcome, handlerRuns };
    logs.length = mark;
    // A step that keeps finding new keys gets full views instead of one round trip per key.
    missed.set.learn(widenings < MAX_WIDENINGS ? missed.key : undefined);
  }
}

async function runWithSets<TInputs, TSteps, TResult>(
  step: Step<TInputs, TSteps, TResult>,
  context: LooseContext,
  attempt: number,
  sets: Map<string, WorkingSet>,
): Promise<{
  outcome: Outcome<TResult>;
  handlerRuns: number;
  missed?: { set: WorkingSet; key: string | undefined };
}> {
  let opened: OpenedStore[] = [];
  try {
    const result = await runWith(step, context, attempt, sets, (stores) => {
      opened = stores;
    });
    if (result.outcome.ok || result.outcome.error.phase !== "handler") return result;
    // Only a miss of a working-set view is re-run for: a key the view this run got did not hold.
    for (const { workingSet } of opened) {
      if (workingSet === undefined) continue;
      const miss = missOf(result.outcome.error.cause, workingSet.name);
      if (miss === undefined) continue;
      // The view this run got lacked the key (a concurrent run may have learned it since: the next
      // view holds it either way). A view that holds it cannot miss it, so the re-runs end.
      if (!workingSet.covers(miss.key)) return { ...result, missed: { set: workingSet.set, key: miss.key } };
    }
    return result;
  } finally {
    for (const store of opened) store.release?.();
  }
}

async function runWith<TInputs, TSteps, TResult>(
  step: Step<TInputs, TSteps, TResult>,
  context: LooseContext,
  attempt: number,
  sets: Map<string, WorkingSet> | undefined,
  onOpened?: (stores: OpenedStore[]) => void,
): Promise<{ outcome: Outcome<TResult>; handlerRuns: number }> {
  const run = new Run(step.handler, context, attempt);
  const { commit, isolation } = step.options;
  const report = (outcome: Outcome<TResult>) => ({ outcome, handlerRuns: run.handlerRuns });
  let stores: OpenedStore[] = [];
  try {
    stores = await openInputs(context.stores, sets);
    onOpened?.(stores);
    for (const { input } of stores) {
      if (context.inputs !== undefined && Object.hasOwn(context.inputs, input)) {
        throw invalid(`"${input}" is given both as a store and as a plain input.`);
      }
    }
    if (isolation === "serializable" && stores.length !== 1) {
      throw invalid(
        `A serializable step runs as a transaction over one store; this one has ${stores.length}. Split it into steps of one store each, or use isolation "none".`,
      );
    }
    let value: TResult;
    if (commit === "on-success") {
      value = await run.staged(stores, isolation);
    } else {
      const dicts = Object.fromEntries(stores.map((s) => [s.input, s.store]));
      try {
        value = await run.call(dicts);
      } catch (error) {
        // "always": what the handler wrote before it failed still lands; a failed commit joins the report.
        const gate = await Promise.allSettled(stores.map((s) => flush(s.store)));
        const failed = gate.find((g): g is PromiseRejectedResult => g.status === "rejected");
        const reported = classify(error, "handler", []);
        if (failed === undefined) return report({ ok: false, error: reported });
        const detail = messageOf(failed.reason);
        return report({
          ok: false,
          error: {
            ...reported,
            retryable: false,
            message: `${reported.message} (and committing its writes failed too: ${detail})`,
          },
        });
      }
    }
    // The output gate: the result is released only once every write is durable.
    run.phase = "commit";
    await Promise.all(stores.map((s) => flush(s.store)));
    return report({ ok: true, value, exports: run.exports });
  } catch (error) {
    return report({ ok: false, error: classify(error, run.phase, run.committed) });
  }
}

/** The attempt number of a tool that counts runs itself (a queue passes `meta.attempt`), else 1. */
function firstAttempt(meta: Readonly<Record<string, unknown>> | undefined): number {
  const given = meta?.attempt;
  return typeof given === "number" && Number.isSafeInteger(given) && given >= 1 ? given : 1;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a step like a workflow runtime: opens (or refreshes) its stores, calls `handler(pd)` with its
 * console output captured, commits its writes according to the step's options, and waits until they
 * are durable before resolving (the output gate). Never rejects: failures come back as typed results,
 * retried first when the step allows it (`retries`) and the failure is retryable.
 */
export async function runStep<TInputs, TSteps, TResult>(
  step: Step<TInputs, TSteps, TResult> | StepHandler<TInputs, TSteps, TResult>,
  context: StepContext<TInputs, TSteps>,
): Promise<StepResult<TResult>> {
  const loose = (context ?? {}) as LooseContext;
  const resolved: Step<TInputs, TSteps, TResult> | undefined =
    typeof step === "function"
      ? defineStep(step)
      : isStep(step)
        ? (step as Step<TInputs, TSteps, TResult>)
        : undefined;
  const lines: StepLog[] = [];
  const sink: LogSink = { lines, print: loose.printLogs === true, attempt: 1 };
  const refused =
    resolved === undefined
      ? "runStep() takes a step made by defineStep(), or a handler function."
      : loose.idempotency !== undefined &&
          (typeof loose.idempotency.key !== "string" || loose.idempotency.key === "")
        ? "context.idempotency.key is a non-empty string (one per unit of work, e.g. a queue job)."
        : undefined;
  if (resolved === undefined || refused !== undefined) {
    const error = classify(invalid(refused ?? ""), "open", []);
    return { ok: false, error, logs: lines, attempts: 0 };
  }
  return captureLogs(sink, async () => {
    let attempts = 0;
    for (let retry = 0; ; retry++) {
      sink.attempt = retry + 1;
      const once = () => runOnce(resolved, loose, retry + 1, lines);
      const { idempotency } = loose;
      // Every attempt derives the same tokens: what an earlier attempt committed is not applied again.
      const { outcome, handlerRuns } = await (idempotency === undefined
        ? once()
        : withIdempotencyKey(idempotency.key, once, idempotency));
      attempts += handlerRuns;
      if (outcome.ok)
        return { ok: true, value: outcome.value, exports: outcome.exports, logs: lines, attempts };
      if (!outcome.error.retryable || retry >= resolved.options.retries) {
        return { ok: false, error: outcome.error, logs: lines, attempts };
      }
      const delay = Math.min(MAX_RETRY_DELAY_MS, resolved.options.retryDelayMs * 2 ** retry);
      await sleep(delay * (0.5 + Math.random() / 2));
    }
  });
}
