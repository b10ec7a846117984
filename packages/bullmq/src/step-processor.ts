import { isStoreError, type ScopedCommit } from "@dictstore/core";
import {
  defineStep,
  isStep,
  runStep,
  type Step,
  type StepContext,
  type StepHandler,
  type StepLog,
  type StepResult,
} from "@dictstore/workflow";
import { type Job, UnrecoverableError } from "bullmq";
import { jobFailure } from "./failure.ts";
import { openProcessorStores, type ProcessorStoreInput, type ProcessorStores } from "./stores.ts";

/** How long the records that keep a job's store effects to one application are kept, by default: 24 hours. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Options of `stepProcessor`. */
export interface StepProcessorOptions<TResult = unknown> {
  /**
   * The step's store inputs, as `runStep` takes them: `{ data_store: { name: "counts" } }`. A spec
   * without `url` follows `DICTSTORE_URL` (else the embedded SQLite file). Opened once per processor,
   * on its first job; closed when the worker closes.
   */
  readonly stores?: Readonly<Record<string, ProcessorStoreInput>>;
  /** Inputs other than stores, the same for every job (a mailer, settings, …). */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /**
   * How long (ms) the records that keep a job's store effects to one application are kept, on stores
   * this processor opens from a Redis URL. A run of the job after that (a retry with a longer backoff,
   * a job re-added with the same id and timestamp) applies its effects again. Make it longer than
   * the longest time from a job's first run to its last retry. @default 86400000 (24 hours)
   */
  readonly idempotencyTtlMs?: number;
  /** Also print what the step logs (it always goes to `job.log`). @default false */
  readonly printLogs?: boolean;
  /** Called after every run of a job with the step's result, before the processor returns or throws. */
  readonly onResult?: (result: StepResult<TResult>, job: Job, commits: readonly ScopedCommit[]) => void;
}

/** A BullMQ processor that runs a step; `close` releases its stores (done for you when the worker closes). */
export interface StepProcessor<TResult = unknown> {
  (job: Job): Promise<TResult>;
  /** Closes the stores this processor opened. Later jobs open them again. */
  close(): Promise<void>;
}

/** Listens for the worker's "closed" event, where the job carries its worker. */
interface WorkerEvents {
  once(event: "closed", listener: () => void): unknown;
}

/**
 * The idempotency key of a job: its queue (with BullMQ's prefix) and id, plus its creation time so
 * that a queue whose id counter starts over (after `obliterate`) never reuses a key. It is the same
 * for every run of the job (retries, stalled re-runs), never per attempt.
 */
export function jobIdempotencyKey(job: Job): string {
  return `bullmq/${job.prefix}/${job.queueName}/${job.id ?? ""}/${job.timestamp}`;
}

function logLine(log: StepLog): string {
  return log.level === "log" ? log.message : `${log.level}: ${log.message}`;
}

/** Writes what the run logged, and which of its commits an earlier run had already applied, to the job's log. */
async function writeJobLog(
  job: Job,
  logs: readonly StepLog[],
  commits: readonly ScopedCommit[],
): Promise<void> {
  const lines = logs.map(logLine);
  for (const commit of commits) {
    if (!commit.replayed) continue;
    lines.push(
      `dictstore: ${commit.operation} on store "${commit.store}" was applied by an earlier run of this job; not applied again`,
    );
  }
  if (lines.length > 0) await Promise.all(lines.map((line) => job.log(line)));
}

function asStep<TResult>(
  step: Step<never, never, TResult> | StepHandler<never, never, TResult>,
): Step<never, never, TResult> {
  const resolved = isStep(step) ? (step as Step<never, never, TResult>) : defineStep(step);
  // One retry layer: BullMQ's `attempts` and `backoff`. The step's own `retries` would multiply them.
  return defineStep(resolved.handler, { ...resolved.options, retries: 0 });
}

/**
 * A BullMQ processor that runs a workflow step per job: `new Worker(queue, stepProcessor(step, { stores
 * }), { connection })`. The handler gets `job.data` as `pd.steps.trigger.event` and the queue, job id,
 * job name and run number in `pd.meta`; what it logs goes to `job.log`. The job resolves with the
 * step's value once its writes are durable; a retryable failure throws so BullMQ's `attempts` and
 * `backoff` apply, any other throws `UnrecoverableError`.
 *
 * The step's commit and the atomic operations it calls carry idempotency tokens derived from the
 * job, so a job that runs again (its worker died after the commit, it stalled, it was retried)
 * never applies its store effects twice.
 */
export function stepProcessor<TResult>(
  step: Step<never, never, TResult> | StepHandler<never, never, TResult>,
  options: StepProcessorOptions<TResult> = {},
): StepProcessor<TResult> {
  const once = asStep(step);
  const idempotencyTtlMs = options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
  let opening: Promise<ProcessorStores> | undefined;
  const hooked = new WeakSet<object>();

  const openStores = (): Promise<ProcessorStores> => {
    if (opening === undefined) {
      const started = openProcessorStores(options.stores ?? {}, idempotencyTtlMs);
      opening = started;
      // A store that could not be opened (Redis down) is tried again by the next job.
      started.catch(() => {
        if (opening === started) opening = undefined;
      });
    }
    return opening;
  };

  const close = async (): Promise<void> => {
    const current = opening;
    opening = undefined;
    if (current === undefined) return;
    try {
      await (await current).close();
    } catch {
      // it never opened: nothing to release
    }
  };

  /** Closes the stores with the worker: BullMQ builds each job with its worker as `job.queue`. */
  const closeWithWorker = (job: Job): void => {
    const worker = (job as unknown as { queue?: unknown }).queue;
    if (typeof worker !== "object" || worker === null || hooked.has(worker)) return;
    if (typeof (worker as Partial<WorkerEvents>).once !== "function") return;
    hooked.add(worker);
    (worker as WorkerEvents).once("closed", () => void close());
  };

  const processor = async (job: Job): Promise<TResult> => {
    closeWithWorker(job);
    let stores: ProcessorStores;
    try {
      stores = await openStores();
    } catch (error) {
      // Redis may come back: BullMQ retries. A bad URL or spec will not get better: the job fails.
      if (isStoreError(error) && error.code === "BACKEND_UNAVAILABLE") throw error;
      throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    }
    const commits: ScopedCommit[] = [];
    const context = {
      stores: stores.stores,
      inputs: options.inputs ?? {},
      steps: { trigger: { event: job.data } },
      meta: {
        queue: job.queueName,
        jobId: job.id,
        jobName: job.name,
        // BullMQ counts the runs it started (retries and stalled re-runs included).
        attempt: Math.max(1, job.attemptsStarted),
      },
      printLogs: options.printLogs === true,
      idempotency: { key: jobIdempotencyKey(job), onCommit: (commit: ScopedCommit) => commits.push(commit) },
    } as unknown as StepContext<never, never>;
    const result = await runStep(once, context);
    await writeJobLog(job, result.logs, commits);
    options.onResult?.(result, job, commits);
    if (result.ok) return result.value;
    throw jobFailure(result.error, result.logs);
  };
  return Object.assign(processor, { close });
}
