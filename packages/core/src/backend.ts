/*
 * The Backend contract. A backend stores encoded strings under string keys, per named store, with
 * versions and expiries; the store core does everything else (see docs/custom-backend.md).
 * Required: only what nothing else can be derived from. Every fast path is optional: the core uses it
 * when present and derives it from the required members when absent (complete-backend.ts), and the
 * compliance suite runs each backend both ways, so a fast path can never change behaviour.
 */
import type * as T from "./backend-types.ts";

export type * from "./backend-types.ts";

/** `T` for a synchronous backend, `MaybePromise<T>` otherwise. */
export type BackendResult<TSync extends boolean, TValue> = TSync extends true
  ? TValue
  : T.MaybePromise<TValue>;
type R<TSync extends boolean, TValue> = BackendResult<TSync, TValue>;

/** What a backend declares about itself; the core branches on these, never on a backend's name. */
export interface BackendFlags<TSync extends boolean = boolean> {
  /** True when every method returns a plain value (never a promise): the dict may use it directly. */
  readonly sync: TSync;
  /**
   * True when listing returns keys in insertion order; otherwise the order is unspecified.
   * A listing with a `prefix` may be in key order instead (memory and SQLite: a range of a sorted key index).
   */
  readonly ordered?: boolean;
  /** True when data outlives the process. */
  readonly persistent?: boolean;
}

/** What every backend implements. Keys and values reach it already checked and encoded. */
export interface RequiredBackend<TSync extends boolean = boolean> {
  /** Short name used in every error message, e.g. `"memory"`. */
  readonly name: string;
  readonly flags: BackendFlags<TSync>;
  /** Live entries of the store (or of the filter's keys and prefixes) at one version. */
  load(store: string, filter?: T.LoadFilter): R<TSync, T.StoreSnapshot>;
  /** One page of live entries, with a cursor that never repeats or skips a key that stays. */
  listEntries(store: string, options?: T.ListOptions): R<TSync, T.EntryPage>;
  /** The store version: raised by every commit that writes; 0 for a store never written. */
  version(store: string): R<TSync, number>;
  /** What changed since `since` (or `reset: true` when that history is gone). */
  changes(store: string, since: number): R<TSync, T.ChangeSet>;
  /** Checks every guard, then applies every write (values and TTLs) at one new version, or nothing. */
  commit(store: string, request: T.CommitRequest): R<TSync, T.CommitResult>;
  /** Every store with its live size, sorted by name. */
  listStores(): R<TSync, T.StoreInfo[]>;
  /** Creates an empty store; false when it exists. */
  createStore(store: string): R<TSync, boolean>;
  /** True when the store was created or written and not dropped. */
  hasStore(store: string): R<TSync, boolean>;
  /** Renames atomically; `STORE_NOT_FOUND` / `STORE_EXISTS`. */
  renameStore(from: string, to: string): R<TSync, void>;
  /** Deletes a store and its keys; false when it did not exist. */
  dropStore(store: string): R<TSync, boolean>;
  /** Releases what the backend opened itself (injected clients stay open). */
  dispose?(): T.MaybePromise<void>;
}

/** Optional fast paths: each must behave exactly like its derivation from the required members. */
export interface FastPaths<TSync extends boolean = boolean> {
  get(store: string, key: string): R<TSync, T.BackendEntry | undefined>;
  getMany(store: string, keys: readonly string[]): R<TSync, (T.BackendEntry | undefined)[]>;
  has(store: string, key: string): R<TSync, boolean>;
  /** Returns the new store version. */
  set(store: string, key: string, value: string, options?: T.WriteOptions): R<TSync, number>;
  setMany(store: string, entries: readonly T.SetEntry[], options?: T.MaxKeys): R<TSync, number>;
  /** True when the key was live. */
  delete(store: string, key: string): R<TSync, boolean>;
  deleteMany(store: string, keys: readonly string[]): R<TSync, boolean[]>;
  listKeys(store: string, options?: T.ListOptions): R<TSync, T.KeyPage>;
  count(store: string): R<TSync, number>;
  clear(store: string): R<TSync, void>;
  /** Milliseconds left; `null`: never expires; `undefined`: missing. */
  getTtl(store: string, key: string): R<TSync, number | null | undefined>;
  /** False when the key is missing. */
  setTtl(store: string, key: string, ttlMs: number | null): R<TSync, boolean>;
  /** One atomic add, or `{ ok: false }` (nothing written) for anything the core must decide. */
  increment(store: string, request: T.IncrementRequest): R<TSync, T.IncrementResult>;
}

/** What a storage backend implements: the required members plus any fast paths. */
export type BackendContract<TSync extends boolean = boolean> = RequiredBackend<TSync> &
  Partial<FastPaths<TSync>>;
/**
 * A backend with every fast path but `increment`: what the built-in backends are and what the core
 * hands out (`backendOf`, `backendFromUrl`); `completeBackend` makes one from any `BackendContract`.
 */
export type Backend<TSync extends boolean = boolean> = BackendContract<TSync> &
  Omit<FastPaths<TSync>, "increment">;
/** A backend whose methods all return plain values: usable by `createStore`. */
export type SyncBackend = Backend<true>;
/** A backend that may return promises: usable by `openStore` and `createAsyncStore`. */
export type AsyncBackend = Backend<boolean>;
/** A typed backend factory: `export const fooBackend: BackendFactory<FooOptions> = (options) => ({ … })`. */
export type BackendFactory<
  TOptions,
  TSync extends boolean = boolean,
  TBackend extends BackendContract<TSync> = Backend<TSync>,
> = (
  // Options that may be undefined may also be left out: `memoryBackend()`.
  ...options: undefined extends TOptions ? [options?: TOptions] : [options: TOptions]
) => TBackend;

/** The names of the optional fast paths. */
export const FAST_PATHS = [
  "get",
  "getMany",
  "has",
  "set",
  "setMany",
  "delete",
  "deleteMany",
  "listKeys",
  "count",
  "clear",
  "getTtl",
  "setTtl",
  "increment",
] as const satisfies readonly (keyof FastPaths)[];

/** True when the backend declares itself synchronous. */
export function isSyncBackend<TBackend extends BackendContract>(
  backend: TBackend,
): backend is TBackend & BackendContract<true> {
  return backend.flags.sync === true;
}
