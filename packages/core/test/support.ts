import {
  type Backend,
  isStoreError,
  memoryBackend,
  type StoreErrorCode,
  type SyncBackend,
} from "@dictstore/core";
import { expect } from "vitest";

/** Runs `fn` and returns what it threw; fails the test when it returns normally. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw, but it returned");
}

/** Asserts that `fn` throws a StoreError with `code`, and returns it for further checks. */
export function expectStoreError(fn: () => unknown, code: StoreErrorCode): Error & { code: string } {
  const error = thrown(fn);
  expect(error).toMatchObject({ name: "StoreError", code });
  expect(isStoreError(error, code)).toBe(true);
  return error as Error & { code: string };
}

/** Asserts that `promise` rejects with a StoreError with `code`. */
export async function expectRejection(
  promise: unknown,
  code: StoreErrorCode,
): Promise<Error & { code: string }> {
  expect(promise).toBeInstanceOf(Promise);
  let error: unknown;
  let rejected = false;
  try {
    await promise;
  } catch (caught) {
    rejected = true;
    error = caught;
  }
  expect(rejected, "expected the promise to reject").toBe(true);
  expect(error).toMatchObject({ name: "StoreError", code });
  return error as Error & { code: string };
}

/** One recorded backend access: the member read and, for calls, the arguments. */
export interface BackendCall {
  member: string | symbol;
  args: unknown[] | undefined;
}

/** A memory backend wrapped in a Proxy that records every member read and every call, in order. */
export function recordingBackend(): { backend: SyncBackend; calls: BackendCall[]; inner: SyncBackend } {
  const inner = memoryBackend(undefined);
  const calls: BackendCall[] = [];
  const backend = new Proxy(inner, {
    get(target, member, receiver) {
      const value: unknown = Reflect.get(target, member, receiver);
      if (typeof value !== "function") {
        calls.push({ member, args: undefined });
        return value;
      }
      return (...args: unknown[]) => {
        calls.push({ member, args });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { backend, calls, inner };
}

/** Every argument of every recorded backend call, as one flat list. */
export function argumentsOf(calls: readonly BackendCall[]): unknown[] {
  return calls.flatMap((call) => call.args ?? []);
}

/** The stored text of a key, read straight from the backend (bypassing the store). */
export function storedText(backend: Backend, key: string, store = "default"): string | undefined {
  const entry = (backend as SyncBackend).get(store, key);
  return entry?.value;
}
