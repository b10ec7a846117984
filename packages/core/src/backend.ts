/*
 * The Backend contract. Proxy traps are synchronous and remote I/O is not, so a backend declares
 * `flags.sync`: sync backends (memory, SQLite) are used directly by the dict; async ones (Redis)
 * are reached through a local view that loads once and commits once. Nothing ever blocks the thread.
 *
 * A backend never sees JavaScript values: keys and values are strings, already validated and
 * encoded by the store core. Every method takes the store name first; stores on one backend are
 * fully isolated from each other.
 */

/** A value, or a promise of it: synchronous backends return plain values. */
export type MaybePromise<T> = T | Promise<T>;

/** `T` for a synchronous backend, `MaybePromise<T>` otherwise. */
export type BackendResult<TSync extends boolean, T> = TSync extends true ? T : MaybePromise<T>;

/** One stored record as a backend returns it. */
export interface BackendEntry {
  /** The encoded value (plain JSON text, or a tagged rich encoding). */
  readonly value: string;
  /** The store version of the commit that last wrote this key; used by conditional commits. */
  readonly version: number;
  /** Absolute expiry in epoch milliseconds by the backend's clock, or `null` when it never expires. */
  readonly expiresAt: number | null;
}

/** A listed record: a key and, when values were asked for, its entry. */
export interface ListedEntry extends BackendEntry {
  readonly key: string;
}

/** Options of a paged listing. */
export interface ListOptions {
  /** Only keys starting with this string; a backend should find them without scanning the store. */
  readonly prefix?: string;
  /** Where to continue: the `cursor` of the previous page; omit for the first page. */
  readonly cursor?: string;
  /** How many keys a page should hold at most (a hint: a page may hold fewer and still not be the last). */
  readonly limit?: number;
}

/** A page of keys; `cursor` is `null` on the last page. */
export interface KeyPage {
  readonly keys: string[];
  readonly cursor: string | null;
}

/** A page of entries; `cursor` is `null` on the last page. */
export interface EntryPage {
  readonly entries: ListedEntry[];
  readonly cursor: string | null;
}

/** Options of a single write. */
export interface WriteOptions {
  /** Time to live in milliseconds, relative to the backend's clock; `null` or absent: never expires. */
  readonly ttlMs?: number | null;
  /** With no `ttlMs`, keep the key's current expiry instead of clearing it (atomic increment does this). */
  readonly keepTtl?: boolean;
  /** Refuse (with `LIMIT_EXCEEDED`) a write that would make the store hold more than this many keys. */
  readonly maxKeys?: number;
}

/** One write of a conditional commit. */
export type CommitWrite =
  | {
      readonly type: "set";
      readonly key: string;
      readonly value: string;
      readonly ttlMs?: number | null;
      readonly keepTtl?: boolean;
    }
  | { readonly type: "delete"; readonly key: string };

/** A guard of a conditional commit: the key's version must equal `version` (`null`: the key must be absent). */
export interface CommitCheck {
  readonly key: string;
  readonly version: number | null;
}

/** The atomic primitive: apply every write, in order, only if every check holds. */
export interface CommitRequest {
  readonly checks: readonly CommitCheck[];
  readonly writes: readonly CommitWrite[];
  /** Refuse (with `LIMIT_EXCEEDED`, nothing written) a commit after which the store would hold more keys. */
  readonly maxKeys?: number;
  /** An idempotency token: a retried commit with the same token is answered from the first result. */
  readonly token?: string;
  /** When given, the result carries what changed since this store version (a refresh for free). */
  readonly since?: number;
}

/** The outcome of a conditional commit. */
export type CommitResult =
  | {
      readonly ok: true;
      /** The store version after the commit; every key written got it as its version. */
      readonly version: number;
      /** Present when the request had `since`. */
      readonly changes?: ChangeSet;
    }
  | {
      readonly ok: false;
      /** The keys whose check failed; nothing was written. */
      readonly conflicts: string[];
    };

/**
 * An atomic add to one key: the optional fast path of `increment`. `by` is an integer and the
 * result must stay a safe integer; the stored value must be a number (a missing key counts as 0).
 */
export interface IncrementRequest {
  readonly key: string;
  /** A safe integer to add (negative to subtract). */
  readonly by: number;
  /** Refuse (with `LIMIT_EXCEEDED`, nothing written) an increment that would add a key past this many. */
  readonly maxKeys?: number;
  /** An idempotency token: a retried increment with the same token is answered from the first result. */
  readonly token?: string;
  /** When given, the result carries what changed since this store version. */
  readonly since?: number;
}

/**
 * The outcome of an increment: applied, with the new number; or declined, with nothing written
 * (not a number, past `Number.MAX_SAFE_INTEGER`, or a value this backend cannot add to): the
 * store core then runs its generic read-and-commit path, which raises the right typed error.
 */
export type IncrementResult =
  | {
      readonly ok: true;
      /** The new number. */
      readonly value: number;
      /** The store version after the increment (the key's new version). */
      readonly version: number;
      /** Present when the request had `since`. */
      readonly changes?: ChangeSet;
    }
  | { readonly ok: false };

/** What changed in a store since a version. */
export interface ChangeSet {
  /** The store version these changes bring you to. */
  readonly version: number;
  /** Keys written since, with their current entries. */
  readonly entries: ListedEntry[];
  /** Keys deleted (or expired and reclaimed) since. */
  readonly deleted: string[];
  /** True when the backend no longer knows what happened since that version: reload everything. */
  readonly reset: boolean;
}

/** What to load into a local view: the whole store, or only these keys and prefixes. */
export interface LoadFilter {
  readonly keys?: readonly string[];
  readonly prefixes?: readonly string[];
}

