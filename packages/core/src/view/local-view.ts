import { randomUUID } from "node:crypto";
import type {
  BackendEntry,
  ChangeSet,
  CommitResult,
  CommitWrite,
  EntryPage,
  KeyPage,
  ListedEntry,
  ListOptions,
  LoadFilter,
  WriteOptions,
} from "../backend.ts";
import {
  ENTRY_READER,
  type EntryReader,
  KEPT_READER,
  type KeptReader,
  type KeptReaderCarrier,
  type ReaderCarrier,
} from "../codec/entry-reader.ts";
import { isStoreError, StoreError } from "../errors.ts";
import { expiryAt, ttlLeft } from "../expiry.ts";
import type { DictSource } from "../store/dict-source.ts";
import type { AtomicChannel, StoreCore } from "../store/store-core.ts";
import { EntryTable } from "./entry-table.ts";
import { type ExitGuarded, guardExit, releaseExitGuard, type Unsettled } from "./exit-guard.ts";
import { WriteLog } from "./write-log.ts";

/** A batch of buffered writes on its way to the backend. */
interface Batch {
  clear: boolean;
  writes: WriteLog;
  ttls: Map<string, number | null>;
}

const emptyBatch = (): Batch => ({ clear: false, writes: new WriteLog(), ttls: new Map() });

/** What a closed view of a whole store leaves behind for the next open of that store. */
interface Parked {
  readonly entries: EntryTable;
  readonly version: number;
}

/**
 * Closed views by backend and store name: reopening an unchanged store in the same process costs
 * one `changes` round trip instead of a full load. Held weakly by backend, one view per store.
 */
const parkedViews = new WeakMap<object, Map<string, Parked>>();

/** At exit, a commit that failed less than this long ago is reported without another try. */
const RETRY_AT_EXIT_AFTER_MS = 5000;

/** How a buffered clear() is named in exit reports, beside the keys. */
const CLEAR = "(clear())";

/** The keys a batch touches, for exit reports. */
function keysOf(batch: Batch): string[] {
  const keys = new Set<string>();
  if (batch.clear) keys.add(CLEAR);
  for (const write of batch.writes.list()) keys.add(write.key);
  for (const key of batch.ttls.keys()) keys.add(key);
  return [...keys];
}

/**
 * A local view of one store of an asynchronous backend. Proxy traps cannot await, so the view loads
 * the store (or the declared keys and prefixes) once, serves the dict's reads from memory, applies
 * writes locally (read-your-writes) and commits the writes made with no `await` between them as one
 * atomic commit at the end of the tick. Every commit brings back what others changed since, so the
 * view refreshes as a side effect.
 */
export class LocalView implements DictSource, ExitGuarded, AtomicChannel {
  private entries = new EntryTable();
  private version = 0;
  private buffered: Batch = emptyBatch();
  private inFlight: Promise<void> | null = null;
  /** The batch `inFlight` is sending. */
  private sending: Batch | null = null;
  private scheduled = false;
  private failure: StoreError | null = null;
  /** Counts the change sets applied, so refresh() can tell that a commit already brought them. */
  private syncs = 0;
  /** Keys whose last commit was sent and never answered: it may or may not have been applied. */
  private readonly uncertain = new Set<string>();
  /** When the last commit failed (ms since the epoch). */
  private failedAt = 0;

  constructor(
    private readonly core: StoreCore,
    private readonly filter: LoadFilter | undefined,
    /** True when a listing without a prefix, and `size`, mean the whole store (`viewListings: "whole"`). */
    private readonly wholeListings = false,
  ) {}

  // The view is itself the channel of its store's atomic operations (prepare, since, absorb, refresh):
  // methods on the prototype, so opening a view makes no closures for them.

  /** Commits the buffered writes before an atomic operation reads. */
  prepare(): Promise<void> {
    return this.flush();
  }

  /** The version this view is at: a commit brings back what changed since. */
  since(): number {
    return this.version;
  }

