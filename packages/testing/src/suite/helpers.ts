import { setTimeout as delay } from "node:timers/promises";
import {
  type Backend,
  createError,
  isStoreError,
  type ListedEntry,
  type StoreError,
  type StoreErrorCode,
} from "@dictstore/core";
import { expect } from "vitest";
import type { Subject } from "./subject.ts";

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => delay(ms);

/** Short TTLs for expiry tests: set with TTL, then wait at least twice as long. */
export const TTL_SECONDS = 0.2;
/** How long to wait for a `TTL_SECONDS` key to be gone. */
export const TTL_WAIT_MS = 450;

/** How much longer each repeat of a TTL test makes its TTLs and waits (see `judgedInTime`). */
const TTL_SCALES = [1, 5, 25] as const;
/** Room for the longest repeat of a TTL test (25 × its waits). */
export const TTL_TEST_TIMEOUT_MS = 180_000;

/**
 * The short TTLs and waits of one run of a TTL test, scaled, and whether the run was too slow to
 * judge: its own work (time not spent in `wait`) reached half of the shortest TTL it handed out, so
 * a key may have expired before a check that expects it to be there.
 */
export class TtlTiming {
  private readonly started = performance.now();
  private waited = 0;
  private shortestMs = Number.POSITIVE_INFINITY;

  constructor(readonly scale: number) {}

  /** A short TTL in seconds (`base`, default `TTL_SECONDS`, times the scale). */
  seconds(base: number = TTL_SECONDS): number {
    this.shortestMs = Math.min(this.shortestMs, base * 1000 * this.scale);
    return base * this.scale;
  }

  /** A short TTL in milliseconds (`base` times the scale). */
  ms(base: number): number {
    this.shortestMs = Math.min(this.shortestMs, base * this.scale);
    return base * this.scale;
  }

  /** Waits `base` milliseconds (default `TTL_WAIT_MS`) times the scale: past every TTL handed out at that scale. */
  async wait(base: number = TTL_WAIT_MS): Promise<void> {
    const from = performance.now();
    await sleep(base * this.scale);
    this.waited += performance.now() - from;
  }

  /** True when this run's own work took half of its shortest TTL or more. */
  tooSlowToJudge(): boolean {
    return performance.now() - this.started - this.waited >= this.shortestMs / 2;
  }
}

/**
 * Runs a TTL test's attempt with short TTLs; when it fails and was too slow to judge, runs it again
 * with 5 times longer TTLs and waits, then 25 times. A failure of a run in time is the test's failure.
 */
export async function judgedInTime(attempt: (timing: TtlTiming) => Promise<void>): Promise<void> {
  for (const [index, scale] of TTL_SCALES.entries()) {
    const timing = new TtlTiming(scale);
    try {
      await attempt(timing);
      return;
    } catch (error) {
      if (index === TTL_SCALES.length - 1 || !timing.tooSlowToJudge()) throw error;
    }
  }
}