/** A consistent image of (part of) a store at one version. */
export interface StoreSnapshot {
  readonly version: number;
  readonly entries: ListedEntry[];
}

/** A store as listed by `listStores`. */
export interface StoreInfo {
  readonly name: string;
  /** Number of live keys. */
  readonly size: number;
}

/** What a backend declares about itself; the core branches on these, never on a backend's name. */
export interface BackendFlags<TSync extends boolean = boolean> {
  /** True when every method returns a plain value (never a promise). */
  readonly sync: TSync;
  /**
   * True when listing returns keys in insertion order (memory, SQLite); otherwise order is unspecified.
   * A listing with a `prefix` may be in key order instead (memory and SQLite: a range of a sorted key index).
   */
  readonly ordered?: boolean;
  /** True when data outlives the process. */
  readonly persistent?: boolean;
}

/**
 * A storage backend. `TSync` is `true` for backends whose methods return plain values.
 * See docs/custom-backend.md for the semantics of each member.
 */
export interface Backend<TSync extends boolean = boolean> {
  /** Short name used in every error message, e.g. `"memory"`, `"redis"`. */
  readonly name: string;
  readonly flags: BackendFlags<TSync>;

  /** The live entry of a key, or `undefined` when missing or expired. */
  get(store: string, key: string): BackendResult<TSync, BackendEntry | undefined>;
  /** Entries in the order of `keys`, `undefined` for missing ones. */
  getMany(store: string, keys: readonly string[]): BackendResult<TSync, (BackendEntry | undefined)[]>;
  /** True when the key is live. */
  has(store: string, key: string): BackendResult<TSync, boolean>;
  /** Writes one key; returns the new store version. */
  set(store: string, key: string, value: string, options?: WriteOptions): BackendResult<TSync, number>;
  /** Writes several keys atomically, each with its own TTL; returns the new store version. */
  setMany(
    store: string,
    entries: readonly { key: string; value: string; ttlMs?: number | null }[],
    options?: Pick<WriteOptions, "maxKeys">,
  ): BackendResult<TSync, number>;
  /** Deletes a key; true when it was live. */
  delete(store: string, key: string): BackendResult<TSync, boolean>;
  /** Deletes several keys; one boolean per key, true where it was live. */
  deleteMany(store: string, keys: readonly string[]): BackendResult<TSync, boolean[]>;
  /** One page of live keys. */
  listKeys(store: string, options?: ListOptions): BackendResult<TSync, KeyPage>;
  /** One page of live entries. */
  listEntries(store: string, options?: ListOptions): BackendResult<TSync, EntryPage>;
  /** Number of live keys. */
  count(store: string): BackendResult<TSync, number>;
  /** Deletes every key of the store (the store itself stays). */
  clear(store: string): BackendResult<TSync, void>;
  /** Milliseconds left to live; `null` when the key never expires; `undefined` when it is missing. */
  getTtl(store: string, key: string): BackendResult<TSync, number | null | undefined>;
  /** Sets (`ttlMs`) or removes (`null`) a key's expiry; false when the key is missing. */
  setTtl(store: string, key: string, ttlMs: number | null): BackendResult<TSync, boolean>;

  /** The store version: bumped by every write. 0 for a store never written. */
  version(store: string): BackendResult<TSync, number>;
  /** What changed since `version`. */
  changes(store: string, since: number): BackendResult<TSync, ChangeSet>;
  /** A consistent image of the store (or part of it), in one round trip. */
  load(store: string, filter?: LoadFilter): BackendResult<TSync, StoreSnapshot>;
  /** The atomic conditional commit. Checks everything first, then writes; never half-applies. */
  commit(store: string, request: CommitRequest): BackendResult<TSync, CommitResult>;
  /**
   * Optional fast path of `increment`: one atomic step instead of a read plus a conditional
   * commit. Same semantics as that path: a missing key starts at 0, the key's TTL is kept, the
   * version is bumped, `maxKeys` is respected; anything it cannot add to is declined unchanged.
   */
  increment?(store: string, request: IncrementRequest): BackendResult<TSync, IncrementResult>;

  /** Every store on this backend with its size, sorted by name. */
  listStores(): BackendResult<TSync, StoreInfo[]>;
  /** Creates an empty store; false when it exists already. */
  createStore(store: string): BackendResult<TSync, boolean>;
  /** True when the store exists (was created, or has ever been written and not dropped). */
  hasStore(store: string): BackendResult<TSync, boolean>;
  /** Renames a store atomically; `STORE_NOT_FOUND` / `STORE_EXISTS` errors. */
  renameStore(from: string, to: string): BackendResult<TSync, void>;
  /** Deletes a store and all its keys; false when it did not exist. */
  dropStore(store: string): BackendResult<TSync, boolean>;

  /** Releases what the backend opened (connections, files). Injected clients are left open. */
  dispose?(): MaybePromise<void>;
}

/** A backend whose methods all return plain values: usable by `createStore`. */
export type SyncBackend = Backend<true>;

/** A backend that may return promises: usable by `openStore` and `createAsyncStore`. */
export type AsyncBackend = Backend<boolean>;

/** A typed backend factory: `export const fooBackend: BackendFactory<FooOptions> = (options) => ({ … })`. */
export type BackendFactory<TOptions, TSync extends boolean = boolean> = (
  // Options that may be undefined may also be left out: `memoryBackend()`.
  ...options: undefined extends TOptions ? [options?: TOptions] : [options: TOptions]
) => Backend<TSync>;

/** True when the backend declares itself synchronous. */
export function isSyncBackend(backend: Backend): backend is SyncBackend {
  return backend.flags.sync === true;
}