  /**
   * Loads the store (or the filtered part) in one round trip: a whole store that a closed view in
   * this process held is taken over and brought up to date with what changed since, instead.
   */
  async load(): Promise<void> {
    const parked = this.filter === undefined ? this.takeParked() : undefined;
    if (parked !== undefined) {
      this.entries = parked.entries;
      this.version = parked.version;
      // A reset (history gone, store dropped or renamed) makes apply() load everything.
      const changes = await this.core.backend.changes(this.core.name, this.version);
      if (changes.reset) await this.apply(changes);
      else this.applyChanges(changes);
      return;
    }
    const snapshot = await this.core.backend.load(this.core.name, this.filter);
    this.replaceAll(snapshot.entries, snapshot.version);
  }

  /** Leaves this closed view's data for the next open of the store, when it holds all of it and nothing is pending. */
  park(): void {
    if (this.filter !== undefined || this.hasBuffered() || this.inFlight !== null || this.failure !== null)
      return;
    let stores = parkedViews.get(this.core.backend);
    if (stores === undefined) {
      stores = new Map();
      parkedViews.set(this.core.backend, stores);
    }
    stores.set(this.core.name, { entries: this.entries, version: this.version });
    this.entries = new EntryTable();
  }

  private takeParked(): Parked | undefined {
    const stores = parkedViews.get(this.core.backend);
    const parked = stores?.get(this.core.name);
    if (parked !== undefined) stores?.delete(this.core.name);
    return parked;
  }

  /** Commits what is buffered and waits for it; rejects with the typed error of a failed commit. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.inFlight !== null) {
        await this.inFlight;
        continue;
      }
      if (!this.hasBuffered()) {
        this.failure = null;
        return;
      }
      this.startCommit();
      await this.inFlight;
      if (this.failure !== null) throw this.failure;
    }
  }

  /** Flushes, then brings the view up to date: one round trip when nothing changed. */
  async refresh(): Promise<void> {
    if (this.inFlight === null && !this.hasBuffered()) {
      // Nothing to commit (the common case): straight to the one round trip, no flush to wait for.
      this.failure = null;
    } else {
      const before = this.syncs;
      await this.flush();
      if (this.syncs !== before) return; // a commit brought the changes back already
    }
    const changes = await this.core.backend.changes(this.core.name, this.version);
    if (changes.reset) await this.apply(changes);
    else this.applyChanges(changes);
  }

  // --- exit ---

  /** For the exit guard: lets the commit in flight finish, then retries once what failed long enough ago. */
  async settle(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
    if (!this.hasBuffered()) return;
    // A commit that failed just now would fail again, or take another whole deadline to time out:
    // the exit must not wait twice. One that failed long ago (a blip mid-run) gets one more try.
    if (this.failure !== null && Date.now() - this.failedAt < RETRY_AT_EXIT_AFTER_MS) return;
    await this.flush().catch(() => undefined);
  }

  /** What this view holds that is not known to be committed, for the exit report. */
  unsettled(): Unsettled | undefined {
    const buffered = keysOf(this.buffered);
    const unknown = new Set(this.sending === null ? [] : keysOf(this.sending));
    for (const key of buffered) if (this.uncertain.has(key)) unknown.add(key);
    const notCommitted = buffered.filter((key) => !unknown.has(key));
    if (unknown.size === 0 && notCommitted.length === 0) return undefined;
    return {
      store: this.core.name,
      backend: this.core.backend.name,
      notCommitted,
      unknown: [...unknown],
      error: this.failure,
    };
  }

  /** Drops what is buffered (close() failed and handed the error to its caller) and leaves the exit guard. */
  discard(): void {
    this.buffered = emptyBatch();
    this.uncertain.clear();
    releaseExitGuard(this);
  }

  // --- the dict's synchronous source ---

  /** The live entry, in an object the view reuses (see EntryTable.peek): read it before the next call. */
  get(_store: string, key: string): BackendEntry | undefined {
    this.cover(key);
    return this.liveEntry(key);
  }

  /** `get` without the NOT_LOADED check: undefined for a key outside the view (see entry-reader.ts). */
  entryReader(): EntryReader {
    // A view of the whole store covers every key: its reader skips the check.
    if (this.filter === undefined) {
      const read: EntryReader = (key) => this.liveEntry(key);
      read.coversEveryKey = true;
      return read;
    }
    return (key) => (this.covers(key) ? this.liveEntry(key) : undefined);
  }

