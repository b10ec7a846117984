import type { SyncBackend, WriteOptions } from "../backend.ts";
import { StoreError } from "../errors.ts";
import { DEFAULT_LIMITS, ttlToMs } from "../limits.ts";
import type { DictSource } from "./dict-source.ts";
import { pagedIterable } from "./paging.ts";
import { objectFromEntries, type SetOptions, StoreCore } from "./store-core.ts";

/**
 * The dict operations over a synchronous source: a synchronous backend (every call goes straight to
 * it, so the store is always current), a local view of an asynchronous one, or a transaction's
 * overlay. The proxy's traps and reserved methods are thin wrappers over these.
 */
export class SyncStore {
  readonly backend: DictSource;

  constructor(
    readonly core: StoreCore,
    source?: DictSource,
  ) {
    this.backend = source ?? (core.backend as SyncBackend);
  }

  /** Bracket read: the value, or the missing-key policy. */
  read(key: unknown): unknown {
    const checked = this.core.key(key);
    const entry = this.backend.get(this.core.name, checked);
    return entry === undefined ? this.core.missing(checked) : this.core.decode(checked, entry);
  }

  get(key: unknown, fallback?: unknown): unknown {
    const checked = this.core.key(key);
    const entry = this.backend.get(this.core.name, checked);
    return entry === undefined ? fallback : this.core.decode(checked, entry);
  }

  set(key: unknown, value: unknown, options?: SetOptions): void {
    // What core.setWrite does, in the same order (key, value, then TTL checks), minus its objects.
    const core = this.core;
    const { key: checked, text } = core.encode(key, value);
    const ttlMs = ttlToMs(options?.ttl);
    this.backend.set(
      core.name,
      checked,
      text,
      ttlMs === null ? this.noTtl() : { ttlMs, maxKeys: core.limits.maxKeys },
    );
    core.remember(checked, text);
  }

  has(key: unknown): boolean {
    return this.backend.has(this.core.name, this.core.key(key));
  }

  delete(key: unknown): boolean {
    const checked = this.core.key(key);
    this.core.assertWritable();
    this.core.forget(checked);
    return this.backend.delete(this.core.name, checked);
  }

  keys(): Iterable<string> {
    return pagedIterable(this.core, (cursor) => {
      const page = this.backend.listKeys(this.core.name, this.pageOptions(cursor));
      return { items: page.keys, cursor: page.cursor };
    });
  }

  entries(): Iterable<[string, unknown]> {
    return pagedIterable(this.core, (cursor) => {
      const page = this.backend.listEntries(this.core.name, this.pageOptions(cursor));
      const items = page.entries.map((e): [string, unknown] => [e.key, this.core.decode(e.key, e)]);
      return { items, cursor: page.cursor };
    });
  }

  values(): Iterable<unknown> {
    const entries = this.entries();
    return {
      *[Symbol.iterator]() {
        for (const [, value] of entries) yield value;
      },
    };
  }

  clear(): void {
    this.core.assertOpen();
    this.core.assertWritable();
    this.core.forget();
    this.backend.clear(this.core.name);
  }

  size(): number {
    this.core.assertOpen();
    return this.backend.count(this.core.name);
  }

  getTtl(key: unknown): number | null | undefined {
    return StoreCore.ttlSeconds(this.backend.getTtl(this.core.name, this.core.key(key)));
  }

  setTtl(key: unknown, seconds: number | null): boolean {
    const checked = this.core.key(key);
    this.core.assertWritable();
    return this.backend.setTtl(this.core.name, checked, ttlToMs(seconds));
  }

  toObject(): Record<string, unknown> {
    return objectFromEntries(this.entries());
  }

  pop(key: unknown, ...fallback: [unknown?]): unknown {
    const checked = this.core.key(key);
    this.core.assertWritable();
    const entry = this.backend.get(this.core.name, checked);
    if (entry === undefined) {
      if (fallback.length > 0) return fallback[0];
      throw new StoreError(
        "KEY_ERROR",
        `[@dictstore/core] KeyError: "${checked}" is not in store "${this.core.name}".`,
        {
          key: checked,
        },
      );
    }
    const value = this.core.decode(checked, entry);
    this.delete(checked);
    return value;
  }

  setdefault(key: unknown, value: unknown): unknown {
    const checked = this.core.key(key);
    const entry = this.backend.get(this.core.name, checked);
    if (entry !== undefined) return this.core.decode(checked, entry);
    this.set(checked, value);
    return this.get(checked);
  }

  /** Dict `update(mapping)`: every pair is validated and encoded first, then all are written at once. */
  update(mapping: unknown): void {
    this.core.assertOpen();
    const writes = this.core.mappingWrites(mapping);
    if (writes.length === 0) return;
    this.backend.setMany(
      this.core.name,
      writes.map((w) => ({ key: w.key, value: w.value })),
      { maxKeys: this.core.limits.maxKeys },
    );
    for (const w of writes) this.core.remember(w.key, w.value);
  }

  // --- internal ---

  /** The write options of a set without TTL: one shared object instead of a new one per write. */
  private noTtlOptions: WriteOptions = Object.freeze({ ttlMs: null, maxKeys: DEFAULT_LIMITS.maxKeys });

  private noTtl(): WriteOptions {
    const maxKeys = this.core.limits.maxKeys;
    if (this.noTtlOptions.maxKeys !== maxKeys) this.noTtlOptions = Object.freeze({ ttlMs: null, maxKeys });
    return this.noTtlOptions;
  }

  private pageOptions(cursor: string | undefined) {
    return cursor === undefined ? { limit: this.core.pageSize } : { limit: this.core.pageSize, cursor };
  }
}
