import type {
  BackendEntry,
  BackendFactory,
  CommitRequest,
  CommitResult,
  EntryPage,
  IncrementRequest,
  IncrementResult,
  KeyPage,
  ListOptions,
  StoreInfo,
  StoreSnapshot,
  SyncBackend,
  WriteOptions,
} from "../backend.ts";
import { addToStoredNumber } from "../codec/add-to-number.ts";
import { ENTRY_READER, type EntryReader, type ReaderCarrier } from "../codec/entry-reader.ts";
import { expiryOfWrite, planCommit } from "../commit-plan.ts";
import { createError } from "../errors.ts";
import { expiryAt, ttlLeft } from "../expiry.ts";
import { MemoryTable } from "./memory-table.ts";

const BACKEND_NAME = "memory";

/** Options of the memory backend. */
export interface MemoryBackendOptions {
  /** The clock, in epoch milliseconds; tests may pass a fake one. @default Date.now */
  now?: () => number;
}

/** How many commit results are kept for idempotency tokens. */
const TOKEN_MEMORY = 10_000;

function limitError(maxKeys: number) {
  return createError(
    BACKEND_NAME,
    "LIMIT_EXCEEDED",
    `The store would hold more than ${maxKeys} keys (option limits.maxKeys). Nothing was written.`,
  );
}