  /** The kept primitive of a live key, else undefined (see KEPT_READER); like entryReader, never throws. */
  keptReader(): KeptReader {
    if (this.filter === undefined) return (key) => this.entries.keptLive(key, Date.now);
    return (key) => (this.covers(key) ? this.entries.keptLive(key, Date.now) : undefined);
  }

  has(store: string, key: string): boolean {
    return this.get(store, key) !== undefined;
  }

  set(store: string, key: string, value: string, options?: WriteOptions): number {
    const previous = this.get(store, key);
    if (previous === undefined) this.checkRoom(1, options?.maxKeys);
    const ttlMs = options?.ttlMs ?? null;
    this.entries.set(key, value, this.version, expiryAt(ttlMs));
    this.buffer(key, { type: "set", key, value, ttlMs });
    return this.version;
  }

  setMany(
    store: string,
    entries: readonly { key: string; value: string; ttlMs?: number | null }[],
    options?: Pick<WriteOptions, "maxKeys">,
  ): number {
    const fresh = new Set(entries.filter((e) => !this.has(store, e.key)).map((e) => e.key));
    this.checkRoom(fresh.size, options?.maxKeys);
    for (const e of entries) this.set(store, e.key, e.value, { ttlMs: e.ttlMs ?? null });
    return this.version;
  }

  delete(store: string, key: string): boolean {
    const existed = this.has(store, key);
    this.entries.delete(key);
    // Sent even when the view did not hold the key: someone may have written it since the last refresh.
    this.buffer(key, { type: "delete", key });
    return existed;
  }

  listKeys(_store: string, options?: ListOptions): KeyPage {
    return { keys: this.liveEntries(options?.prefix).map((e) => e.key), cursor: null };
  }

  /** Live entries under `prefix` (all when absent) of what this view holds, in one page. */
  listEntries(_store: string, options?: ListOptions): EntryPage {
    // The data is in memory already, so one page holds everything: paging would save nothing.
    return { entries: this.liveEntries(options?.prefix), cursor: null };
  }

  /** The live keys this view holds: the whole store, or what its `load` filter covers. */
  count(): number {
    if (this.wholeListings) this.coverAll("size");
    return this.entries.liveCount(Date.now());
  }

  clear(): void {
    this.coverAll("clear()");
    this.entries.clear();
    this.buffered = { clear: true, writes: new WriteLog(), ttls: new Map() };
    this.schedule();
  }

  getTtl(store: string, key: string): number | null | undefined {
    return ttlLeft(this.get(store, key));
  }

  setTtl(store: string, key: string, ttlMs: number | null): boolean {
    const entry = this.get(store, key);
    if (entry === undefined) return false;
    this.entries.set(key, entry.value, entry.version, expiryAt(ttlMs));
    const pending = this.buffered.writes.latest(key);
    if (pending?.type === "set") {
      this.buffered.writes.add({ ...pending, ttlMs });
    } else {
      this.buffered.ttls.set(key, ttlMs);
    }
    this.schedule();
    return true;
  }

  // --- internal ---

  private buffer(key: string, write: CommitWrite): void {
    this.buffered.writes.add(write);
    this.buffered.ttls.delete(key);
    this.schedule();
  }

  private hasBuffered(): boolean {
    const b = this.buffered;
    return b.clear || b.writes.size > 0 || b.ttls.size > 0;
  }