function describeError(error: unknown): string {
  if (isStoreError(error)) return `StoreError ${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Expects `action` (a function, which may throw or return a promise, or a promise) to fail with a
 * `StoreError` of `code`; returns the error.
 */
export async function expectStoreError(
  action: (() => unknown) | Promise<unknown>,
  code: StoreErrorCode,
): Promise<StoreError> {
  let outcome: { error: unknown } | undefined;
  try {
    await (typeof action === "function" ? action() : action);
  } catch (error) {
    outcome = { error };
  }
  if (outcome === undefined) throw new Error(`expected a StoreError ${code}, but nothing was thrown`);
  if (!isStoreError(outcome.error, code)) {
    throw new Error(`expected a StoreError ${code}, got ${describeError(outcome.error)}`, {
      cause: outcome.error,
    });
  }
  return outcome.error;
}

/**
 * Expects a write to be refused with `code`, either at once (the call throws) or, for a buffered
 * local view, when it is flushed.
 */
export async function expectWriteRefused(
  subject: Subject,
  write: () => unknown,
  code: StoreErrorCode,
): Promise<void> {
  let thrown: { error: unknown } | undefined;
  try {
    await write();
  } catch (error) {
    thrown = { error };
  }
  if (thrown === undefined) {
    await expectStoreError(subject.flush(), code);
    return;
  }
  if (!isStoreError(thrown.error, code)) {
    throw new Error(`expected a StoreError ${code}, got ${describeError(thrown.error)}`, {
      cause: thrown.error,
    });
  }
}

/** Compares key lists: exactly (order included) on ordered backends, as sets otherwise. */
export function expectKeys(
  actual: readonly string[],
  expected: readonly string[],
  ordered: boolean | undefined,
): void {
  if (ordered === true) expect(actual).toEqual(expected);
  else expect([...actual].sort()).toEqual([...expected].sort());
}

/** The contract fields of a backend entry (a backend may carry more, e.g. the memory backend's insertion sequence). */
export function entryFields(
  entry: { value: string; version: number; expiresAt: number | null } | undefined,
): { value: string; version: number; expiresAt: number | null } | undefined {
  return entry === undefined
    ? undefined
    : { value: entry.value, version: entry.version, expiresAt: entry.expiresAt };
}

/** Every live entry of a store read through the raw backend, page by page, as key → encoded value. */
export async function rawEntries(backend: Backend, store: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor: string | null | undefined;
  do {
    const page: { entries: ListedEntry[]; cursor: string | null } = await backend.listEntries(
      store,
      cursor === undefined || cursor === null ? { limit: 1000 } : { limit: 1000, cursor },
    );
    for (const entry of page.entries) out.set(entry.key, entry.value);
    cursor = page.cursor;
  } while (cursor !== null);
  return out;
}

/** Every key of a store through the raw backend, page by page, with the given page size and prefix. */
export async function rawKeys(
  backend: Backend,
  store: string,
  limit = 1000,
  prefix?: string,
): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const options = {
      limit,
      ...(cursor === null ? {} : { cursor }),
      ...(prefix === undefined ? {} : { prefix }),
    };
    const page: { keys: string[]; cursor: string | null } = await backend.listKeys(store, options);
    out.push(...page.keys);
    cursor = page.cursor;
    if (++pages > 1_000_000) throw new Error("listKeys never returned a null cursor");
  } while (cursor !== null);
  return out;
}

/** A backend wrapped so every method call is recorded (name and arguments). */
export interface CountingBackend {
  readonly backend: Backend;
  /** Calls in order. */
  readonly calls: { method: string; args: unknown[] }[];
  /** How many calls were made to these methods (all methods when none are named). */
  count(...methods: string[]): number;
  /** Forgets the calls recorded so far. */
  reset(): void;
}

/** Wraps a backend in a Proxy that records every method call; flags and name pass through. */
export function countingBackend(backend: Backend): CountingBackend {
  const calls: { method: string; args: unknown[] }[] = [];
  const wrapped = new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      return (...args: unknown[]) => {
        calls.push({ method: property, args });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    backend: wrapped,
    calls,
    count: (...methods) => calls.filter((c) => methods.length === 0 || methods.includes(c.method)).length,
    reset: () => {
      calls.length = 0;
    },
  };
}

/** Methods that change data: a failing backend refuses all of them. */
export const WRITE_METHODS = ["set", "setMany", "delete", "deleteMany", "clear", "setTtl", "commit"] as const;

/**
 * Wraps a backend so every write fails with `BACKEND_UNAVAILABLE`, the way a backend that lost its
 * server would: synchronously on a sync backend, as a rejected promise on an async one.
 */
export function failingBackend(backend: Backend): Backend {
  const fail = (method: string) => {
    const error = createError(backend.name, "BACKEND_UNAVAILABLE", `injected failure of ${method}()`);
    if (backend.flags.sync) throw error;
    return Promise.reject(error);
  };
  return new Proxy(backend, {
    get(target, property, receiver) {
      if (typeof property === "string" && (WRITE_METHODS as readonly string[]).includes(property)) {
        return () => fail(property);
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Runs `body` and returns every unhandled rejection seen during it and two macrotasks after. */
export async function unhandledRejectionsDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => {
    seen.push(reason);
  };
  process.on("unhandledRejection", listener);
  try {
    await body();
    await sleep(20);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("unhandledRejection", listener);
  }
  return seen;
}
