import type { Backend, MaybePromise } from "../backend.ts";
import { type EntryReader, fastEntryReader, fastKeptReader, type KeptReader } from "../codec/entry-reader.ts";
import { DictOperations, type ListingOptions } from "./dict-operations.ts";
import type { DictSource } from "./dict-source.ts";
import { type Page, pagedIterable } from "./paging.ts";
import { objectFromEntries, type SetOptions, type StoreCore } from "./store-core.ts";

/** A page fetcher over a synchronous source, which answers with plain values. */
function synchronous<TItem>(
  fetch: (cursor: string | undefined) => MaybePromise<Page<TItem>>,
): (cursor: string | undefined) => Page<TItem> {
  return fetch as (cursor: string | undefined) => Page<TItem>;
}

/**
 * The dict over a synchronous source: a synchronous backend (every call goes straight to it, so the
 * store is always current), a local view of an asynchronous one, or a transaction's overlay. The
 * operations are DictOperations, which answer synchronously over such a source (hence the casts);
 * the proxy's traps and reserved methods are thin wrappers over these.
 */
export class SyncStore {
  readonly backend: DictSource;
  readonly ops: DictOperations;

  constructor(
    readonly core: StoreCore,
    source?: DictSource,
  ) {
    this.backend = source ?? (core.backend as Backend<true>);
    this.ops = new DictOperations(core, this.backend);
    this.fastReader = fastEntryReader(this.backend, core.name);
    this.keptReader = this.fastReader === undefined ? undefined : fastKeptReader(this.backend, core.name);
  }

  /**
   * The source's reader of kept primitives (a local view's table), if it has one: tried by the get
   * trap before `fastReader`, it answers a repeated read of a primitive with no entry object.
   */
  readonly keptReader: KeptReader | undefined;

  /**
   * The source's fast entry reader for this store, if it has one (see entry-reader.ts): the source
   * answers from memory and its entries keep decoded values (memory slots, a local view's table),
   * so the get trap may look a key up before it checks for a reserved name, and answer what the
   * entry keeps (see createDictProxy).
   */
  readonly fastReader: EntryReader | undefined;

  /**
   * Bracket read: the value, or the missing-key policy. The hot path of the dict, kept direct: a
   * key is looked up before it is checked, since a malformed key can never have been stored; only a
   * miss pays for the check (which throws for a malformed key).
   */
  read(key: unknown): unknown {
    const core = this.core;
    if (typeof key === "string" && !core.closed) {
      const entry = this.backend.get(core.name, key);
      return entry === undefined ? core.missing(core.key(key)) : core.decode(key, entry);
    }
    const checked = core.key(key);
    const entry = this.backend.get(core.name, checked);
    return entry === undefined ? core.missing(checked) : core.decode(checked, entry);
  }

  get(key: unknown, fallback?: unknown): unknown {
    return this.ops.get(key, fallback);
  }

  set(key: unknown, value: unknown, options?: SetOptions): void {
    this.ops.set(key, value, options);
  }

  /** `in`: like `read`, a present key needs no check. */
  has(key: unknown): boolean {
    const core = this.core;
    if (typeof key === "string" && !core.closed) {
      if (this.backend.has(core.name, key)) return true;
      core.key(key); // throws for a malformed key
      return false;
    }
    return this.backend.has(core.name, core.key(key));
  }

  delete(key: unknown): boolean {
    return this.ops.delete(key) as boolean;
  }

  keys(options?: ListingOptions): Iterable<string> {
    return pagedIterable(this.core, synchronous(this.ops.keyPage(options)));
  }

  entries(options?: ListingOptions): Iterable<[string, unknown]> {
    return pagedIterable(this.core, synchronous(this.ops.entryPage(options)));
  }

  values(options?: ListingOptions): Iterable<unknown> {
    const entries = this.entries(options);
    return {
      *[Symbol.iterator]() {
        for (const [, value] of entries) yield value;
      },
    };
  }

  clear(): void {
    this.ops.clear();
  }

  size(): number {
    return this.ops.size() as number;
  }

  getTtl(key: unknown): number | null | undefined {
    return this.ops.getTtl(key) as number | null | undefined;
  }

  setTtl(key: unknown, seconds: number | null): boolean {
    return this.ops.setTtl(key, seconds) as boolean;
  }

  toObject(options?: ListingOptions): Record<string, unknown> {
    return objectFromEntries(this.entries(options));
  }

  pop(key: unknown, ...fallback: [unknown?]): unknown {
    return this.ops.pop(key, fallback);
  }

  setdefault(key: unknown, value: unknown): unknown {
    return this.ops.setdefault(key, value);
  }

  update(mapping: unknown): void {
    this.ops.update(mapping);
  }
}
