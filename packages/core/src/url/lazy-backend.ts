import type { Backend } from "../backend.ts";

/**
 * A backend that is opened on first use: lets `createAsyncStore({ url })` stay synchronous while the
 * backend package behind the URL is imported lazily. Every call waits for the real backend.
 */
export function lazyBackend(name: string, open: () => Promise<Backend>): Backend<false> {
  let opened: Promise<Backend> | undefined;
  const real = () => {
    opened ??= open();
    return opened;
  };
  return new Proxy({} as Backend<false>, {
    get(_target, property) {
      if (property === "name") return name;
      if (property === "flags") return { sync: false };
      if (property === "then" || typeof property === "symbol") return undefined;
      if (property === "dispose") {
        // Nothing to dispose of when the backend was never opened.
        return async () => {
          // A backend that failed to open holds nothing to release.
          const backend = await opened?.catch(() => undefined);
          await backend?.dispose?.();
        };
      }
      return async (...args: unknown[]) => {
        const backend = await real();
        const method = (backend as unknown as Record<string, (...a: unknown[]) => unknown>)[property];
        return method?.apply(backend, args);
      };
    },
  });
}
