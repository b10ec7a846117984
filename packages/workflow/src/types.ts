import type { Backend, DataStore, IdempotencyOptions, StoreErrorCode, StoreOptions } from "@dictstore/core";

/** What happens to a step's store writes. */
export type CommitMode = "on-success" | "always";

/** How a step's reads and writes relate to concurrent runs. */
export type Isolation = "none" | "serializable";

/** Options of `defineStep`. */
export interface StepOptions {
  /**
   * `"on-success"`: the step's writes are held back and committed together, per store, only when the
   * handler returns; when it throws, nothing it wrote lands. `"always"`: writes land as they are
   * made (at the end of each tick), whether the handler succeeds or not. @default "on-success"
   */
  commit?: CommitMode;
  /**
   * `"serializable"`: the handler runs as a transaction over its store: if anything it read changed
   * before its commit, it runs again on fresh data (bounded), so read-modify-write code is exact under
   * concurrency. The handler may run more than once: it must have no side effects outside the store.
   * Needs `commit: "on-success"` and exactly one store input. @default "none"
   */
  isolation?: Isolation;
  /**
   * `true`: for steps that touch a few keys of a huge store. Each store input opened from a spec
   * (over an asynchronous backend such as Redis) is opened as a view of only the keys this step's
   * earlier runs touched, recorded per step in this process. When the handler touches a key outside
   * that view, the runtime loads it (one round trip) and runs the handler again from the start, the
   * aborted run's held-back writes and captured logs discarded. Within a few runs the view holds the
   * step's working set, and a run costs what it touches, not the size of the store. As with
   * `isolation: "serializable"`, the handler may run more than once: it must have no side effects
   * outside the store (and must not catch `NOT_LOADED`). A handler that lists the whole store
   * (`keys()`, `size`, …) gets a full view. Needs `commit: "on-success"`. On synchronous backends
   * (memory, SQLite), which read each key directly, it changes nothing. @default false
   */
  workingSet?: boolean;
  /** How many more times `runStep` runs a step whose failure is `retryable`. @default 0 */
  retries?: number;
  /** Base delay before a retry, in ms; it doubles with each retry and is jittered. @default 100 */
  retryDelayMs?: number;
}

/** Anything a tool passes beside stores, inputs and steps (run ids, trigger names, …), plus the attempt number. */
export interface StepMeta {
  /**
   * 1 for the first run of the step, 2 for its first retry, and so on. A tool that runs the step again
   * itself (a queue) passes its own count as `context.meta.attempt`, and retries count on from it.
   */
  readonly attempt: number;
  readonly [key: string]: unknown;
}

/** The `pd` object a handler receives, shaped like Pipedream's. */
export interface Pd<TInputs = Record<string, unknown>, TSteps = Record<string, unknown>> {
  /** The step's inputs: its stores (ready to use) and any other input, e.g. `pd.inputs["data_store"]`. */
  readonly inputs: TInputs;
  /** What earlier steps produced, e.g. `pd.steps["trigger"]["event"]`. */
  readonly steps: TSteps;
  /** Exports a named value from the step, beside its return value. */
  export(name: string, value: unknown): void;
  /** What the tool passed in `context.meta`, plus the attempt number. */
  readonly meta: StepMeta;
}

/** A step's code: `handler(pd)`; what it returns (or resolves to) is the step's result. */
export type StepHandler<TInputs, TSteps, TResult> = (
  pd: Pd<TInputs, TSteps>,
) => TResult | PromiseLike<TResult>;

/** A step made by `defineStep`: its handler and its options, resolved. */
export interface Step<
  TInputs = Record<string, unknown>,
  TSteps = Record<string, unknown>,
  TResult = unknown,
> {
  readonly handler: StepHandler<TInputs, TSteps, TResult>;
  readonly options: Readonly<Required<StepOptions>>;
}

/** How to open a store input: from a URL, over a backend, or from `DICTSTORE_URL` when neither is given. */
export interface StoreSpec {
  /**
   * A store URL: `memory:`, `sqlite:<path>`, `redis://…`. @default process.env.DICTSTORE_URL, else the
   * embedded SQLite file `.dictstore/data.db` under the working directory
   */
  url?: string;
  /** A backend the tool created (and disposes of); takes precedence over `url`. */
  backend?: Backend;
  /** The named store of that backend. @default the input's name, e.g. `"data_store"` */
  name?: string;
  /** Further store options (snapshots, limits, load filter, …). */
  options?: Omit<StoreOptions, "backend" | "name" | "url">;
}

