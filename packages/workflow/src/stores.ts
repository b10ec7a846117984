import {
  type Backend,
  backendFromUrl,
  close,
  type DataStore,
  isStore,
  isSyncBackend,
  openStore,
  storeUrlFromEnv,
} from "@dictstore/core";
import { warnIfBig } from "./big-store-warning.ts";
import { invalid } from "./errors.ts";
import { freshen } from "./freshen.ts";
import type { StoreInput, StoreSpec } from "./types.ts";
import { type Lease, WorkingSet } from "./working-set.ts";

/** A store input, ready for a run. */
export interface OpenedStore {
  /** The input's name, e.g. `"data_store"`. */
  readonly input: string;
  readonly store: DataStore;
  /** Set when the store is a working-set view: a miss is learned there. */
  readonly workingSet?: {
    readonly set: WorkingSet;
    readonly name: string;
    /** True when the view this run got holds the key (`undefined`: the whole store). */
    readonly covers: (key: string | undefined) => boolean;
  };
  /** Hands a working-set view back when the run is over. */
  readonly release?: () => void;
}

/** The working sets of the steps that asked for them, per store (pool, name and options). */
type WorkingSets = Map<string, WorkingSet>;

/** The stores opened from specs, kept for the life of the process (or until `closeStores`). */
interface Pool {
  readonly backend: Backend | Promise<Backend>;
  /** Disposes of the backend on `closeStores` (only backends made from a URL here). */
  readonly owned: boolean;
  readonly stores: Map<string, Promise<DataStore>>;
  /** Tells pools apart in working-set keys. */
  readonly id: number;
}

let pools = 0;

// Opening a store over Redis costs a connection and a full load: a step that runs again reuses it and
// only refreshes it. Pools are keyed by URL, or by the backend object a tool passed.
const byUrl = new Map<string, Pool>();
const byBackend = new WeakMap<Backend, Pool>();
const open = new Set<Pool>();

const SPEC_KEYS: ReadonlySet<string> = new Set(["url", "backend", "name", "options"]);

function isSpec(value: unknown): value is StoreSpec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.keys(value).every((key) => SPEC_KEYS.has(key));
}

function poolFor(spec: StoreSpec): Pool {
  if (spec.backend !== undefined) {
    let pool = byBackend.get(spec.backend);
    if (pool === undefined) {
      pool = { backend: spec.backend, owned: false, stores: new Map(), id: ++pools };
      byBackend.set(spec.backend, pool);
      open.add(pool);
    }
    return pool;
  }
  const url = spec.url ?? storeUrlFromEnv();
  let pool = byUrl.get(url);
  if (pool === undefined) {
    const backend = backendFromUrl(url);
    pool = { backend, owned: true, stores: new Map(), id: ++pools };
    byUrl.set(url, pool);
    open.add(pool);
    // A URL that cannot be opened must not poison later runs (Redis may come back).
    backend.catch(() => {
      if (byUrl.get(url) === pool) byUrl.delete(url);
      open.delete(pool as Pool);
    });
  }
  return pool;
}

/** Opens (first use) or refreshes (later uses) the store a spec names. */
async function fromSpec(input: string, spec: StoreSpec): Promise<DataStore> {
  const name = spec.name ?? input;
  const pool = poolFor(spec);
  const key = JSON.stringify([name, spec.options ?? {}]);
  let opening = pool.stores.get(key);
  if (opening !== undefined) {
    const store = await opening;
    await freshen(store);
    return store;
  }
  opening = (async () => {
    const backend = await pool.backend;
    const store = await openStore({ ...spec.options, backend, name });
    if (!isSyncBackend(backend) && spec.options?.load === undefined) warnIfBig(store, name);
    return store;
  })();
  pool.stores.set(key, opening);
  try {
    return await opening;
  } catch (error) {
    pool.stores.delete(key);
    throw error;
  }
}

/**
 * A working-set view of the store a spec names, or `undefined` when a working set changes nothing
 * there: a synchronous backend (read key by key anyway), or a spec with its own \`load\` filter.
 */
async function fromWorkingSet(
  input: string,
  spec: StoreSpec,
  sets: WorkingSets,
): Promise<OpenedStore | undefined> {
  if (spec.options?.load !== undefined) return undefined;
  const name = spec.name ?? input;
  const pool = poolFor(spec);
  const backend = await pool.backend;
  if (isSyncBackend(backend)) return undefined;
  const key = JSON.stringify([pool.id, name, spec.options ?? {}]);
  let set = sets.get(key);
  if (set === undefined) {
    // "whole": a listing or `size` in the handler means the whole store, so it is a miss to re-run for.
    set = new WorkingSet((load) =>
      openStore({
        ...spec.options,
        backend,
        name,
        ...(load ? { load, viewListings: "whole" as const } : {}),
      }),
    );
    sets.set(key, set);
  }
  const lease: Lease = await set.acquire();
  return {
    input,
    store: lease.store,
    workingSet: { set, name, covers: lease.covers },
    release: lease.release,
  };
}

/**
 * Makes every store input of a context ready: opened or refreshed, in input order. With `sets` (a
 * working-set step), stores opened from specs are views of the step's working set; release them
 * (`release`) when the run is over.
 */
export async function openInputs(
  stores: Readonly<Record<string, StoreInput<object>>> | undefined,
  sets?: WorkingSets,
): Promise<OpenedStore[]> {
  if (stores === undefined) return [];
  if (typeof stores !== "object" || stores === null) {
    throw invalid(
      'context.stores maps input names to stores or store specs, e.g. { data_store: { name: "emails" } }.',
    );
  }
  const settled = await Promise.allSettled(
    Object.entries(stores).map(async ([input, value]): Promise<OpenedStore> => {
      if (isStore(value)) {
        await freshen(value);
        return { input, store: value as DataStore };
      }
      if (!isSpec(value)) {
        throw invalid(
          `context.stores.${input} is neither a store nor a spec { url?, backend?, name?, options? }.`,
        );
      }
      const limited = sets === undefined ? undefined : await fromWorkingSet(input, value, sets);
      return limited ?? { input, store: await fromSpec(input, value) };
    }),
  );
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed === undefined) return settled.map((s) => (s as PromiseFulfilledResult<OpenedStore>).value);
  // The run will not start: hand back the working-set views that did open.
  for (const s of settled) if (s.status === "fulfilled") s.value.release?.();
  throw failed.reason;
}

/**
 * Closes every store `runStep` opened from a spec, and disposes of the backends it made from URLs
 * (stores and backends a tool passed itself are left alone). Call it when the process is done.
 */
export async function closeStores(): Promise<void> {
  const pools = [...open];
  open.clear();
  byUrl.clear();
  await Promise.all(
    pools.map(async (pool) => {
      const stores = await Promise.allSettled(pool.stores.values());
      pool.stores.clear();
      for (const settled of stores) if (settled.status === "fulfilled") await close(settled.value);
      let backend: Backend;
      try {
        backend = await pool.backend;
      } catch {
        return; // it never opened: nothing to dispose of
      }
      if (pool.owned) await backend.dispose?.();
      else byBackend.delete(backend);
    }),
  );
}
