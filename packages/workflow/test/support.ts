import {
  type Backend,
  createError,
  createStore,
  type DataStore,
  memoryBackend,
  openStore,
  type StoreErrorCode,
  type SyncBackend,
} from "@dictstore/core";
import { asAsyncBackend } from "@dictstore/testing";

/** A fresh memory store of any schema. */
export function memoryStore<T = Record<string, unknown>>(
  backend: SyncBackend = memoryBackend(undefined),
): DataStore<T> {
  return createStore<T>({ backend });
}

/** A local view over an asynchronous wrapper of memory: the store shape Redis gives, without a server. */
export function viewStore<T = Record<string, unknown>>(
  backend: Backend = asAsyncBackend(memoryBackend(undefined)),
) {
  return openStore<T>({ backend });
}

/** A memory backend whose commits fail with `code` while `failing()` is true (reads keep working). */
export function failingCommits(code: StoreErrorCode, failing: () => boolean = () => true): SyncBackend {
  const inner = memoryBackend(undefined);
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== "commit" || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (failing()) throw createError("memory", code, "injected commit failure");
        return (value as (...a: unknown[]) => unknown).apply(inner, args);
      };
    },
  });
}

/** Resolves after `ms` (a macrotask), so concurrent runs interleave. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Wraps a synchronous backend as an asynchronous one whose calls run at once but whose replies
 * arrive `ms` later, as over a network: a reply can describe a state that has changed since.
 */
export function delayedReplies(
  inner: SyncBackend,
  ms: number,
  onCall?: (method: string) => void,
): Backend<false> {
  return new Proxy(inner as unknown as Backend<false>, {
    get(target, property, receiver) {
      if (property === "flags") return { ...inner.flags, sync: false };
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        onCall?.(String(property));
        const result = (value as (...a: unknown[]) => unknown).apply(inner, args);
        await pause(ms);
        return result;
      };
    },
  });
}