/** A store input: an already opened store (refreshed before each run), or how to open one. */
export type StoreInput<TStore = DataStore> = TStore | StoreSpec;

/** The names of `TInputs` whose values are stores. */
export type StoreInputName<TInputs> = {
  [K in keyof TInputs]-?: NonNullable<TInputs[K]> extends DataStore<infer _TRecords> ? K : never;
}[keyof TInputs];

/** The store part of a step's inputs, as a context gives it. */
export type StoreInputs<TInputs> = { [K in StoreInputName<TInputs>]: StoreInput<TInputs[K]> };

/** The inputs of a step that are not stores. */
export type PlainInputs<TInputs> = Omit<TInputs, StoreInputName<TInputs>>;

// A part of the context is required exactly when the step's types require something in it.
type Part<TKey extends string, TValue> =
  Record<never, never> extends TValue ? { [K in TKey]?: TValue } : { [K in TKey]: TValue };

/** What a tool hands `runStep`: the stores by input name, other inputs, earlier steps and metadata. */
export type StepContext<TInputs = Record<string, unknown>, TSteps = Record<string, unknown>> = Part<
  "stores",
  StoreInputs<TInputs>
> &
  Part<"inputs", PlainInputs<TInputs>> &
  Part<"steps", TSteps> & {
    /** Anything else the tool passes; the handler sees it as `pd.meta`. */
    meta?: Readonly<Record<string, unknown>>;
    /** Also print what the step logs (it is always captured in the result). @default false */
    printLogs?: boolean;
    /**
     * Makes the step's store effects apply once per `key`, however often it runs: its staged commit and
     * the atomic operations its handler calls are sent with idempotency tokens derived from `key` (see
     * `withIdempotencyKey` in @dictstore/core), so a second run under the same key is answered from the
     * first run's results. Give one key per unit of work (a queue job), never per attempt.
     */
    idempotency?: StepIdempotency;
  };

/** `context.idempotency`: the key a step's tokens are derived from, and who hears about its commits. */
export interface StepIdempotency extends IdempotencyOptions {
  readonly key: string;
}

/** One line the step printed through `console`. */
export interface StepLog {
  readonly level: "log" | "info" | "warn" | "error" | "debug";
  /** The line as `console.log` would print it (`util.format` of the arguments). */
  readonly message: string;
  /** When it was printed (ms since the epoch). */
  readonly time: number;
  /** Which run of the step printed it (1, then 2 for a retry, …). */
  readonly attempt: number;
}

/**
 * What went wrong, for the tool to act on:
 * - `"handler"`: the handler threw (a non-store error). Retryable only if the error says so (`retryable: true`).
 * - `"store"`: a store operation failed (open, read, write or commit); `code` tells which.
 * - `"conflict"`: a serializable step (or an atomic operation) kept conflicting with concurrent runs. Retryable.
 * - `"input"`: the context or the step is wrong (bad store URL, unsupported combination). Not retryable.
 */
export type StepErrorKind = "handler" | "store" | "conflict" | "input";

/** Where a step failed: opening its stores, in the handler, or committing its writes. */
export type StepPhase = "open" | "handler" | "commit";

/** A step's failure, typed. */
export interface StepError {
  readonly kind: StepErrorKind;
  /** True when running the step again may succeed and cannot apply its writes twice. */
  readonly retryable: boolean;
  /** The `StoreError` code, for store errors and conflicts. */
  readonly code?: StoreErrorCode;
  readonly message: string;
  readonly phase: StepPhase;
  /** Store inputs whose writes did land before the failure (a step over two stores commits twice). */
  readonly committed: readonly string[];
  /** The error as thrown. */
  readonly cause: unknown;
}

/** A step that succeeded: its writes are durable, its value and exports can be released. */
export interface StepSuccess<TResult> {
  readonly ok: true;
  /** What the handler returned. */
  readonly value: TResult;
  /** What the handler passed to `pd.export(name, value)`. */
  readonly exports: Readonly<Record<string, unknown>>;
  readonly logs: readonly StepLog[];
  /** How many times the handler ran (serializable re-runs and retries included). */
  readonly attempts: number;
}

/** A step that failed. */
export interface StepFailure {
  readonly ok: false;
  readonly error: StepError;
  readonly logs: readonly StepLog[];
  /** How many times the handler ran (serializable re-runs and retries included). */
  readonly attempts: number;
}

/** What `runStep` resolves to; it never rejects. */
export type StepResult<TResult> = StepSuccess<TResult> | StepFailure;
