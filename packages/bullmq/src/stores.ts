import {
  type Backend,
  backendFromUrl,
  close,
  type DataStore,
  isStore,
  openStore,
  parseStoreUrl,
  StoreError,
  storeUrlFromEnv,
} from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import type { StoreSpec } from "@dictstore/workflow";

/** A store input of `stepProcessor`: an opened store, or how to open one (as `runStep` takes it). */
export type ProcessorStoreInput = DataStore | StoreSpec;

/** The stores one processor opened, and how to release them. */
export interface ProcessorStores {
  readonly stores: Readonly<Record<string, DataStore>>;
  /** Closes the stores opened here and disposes of the backends made here (given ones are left alone). */
  close(): Promise<void>;
}

const SPEC_KEYS: ReadonlySet<string> = new Set(["url", "backend", "name", "options"]);

function invalid(message: string): StoreError {
  return new StoreError("INVALID_ARGUMENT", `[@dictstore/bullmq] ${message}`);
}

/**
 * A backend for a URL. A Redis backend keeps the results of idempotent commits for `idempotencyTtlMs`,
 * which is how long a job's effects stay protected against a re-run; other backends keep theirs as
 * they do (SQLite and memory: the most recent 10,000).
 */
async function backendFor(url: string, idempotencyTtlMs: number): Promise<Backend> {
  const target = parseStoreUrl(url);
  if (target.kind === "redis") return redisBackend({ ...target.options, idempotencyTtlMs });
  return backendFromUrl(url);
}

/**
 * Opens a processor's store inputs once: one backend per URL (a spec without one follows
 * `DICTSTORE_URL`), one store per input. Everything opened is released together by `close`.
 */
export async function openProcessorStores(
  inputs: Readonly<Record<string, ProcessorStoreInput>>,
  idempotencyTtlMs: number,
): Promise<ProcessorStores> {
  const backends = new Map<string, Promise<Backend>>();
  const opened: DataStore[] = [];
  const release = async () => {
    await Promise.allSettled(opened.map((store) => close(store)));
    const made = await Promise.allSettled(backends.values());
    for (const backend of made) if (backend.status === "fulfilled") await backend.value.dispose?.();
  };
  try {
    const stores: Record<string, DataStore> = {};
    for (const [input, value] of Object.entries(inputs)) {
      if (isStore(value)) {
        stores[input] = value as DataStore;
        continue;
      }
      if (typeof value !== "object" || value === null || !Object.keys(value).every((k) => SPEC_KEYS.has(k))) {
        throw invalid(`stores.${input} is neither a store nor a spec { url?, backend?, name?, options? }.`);
      }
      const spec = value as StoreSpec;
      let backend = spec.backend;
      if (backend === undefined) {
        const url = spec.url ?? storeUrlFromEnv();
        let making = backends.get(url);
        if (making === undefined) {
          making = backendFor(url, idempotencyTtlMs);
          backends.set(url, making);
        }
        backend = await making;
      }
      const store = await openStore({ ...spec.options, backend, name: spec.name ?? input });
      opened.push(store);
      stores[input] = store;
    }
    return { stores, close: release };
  } catch (error) {
    await release();
    throw error;
  }
}
