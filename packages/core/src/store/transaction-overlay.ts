import type {
  BackendEntry,
  CommitCheck,
  CommitWrite,
  EntryPage,
  KeyPage,
  ListedEntry,
  ListOptions,
  WriteOptions,
} from "../backend.ts";
import { expiryAt, ttlLeft } from "../expiry.ts";
import type { DictSource } from "./dict-source.ts";

/**
 * The dict a transaction function sees: reads come from the underlying source (a synchronous backend
 * or a local view) and are recorded with the version they saw; writes stay in the overlay until the
 * transaction commits them, guarded by those versions, as one conditional commit.
 */
export class TransactionOverlay implements DictSource {
  private readonly reads = new Map<string, number | null>();
  private readonly writes = new Map<string, CommitWrite>();
  private readonly local = new Map<string, BackendEntry | undefined>();

  constructor(
    private readonly source: DictSource,
    private readonly store: string,
  ) {}

  /** Every key read, with the version it had (`null`: absent). */
  checks(): CommitCheck[] {
    return [...this.reads].map(([key, version]) => ({ key, version }));
  }

  /** Every write, in the order of the keys' first write. */
  pendingWrites(): CommitWrite[] {
    return [...this.writes.values()];
  }

  get(_store: string, key: string): BackendEntry | undefined {
    if (this.local.has(key)) return this.local.get(key);
    return this.record(key, this.source.get(this.store, key));
  }

  has(store: string, key: string): boolean {
    return this.get(store, key) !== undefined;
  }

  set(_store: string, key: string, value: string, options?: WriteOptions): number {
    const ttlMs = options?.ttlMs ?? null;
    this.local.set(key, { value, version: 0, expiresAt: expiryAt(ttlMs) });
    this.writes.set(key, { type: "set", key, value, ttlMs });
    return 0;
  }

  setMany(store: string, entries: readonly { key: string; value: string; ttlMs?: number | null }[]): number {
    for (const e of entries) this.set(store, e.key, e.value, { ttlMs: e.ttlMs ?? null });
    return 0;
  }

  delete(store: string, key: string): boolean {
    const existed = this.has(store, key);
    this.local.set(key, undefined);
    this.writes.set(key, { type: "delete", key });
    return existed;
  }

  listKeys(store: string, options?: ListOptions): KeyPage {
    return { keys: this.listAll(store, options?.prefix).map((e) => e.key), cursor: null };
  }

  listEntries(store: string, options?: ListOptions): EntryPage {
    return { entries: this.listAll(store, options?.prefix), cursor: null };
  }

  count(store: string): number {
    return this.listAll(store, undefined).length;
  }

  clear(store: string): void {
    for (const { key } of this.listAll(store, undefined)) this.delete(store, key);
  }

  getTtl(store: string, key: string): number | null | undefined {
    return ttlLeft(this.get(store, key));
  }

  setTtl(store: string, key: string, ttlMs: number | null): boolean {
    const entry = this.get(store, key);
    if (entry === undefined) return false;
    this.set(store, key, entry.value, { ttlMs });
    return true;
  }

  // --- internal ---

  private record(key: string, entry: BackendEntry | undefined): BackendEntry | undefined {
    if (!this.reads.has(key)) this.reads.set(key, entry?.version ?? null);
    return entry;
  }

  /** Listing reads every key it returns, so each one is guarded by its version. */
  private listAll(store: string, prefix: string | undefined): ListedEntry[] {
    const out = new Map<string, ListedEntry>();
    let cursor: string | undefined;
    do {
      const page = this.source.listEntries(store, cursor === undefined ? {} : { cursor });
      for (const e of page.entries) {
        this.record(e.key, e);
        out.set(e.key, e);
      }
      cursor = page.cursor ?? undefined;
    } while (cursor !== undefined);
    for (const [key, entry] of this.local) {
      if (entry === undefined) out.delete(key);
      else out.set(key, { key, ...entry });
    }
    return [...out.values()].filter((e) => prefix === undefined || e.key.startsWith(prefix));
  }
}