/** The in-process reference backend: synchronous, with TTLs, versions and atomic commits. Data lives as long as the object. */
export const memoryBackend: BackendFactory<MemoryBackendOptions | undefined, true> = (options) => {
  const now = options?.now ?? Date.now;
  const tables = new Map<string, MemoryTable>();
  // Results of commits and increments by idempotency token (random, or derived from a job: see idempotency.ts).
  const tokens = new Map<string, CommitResult | IncrementResult>();
  const remember = <TResult extends CommitResult | IncrementResult>(
    token: string | undefined,
    result: TResult,
  ) => {
    if (token === undefined) return result;
    tokens.set(token, result);
    if (tokens.size > TOKEN_MEMORY) tokens.delete(tokens.keys().next().value as string);
    return result;
  };
  // One counter for every store, so a dropped and re-created store never reuses a version.
  let clock = 0;

  // The table used last: most processes use one store, and this spares a Map lookup on every read.
  // Reset whenever a table leaves `tables` (rename, drop, dispose).
  let lastName: string | undefined;
  let lastTable: MemoryTable | undefined;
  const forgetLast = () => {
    lastName = undefined;
    lastTable = undefined;
  };
  const existing = (store: string): MemoryTable | undefined => {
    if (store === lastName) return lastTable;
    const found = tables.get(store);
    if (found !== undefined) {
      lastName = store;
      lastTable = found;
    }
    return found;
  };
  const table = (store: string): MemoryTable => {
    let found = existing(store);
    if (found === undefined) {
      found = new MemoryTable(now);
      found.version = clock;
      // Versions of an earlier store of this name (dropped or renamed away) are not this table's history.
      found.forgetHistoryBefore(clock);
      tables.set(store, found);
      const handle = handles.get(store);
      if (handle !== undefined) handle.table = found;
    }
    return found;
  };
  /*
   * The table of each store a dict reads through an entry reader (see entry-reader.ts), kept here
   * so the reader needs no lookup of the store. A handle whose table left (drop, rename, dispose)
   * is emptied and forgotten: its readers then take the general path, which is always right.
   */
  const handles = new Map<string, { table: MemoryTable | undefined }>();
  const forgetHandle = (store: string) => {
    const handle = handles.get(store);
    if (handle === undefined) return;
    handle.table = undefined;
    handles.delete(store);
  };
  const reader = (store: string): EntryReader => {
    let handle = handles.get(store);
    if (handle === undefined) {
      handle = { table: tables.get(store) };
      handles.set(store, handle);
    }
    const held = handle;
    const read: EntryReader = (key) => {
      const t = held.table;
      return t === undefined ? entryOf(existing(store), key) : t.live(key);
    };
    read.coversEveryKey = true;
    return read;
  };
  const get: SyncBackend["get"] & ReaderCarrier = (store, key) => entryOf(existing(store), key);
  get[ENTRY_READER] = (_source, store) => reader(store);
  const bump = (t: MemoryTable): number => {
    t.version = ++clock;
    return t.version;
  };
  const expiry = (ttlMs: number | null | undefined): number | null => expiryAt(ttlMs, now());
  const entryOf = (t: MemoryTable | undefined, key: string): BackendEntry | undefined => t?.live(key);
  const page = (store: string, options: ListOptions | undefined) =>
    existing(store)?.page(options) ?? { slots: [], cursor: null };

  const backend: SyncBackend = {
    name: BACKEND_NAME,
    flags: { sync: true, ordered: true, persistent: false },

    get,
    getMany: (store, keys) => {
      const t = existing(store);
      return keys.map((key) => entryOf(t, key));
    },
    has: (store, key) => existing(store)?.live(key) !== undefined,

    set(store, key, value, writeOptions?: WriteOptions) {
      const t = table(store);
      const previous = t.live(key);
      if (previous === undefined && !t.fits(1, writeOptions?.maxKeys))
        throw limitError(writeOptions?.maxKeys ?? 0);
      const keep = writeOptions?.keepTtl === true && writeOptions.ttlMs === undefined;
      const expiresAt = keep ? (previous?.expiresAt ?? null) : expiry(writeOptions?.ttlMs);
      // `previous` is still current: nothing between `live` and here touches this key.
      t.writeOver(key, value, bump(t), expiresAt, previous);
      return t.version;
    },
    setMany(store, entries, writeOptions) {
      const t = table(store);
      const fresh = new Set(entries.filter((e) => t.live(e.key) === undefined).map((e) => e.key));
      // Only new keys count: a batch that adds none passes even a limit the store already exceeds.
      if (fresh.size > 0 && !t.fits(fresh.size, writeOptions?.maxKeys))
        throw limitError(writeOptions?.maxKeys ?? 0);
      const version = bump(t);
      for (const e of entries) t.write(e.key, e.value, version, expiry(e.ttlMs));
      return version;
    },
    delete(store, key) {
      const t = existing(store);
      if (t?.live(key) === undefined) return false;
      return t.remove(key, bump(t));
    },
    deleteMany(store, keys) {
      const t = existing(store);
      if (t === undefined) return keys.map(() => false);
      const live = keys.map((key) => t.live(key) !== undefined);
      if (!live.includes(true)) return live;
      const version = bump(t);
      return keys.map((key) => t.remove(key, version));
    },

    listKeys(store, options): KeyPage {
      const { slots, cursor } = page(store, options);
      return { keys: slots.map((s) => s.key), cursor };
    },
    listEntries(store, options): EntryPage {
      const { slots, cursor } = page(store, options);
      return { entries: slots, cursor };
    },
    count: (store) => existing(store)?.liveCount() ?? 0,
    clear(store) {
      const t = existing(store);
      if (t === undefined || t.liveCount() === 0) return;
      t.removeAll(bump(t));
    },
    getTtl: (store, key) => ttlLeft(existing(store)?.live(key), now()),
    setTtl(store, key, ttlMs) {
      const t = existing(store);
      const slot = t?.live(key);
      if (t === undefined || slot === undefined) return false;
      t.retime(key, slot, expiry(ttlMs), bump(t));
      return true;
    },

    version: (store) => existing(store)?.version ?? 0,
    changes: (store, since) =>
      existing(store)?.changesSince(since) ?? { version: 0, entries: [], deleted: [], reset: since !== 0 },
    load(store, filter): StoreSnapshot {
      const t = existing(store);
      if (t === undefined) return { version: 0, entries: [] };
      const entries =
        filter === undefined || (filter.keys === undefined && filter.prefixes === undefined)
          ? t.page({ limit: Number.MAX_SAFE_INTEGER }).slots
          : t.matching(filter.keys, filter.prefixes);
      return { version: t.version, entries };
    },
    commit(store, request: CommitRequest): CommitResult {
      const earlier = request.token === undefined ? undefined : tokens.get(request.token);
      if (earlier !== undefined) return earlier as CommitResult;
      return remember(request.token, applyCommit(store, request));
    },
    increment(store, request: IncrementRequest): IncrementResult {
      const earlier = request.token === undefined ? undefined : tokens.get(request.token);
      if (earlier !== undefined) return earlier as IncrementResult;
      const t = table(store);
      const previous = t.live(request.key);
      const sum = addToStoredNumber(previous?.value, request.by);
      if (sum === undefined) return { ok: false };
      if (previous === undefined && !t.fits(1, request.maxKeys)) throw limitError(request.maxKeys ?? 0);
      const version = bump(t);
      // The TTL survives: the new slot keeps the previous expiry.
      t.writeOver(request.key, sum.text, version, previous?.expiresAt ?? null, previous);
      const result: IncrementResult =
        request.since === undefined
          ? { ok: true, value: sum.value, version }
          : { ok: true, value: sum.value, version, changes: t.changesSince(request.since) };
      return remember(request.token, result);
    },

    listStores(): StoreInfo[] {
      return [...tables.entries()]
        .map(([name, t]) => ({ name, size: t.liveCount() }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    createStore(store) {
      if (tables.has(store)) return false;
      table(store);
      return true;
    },
    hasStore: (store) => tables.has(store),
    renameStore(from, to) {
      const t = tables.get(from);
      if (t === undefined)
        throw createError(BACKEND_NAME, "STORE_NOT_FOUND", `There is no store named "${from}".`);
      if (from === to) return;
      if (tables.has(to))
        throw createError(BACKEND_NAME, "STORE_EXISTS", `A store named "${to}" exists already.`);
      tables.delete(from);
      tables.set(to, t);
      forgetLast();
      forgetHandle(from);
      forgetHandle(to);
      bump(t);
      t.forgetHistoryBefore(t.version);
    },
    dropStore(store) {
      forgetLast();
      forgetHandle(store);
      if (!tables.delete(store)) return false;
      // A re-created store must start above every version the dropped one had.
      clock++;
      return true;
    },
    dispose() {
      forgetLast();
      for (const store of [...handles.keys()]) forgetHandle(store);
      tables.clear();
      tokens.clear();
    },
  };

  function applyCommit(store: string, request: CommitRequest): CommitResult {
    const t = table(store);
    const { conflicts, added } = planCommit(request, (key) => t.live(key));
    if (conflicts.length > 0) return { ok: false, conflicts };
    if (added > 0 && !t.fits(added, request.maxKeys)) throw limitError(request.maxKeys ?? 0);
    const version = bump(t);
    for (const write of request.writes) {
      if (write.type === "delete") {
        t.remove(write.key, version);
        continue;
      }
      t.write(write.key, write.value, version, expiryOfWrite(write, t.live(write.key), now()));
    }
    const changes = request.since === undefined ? undefined : t.changesSince(request.since);
    return changes === undefined ? { ok: true, version } : { ok: true, version, changes };
  }

  return backend;
};