  /** Writes made with no `await` between them end up in one commit, sent when the current job yields. */
  private schedule(): void {
    guardExit(this);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.startCommit();
    });
  }

  private startCommit(): void {
    if (this.inFlight !== null || !this.hasBuffered()) return;
    const batch = this.buffered;
    this.buffered = emptyBatch();
    this.sending = batch;
    const keys = keysOf(batch);
    // Never rejects: a failure is kept for the next flush, so it can never be an unhandled rejection.
    this.inFlight = this.send(batch).then(
      () => {
        this.failure = null;
        for (const key of keys) this.uncertain.delete(key);
      },
      (error: unknown) => {
        this.failure = toStoreError(error, this.core.backend.name);
        this.failedAt = Date.now();
        // What the batch still holds includes the step that was sent: with no answer, it may have landed.
        if (this.failure.code === "UNKNOWN_OUTCOME") for (const key of keysOf(batch)) this.uncertain.add(key);
        this.restore(batch);
      },
    );
    void this.inFlight.finally(() => {
      this.inFlight = null;
      this.sending = null;
      if (!this.hasBuffered()) releaseExitGuard(this);
      else if (this.failure === null) this.startCommit();
    });
  }

  private async send(batch: Batch): Promise<void> {
    const { backend, name } = this.core;
    if (batch.clear) {
      await backend.clear(name);
      batch.clear = false; // done: a retry must not clear again what others wrote since
    }
    if (batch.writes.size > 0) {
      const result = await backend.commit(name, {
        checks: [],
        writes: batch.writes.list(),
        maxKeys: this.core.limits.maxKeys,
        token: randomUUID(),
        since: this.version,
      });
      batch.writes.clear();
      await this.absorb(result);
    }
    for (const [key, ttlMs] of batch.ttls) {
      await backend.setTtl(name, key, ttlMs);
      batch.ttls.delete(key);
    }
  }

  /** Puts a failed batch back under what was buffered since (newer writes to a key win). */
  private restore(batch: Batch): void {
    const newer = this.buffered;
    if (newer.clear) return; // a later clear() supersedes everything the failed batch held
    const writes = batch.writes;
    for (const write of newer.writes.list()) writes.add(write);
    const ttls = new Map(batch.ttls);
    for (const [key, ttl] of newer.ttls) ttls.set(key, ttl);
    this.buffered = { clear: batch.clear, writes, ttls };
  }

  /** Applies a successful commit's result: its version, and what others changed since this view's. */
  async absorb(result: CommitResult): Promise<void> {
    if (!result.ok) {
      // Plain writes carry no checks, so only a backend bug lands here.
      throw new StoreError(
        "CONFLICT",
        `[@dictstore/core] [${this.core.backend.name}] An unconditional commit was refused.`,
      );
    }
    const changes = result.changes;
    if (changes === undefined) this.version = Math.max(this.version, result.version);
    else if (changes.reset) await this.apply(changes);
    else this.applyChanges(changes);
  }

  private async apply(changes: ChangeSet): Promise<void> {
    if (changes.reset) {
      this.syncs++;
      await this.load();
      return;
    }
    this.applyChanges(changes);
  }

  /** Applies a change set that is not a reset (no load needed: synchronous). */
  private applyChanges(changes: ChangeSet): void {
    this.syncs++;
    const buffered = this.buffered.writes;
    // Replies can arrive out of order (a refresh sent before a commit that returns first): never let
    // an older answer overwrite what a newer one brought.
    for (const entry of changes.entries) {
      if (this.locallyNewer(entry.key) || !this.covers(entry.key)) continue;
      if (this.entries.versionOf(entry.key) > entry.version) continue;
      this.entries.set(entry.key, entry.value, entry.version, entry.expiresAt);
    }
    for (const key of changes.deleted) {
      if (buffered.has(key) || this.entries.versionOf(key) > changes.version) continue;
      this.entries.delete(key);
    }
    this.version = Math.max(this.version, changes.version);
  }

  /**
   * True when what the backend reports for a key is older than what this view holds: a buffered
   * write or TTL change, a TTL change still on its way, or a buffered clear() that will wipe it.
   */
  private locallyNewer(key: string): boolean {
    const b = this.buffered;
    return b.clear || b.writes.has(key) || b.ttls.has(key) || (this.sending?.ttls.has(key) ?? false);
  }

  private replaceAll(entries: readonly ListedEntry[], version: number): void {
    const next = new EntryTable();
    const keepLocal = (key: string) => {
      const local = this.entries.peek(key);
      if (local !== undefined) next.set(key, local.value, local.version, local.expiresAt);
    };
    for (const e of entries) {
      if (this.locallyNewer(e.key)) keepLocal(e.key);
      else next.set(e.key, e.value, e.version, e.expiresAt);
    }
    // Local writes not yet committed stay visible over the freshly loaded data.
    for (const write of this.buffered.writes.list()) if (write.type === "set") keepLocal(write.key);
    this.entries = next;
    this.version = version;
  }

  private liveEntries(prefix: string | undefined): ListedEntry[] {
    if (prefix !== undefined) this.coverPrefix(prefix);
    else if (this.wholeListings) this.coverAll("Listing every key");
    return this.entries.live(Date.now(), prefix);
  }

  private checkRoom(newKeys: number, maxKeys: number | undefined): void {
    if (maxKeys === undefined || newKeys === 0 || this.filter !== undefined) return;
    if (this.count() + newKeys > maxKeys) {
      throw new StoreError(
        "LIMIT_EXCEEDED",
        `[@dictstore/core] The store would hold more than ${maxKeys} keys (option limits.maxKeys). Nothing was written.`,
      );
    }
  }

  private liveEntry(key: string): BackendEntry | undefined {
    return this.entries.peekLive(key, Date.now);
  }

  private covers(key: string): boolean {
    const filter = this.filter;
    if (filter === undefined) return true;
    return (
      (filter.keys?.includes(key) ?? false) || (filter.prefixes?.some((p) => key.startsWith(p)) ?? false)
    );
  }

  private cover(key: string): void {
    if (this.covers(key)) return;
    throw new StoreError(
      "NOT_LOADED",
      `[@dictstore/core] "${key}" is outside this view of store "${this.core.name}", which loaded only ${describeFilter(this.filter)}. Add it to the \`load\` option of openStore ({ load: { keys: [...], prefixes: [...] } }), or use createAsyncStore for keys you do not load.`,
      { key, store: this.core.name },
    );
  }

  /** A listing of `prefix` needs every key under it: it must lie inside a loaded prefix. */
  private coverPrefix(prefix: string): void {
    const filter = this.filter;
    if (filter === undefined || (filter.prefixes?.some((p) => prefix.startsWith(p)) ?? false)) return;
    throw new StoreError(
      "NOT_LOADED",
      `[@dictstore/core] Listing keys under "${prefix}" needs every key with that prefix, but this view of store "${this.core.name}" loaded only ${describeFilter(filter)}. Add "${prefix}" to \`load.prefixes\` of openStore, or use createAsyncStore.`,
      { prefix, store: this.core.name },
    );
  }

  private coverAll(what: string): void {
    if (this.filter === undefined) return;
    throw new StoreError(
      "NOT_LOADED",
      `[@dictstore/core] ${what} needs the whole store, but this view of store "${this.core.name}" loaded only ${describeFilter(this.filter)}. Open it without the \`load\` option, or use createAsyncStore.`,
      { store: this.core.name },
    );
  }
}

// The dict's hot path reads a view's entries through this, which never throws: a key outside the
// view reads as absent there, and the dict's general path (`get`) then throws NOT_LOADED for it.
(LocalView.prototype.get as ReaderCarrier)[ENTRY_READER] = (source) => (source as LocalView).entryReader();
(LocalView.prototype.get as KeptReaderCarrier)[KEPT_READER] = (source) => (source as LocalView).keptReader();

function describeFilter(filter: LoadFilter | undefined): string {
  const parts: string[] = [];
  if (filter?.keys?.length) parts.push(`keys ${JSON.stringify(filter.keys)}`);
  if (filter?.prefixes?.length) parts.push(`prefixes ${JSON.stringify(filter.prefixes)}`);
  return parts.length === 0 ? "nothing" : parts.join(" and ");
}

function toStoreError(error: unknown, backend: string): StoreError {
  if (isStoreError(error)) return error;
  return new StoreError(
    "BACKEND_UNAVAILABLE",
    `[@dictstore/core] [${backend}] Committing buffered writes failed: ${error instanceof Error ? error.message : String(error)}. The writes are still buffered; await flush(store) to retry.`,
    { cause: error, backend },
  );
}
