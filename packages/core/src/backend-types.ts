/* The data types the Backend contract (backend.ts) speaks in: encoded strings, versions, expiries. */

/** A value, or a promise of it: synchronous backends return plain values. */
export type MaybePromise<T> = T | Promise<T>;

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

/** One entry of `setMany`. */
export interface SetEntry {
  readonly key: string;
  readonly value: string;
  readonly ttlMs?: number | null;
}

/** A write's key-count limit. */
export type MaxKeys = Pick<WriteOptions, "maxKeys">;

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
