import {
  type Backend,
  type BackendContract,
  completeBackend,
  createAsyncStore,
  createStore,
  type DataStore,
  openStore,
  type StoreOptions,
  type SyncBackend,
} from "@dictstore/core";
import { judgedInTime, TTL_TEST_TIMEOUT_MS, type TtlTiming } from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";
import { asyncSubject, dictSubject, type Mode, type Subject } from "./subject.ts";

/** Every way into a store. */
export const ALL_MODES: readonly Mode[] = ["createStore", "openStore", "createAsyncStore"];
/** The ways that give a dict proxy. */
export const DICT_MODES: readonly Mode[] = ["createStore", "openStore"];

/** Store options a test may pass; `backend` defaults to the run's fresh backend (pass a wrapped one to count or fail calls). */
export type OpenOptions = Omit<StoreOptions, "backend"> & { backend?: BackendContract };

/** One run of a test body: one mode, one fresh backend, and every handle opened on it (closed afterwards). */
export class ModeRun {
  private readonly opened: Subject[] = [];

  constructor(
    readonly mode: Mode,
    readonly backend: Backend,
  ) {}

  /** True when this run goes through a dict proxy. */
  get isDict(): boolean {
    return this.mode !== "createAsyncStore";
  }

  /** Opens a new handle in this run's mode (a second call gives a second, independent handle). */
  async open(options: OpenOptions = {}): Promise<Subject> {
    const full: StoreOptions = { ...options, backend: options.backend ?? this.backend };
    let subject: Subject;
    if (this.mode === "createStore")
      subject = dictSubject(this.mode, createStore(full as StoreOptions<SyncBackend>));
    else if (this.mode === "openStore") subject = dictSubject(this.mode, await openStore(full));
    else subject = asyncSubject(createAsyncStore(full));
    this.opened.push(subject);
    return subject;
  }

  /** Opens a dict proxy; only in dict modes. */
  async dict<T = Record<string, unknown>>(options: OpenOptions = {}): Promise<DataStore<T>> {
    const subject = await this.open(options);
    if (subject.dict === undefined)
      throw new Error(`[@dictstore/testing] dict() called in ${this.mode} mode`);
    return subject.dict as unknown as DataStore<T>;
  }

  /** Closes every handle opened in this run; errors (from deliberately failed writes) are ignored. */
  async cleanup(): Promise<void> {
    for (const subject of this.opened) await subject.close().catch(() => undefined);
  }
}

function annotate(mode: Mode, error: unknown): unknown {
  if (error instanceof Error) {
    error.message = `[${mode}] ${error.message}`;
    return error;
  }
  return new Error(`[${mode}] ${String(error)}`);
}

/**
 * Registers one test whose body runs once per mode, each run on its own fresh backend, in parallel
 * (TTL waits overlap). `createStore` runs only on synchronous backends; `openStore` covers the dict
 * on the others. Failures name their mode.
 */
export function modeTest(
  env: SuiteEnv,
  modes: readonly Mode[],
  id: string,
  title: string,
  body: (run: ModeRun) => Promise<void>,
  timeoutMs?: number,
): void {
  env.test(
    id,
    title,
    async () => {
      const failures: unknown[] = [];
      await Promise.all(
        modes.map(async (mode) => {
          if (mode === "createStore" && env.knownSync === false) return;
          try {
            await runMode(env, mode, body);
          } catch (error) {
            failures.push(annotate(mode, error));
          }
        }),
      );
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) {
        throw new Error(failures.map((f) => (f instanceof Error ? f.message : String(f))).join("\n\n"), {
          cause: failures[0],
        });
      }
    },
    timeoutMs,
  );
}

/** Runs `body` once in `mode` on a fresh backend, then closes its handles and releases the backend. */
async function runMode(env: SuiteEnv, mode: Mode, body: (run: ModeRun) => Promise<void>): Promise<void> {
  const lease = await env.acquire();
  const run = new ModeRun(mode, completeBackend(lease.backend));
  try {
    if (mode === "createStore" && !lease.backend.flags.sync) return;
    await body(run);
  } finally {
    await run.cleanup();
    await lease.release();
  }
}

/**
 * A `modeTest` whose body sets short TTLs and checks keys before and after they expire. The short
 * TTLs and the waits come from `timing`; a run whose own work (not counting its waits) took so long
 * that a TTL may have run out before a "still there" check cannot judge anything, so if it fails
 * it is repeated on a fresh backend with 5 times longer TTLs, then 25 times. A fast run that fails
 * fails the test: a slow machine never makes it fail, and never hides a bug a fast run shows.
 */
export function ttlModeTest(
  env: SuiteEnv,
  modes: readonly Mode[],
  id: string,
  title: string,
  body: (run: ModeRun, timing: TtlTiming) => Promise<void>,
): void {
  modeTest(
    env,
    modes,
    id,
    title,
    async (first) => {
      // The first attempt runs on the backend modeTest leased; any repeat leases a fresh one.
      let attempt = 0;
      await judgedInTime((timing) =>
        attempt++ === 0 ? body(first, timing) : runMode(env, first.mode, (run) => body(run, timing)),
      );
    },
    TTL_TEST_TIMEOUT_MS,
  );
}

/** A `backendTest` with short TTLs, repeated with longer ones when a failed run was too slow to judge (see `ttlModeTest`). */
export function ttlBackendTest(
  env: SuiteEnv,
  id: string,
  title: string,
  body: (backend: Backend, timing: TtlTiming) => Promise<void>,
): void {
  env.test(
    id,
    title,
    () =>
      judgedInTime(async (timing) => {
        const lease = await env.acquire();
        try {
          // As in backendTest: derived fast paths when the backend's own are hidden.
          await body(completeBackend(lease.backend), timing);
        } finally {
          await lease.release();
        }
      }),
    TTL_TEST_TIMEOUT_MS,
  );
}

/** Registers one test of the raw Backend contract on a fresh backend. */
export function backendTest(
  env: SuiteEnv,
  id: string,
  title: string,
  body: (backend: Backend) => Promise<void>,
  timeoutMs?: number,
): void {
  env.test(
    id,
    title,
    async () => {
      const lease = await env.acquire();
      try {
        // Contract tests call the fast paths too: derived ones when the backend's own are hidden.
        await body(completeBackend(lease.backend));
      } finally {
        await lease.release();
      }
    },
    timeoutMs,
  );
}
