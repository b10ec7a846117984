import type { Backend, BackendContract, SyncBackend } from "@dictstore/core";

/** Options of `asAsyncBackend`. */
export interface AsAsyncBackendOptions {
  /** Delay each call by this many milliseconds (a macrotask), like a network round trip. @default 0 */
  latencyMs?: number;
  /** Called with the name of every backend method before it runs, to count round trips. */
  onCall?: (method: string) => void;
}

/**
 * Wraps a synchronous backend so every method returns a promise, as a remote backend's would.
 * Lets local views and the async API be tested against the memory reference without a server.
 */
export function asAsyncBackend(inner: SyncBackend, options?: AsAsyncBackendOptions): Backend<false>;
export function asAsyncBackend(
  inner: BackendContract<true>,
  options?: AsAsyncBackendOptions,
): BackendContract<false>;
export function asAsyncBackend(
  inner: BackendContract<true>,
  options: AsAsyncBackendOptions = {},
): BackendContract<false> {
  const latency = options.latencyMs ?? 0;
  const delay = () =>
    latency > 0 ? new Promise<void>((resolve) => setTimeout(resolve, latency)) : Promise.resolve();
  return new Proxy(inner as unknown as BackendContract<false>, {
    get(target, property, receiver) {
      if (property === "flags") return { ...inner.flags, sync: false };
      if (property === "name") return `async-${inner.name}`;
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        options.onCall?.(String(property));
        await delay();
        return (value as (...a: unknown[]) => unknown).apply(inner, args);
      };
    },
  });
}
