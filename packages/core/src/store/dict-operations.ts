import type { Backend, EntryPage, KeyPage, ListOptions, MaybePromise, WriteOptions } from "../backend.ts";
import { StoreError } from "../errors.ts";
import { DEFAULT_LIMITS, ttlToMs } from "../limits.ts";
import { chain } from "../maybe-promise.ts";
import type { Page } from "./paging.ts";
import { type SetOptions, StoreCore } from "./store-core.ts";

/**
 * Where the dict operations read and write: a synchronous backend, a local view or a transaction
 * overlay (plain values), or any backend for the async API (promises).
 */

const ignoreResult = (): void => undefined;
export type OperationSource = Pick<Backend, OperationMethod>;

/** The backend methods the dict operations use; every one of them a sync backend answers at once. */
export type OperationMethod =
  | "get"
  | "has"
  | "set"
  | "setMany"
  | "delete"
  | "listKeys"
  | "listEntries"
  | "count"
  | "clear"
  | "getTtl"
  | "setTtl";

/** Options of `keys()`, `values()`, `entries()` and `toObject()`. */
export interface ListingOptions {
  /** Only keys starting with this string. */
  prefix?: string;
}

/**
 * The dict operations, written once: each call answers synchronously over a synchronous source and
 * with a promise over an asynchronous one (`chain`). The dict (SyncStore) and the async API are thin
 * wrappers; both give the same checks, encoding and errors.
 */
export class DictOperations {
  /** The write options of a set without TTL: one shared object instead of a new one per write. */
  private noTtlOptions: WriteOptions = Object.freeze({ ttlMs: null, maxKeys: DEFAULT_LIMITS.maxKeys });

  constructor(
    readonly core: StoreCore,
    readonly source: OperationSource,
  ) {}

  get(key: unknown, fallback?: unknown): MaybePromise<unknown> {
    const checked = this.core.key(key);
    return chain(this.source.get(this.core.name, checked), (entry) =>
      entry === undefined ? fallback : this.core.decode(checked, entry),
    );
  }

  set(key: unknown, value: unknown, options?: SetOptions): MaybePromise<void> {
    // What core.setWrite does, in the same order (key, value, then TTL checks), minus its objects.
    const core = this.core;
    const { key: checked, text } = core.encode(key, value);
    const ttlMs = ttlToMs(options?.ttl);
    const written = this.source.set(
      core.name,
      checked,
      text,
      ttlMs === null ? this.noTtl() : { ttlMs, maxKeys: core.limits.maxKeys },
    );
    // Only a frozen store keeps what it wrote; the others skip making a closure on every write.
    return core.frozen ? chain(written, () => core.remember(checked, text)) : chain(written, ignoreResult);
  }

  has(key: unknown): MaybePromise<boolean> {
    return this.source.has(this.core.name, this.core.key(key));
  }

  delete(key: unknown): MaybePromise<boolean> {
    const checked = this.core.key(key);
    this.core.assertWritable();
    this.core.forget(checked);
    return this.source.delete(this.core.name, checked);
  }

  clear(): MaybePromise<void> {
    this.core.assertOpen();
    this.core.assertWritable();
    this.core.forget();
    return this.source.clear(this.core.name);
  }

  size(): MaybePromise<number> {
    this.core.assertOpen();
    return this.source.count(this.core.name);
  }

  getTtl(key: unknown): MaybePromise<number | null | undefined> {
    return chain(this.source.getTtl(this.core.name, this.core.key(key)), StoreCore.ttlSeconds);
  }

  setTtl(key: unknown, seconds: number | null): MaybePromise<boolean> {
    const checked = this.core.key(key);
    this.core.assertWritable();
    return this.source.setTtl(this.core.name, checked, ttlToMs(seconds));
  }

  /** Dict `pop(key[, default])`: removes and returns the value; `KEY_ERROR` without a default. */
  pop(key: unknown, fallback: [unknown?]): MaybePromise<unknown> {
    const checked = this.core.key(key);
    this.core.assertWritable();
    return chain(this.source.get(this.core.name, checked), (entry) => {
      if (entry === undefined) {
        if (fallback.length > 0) return fallback[0];
        throw this.core.keyError(checked);
      }
      const value = this.core.decode(checked, entry);
      return chain(this.delete(checked), () => value);
    });
  }

  /** Dict `setdefault(key, value)`: the value, after inserting `value` when the key was missing. */
  setdefault(key: unknown, value: unknown): MaybePromise<unknown> {
    const checked = this.core.key(key);
    return chain(this.source.get(this.core.name, checked), (entry) => {
      if (entry !== undefined) return this.core.decode(checked, entry);
      return chain(this.set(checked, value), () => this.get(checked));
    });
  }

  /** Dict `update(mapping)`: every pair is validated and encoded first, then all are written at once. */
  update(mapping: unknown): MaybePromise<void> {
    this.core.assertOpen();
    const writes = this.core.mappingWrites(mapping);
    if (writes.length === 0) return undefined;
    const entries = writes.map((w) => ({ key: w.key, value: w.value }));
    return chain(this.source.setMany(this.core.name, entries, { maxKeys: this.core.limits.maxKeys }), () => {
      for (const w of writes) this.core.remember(w.key, w.value);
    });
  }

  /** Fetches one page of keys of a listing. */
  keyPage(options: ListingOptions | undefined): (cursor: string | undefined) => MaybePromise<Page<string>> {
    const list = this.listOptions(options);
    return (cursor) =>
      chain(
        this.source.listKeys(this.core.name, list(cursor)),
        (page: KeyPage): Page<string> => ({ items: page.keys, cursor: page.cursor }),
      );
  }

  /** Fetches one page of decoded entries of a listing. */
  entryPage(
    options: ListingOptions | undefined,
  ): (cursor: string | undefined) => MaybePromise<Page<[string, unknown]>> {
    const list = this.listOptions(options);
    return (cursor) =>
      chain(
        this.source.listEntries(this.core.name, list(cursor)),
        (page: EntryPage): Page<[string, unknown]> => ({
          items: page.entries.map((e): [string, unknown] => [e.key, this.core.decode(e.key, e)]),
          cursor: page.cursor,
        }),
      );
  }

  // --- internal ---

  private noTtl(): WriteOptions {
    const maxKeys = this.core.limits.maxKeys;
    if (this.noTtlOptions.maxKeys !== maxKeys) this.noTtlOptions = Object.freeze({ ttlMs: null, maxKeys });
    return this.noTtlOptions;
  }

  /** The backend listing options of each page, with the prefix checked once. */
  private listOptions(options: ListingOptions | undefined): (cursor: string | undefined) => ListOptions {
    const prefix = options?.prefix;
    if (prefix !== undefined && typeof prefix !== "string") {
      throw new StoreError(
        "INVALID_ARGUMENT",
        `[@dictstore/core] The listing option \`prefix\` must be a string; got ${typeof prefix}.`,
      );
    }
    const limit = this.core.pageSize;
    const base: ListOptions = prefix === undefined ? { limit } : { limit, prefix };
    return (cursor) => (cursor === undefined ? base : { ...base, cursor });
  }
}
