import type {
  BackendContract,
  BackendEntry,
  BackendFactory,
  CommitRequest,
  CommitResult,
  EntryPage,
  IncrementRequest,
  IncrementResult,
  KeyPage,
  StoreInfo,
  StoreSnapshot,
  WriteOptions,
} from "@dictstore/core";
import {
  addToStoredNumber,
  completeBackend,
  createError,
  expiryAt,
  expiryOfWrite,
  planCommit,
  type StoreError,
  ttlLeft,
} from "@dictstore/core";
import { closedError, limitError, readOnlyError, toStoreError } from "./errors.ts";
import { openDatabase } from "./open-database.ts";
import { BACKEND_NAME, type SqliteBackendOptions } from "./options.ts";
import { changesOf, entryOf, liveSize, loadStore, readPage } from "./reads.ts";
import { prepareStatements } from "./statements.ts";
import { StoreTxn } from "./store-txn.ts";

/** How many commit results are kept for idempotency tokens (the oldest are forgotten first). */
const TOKEN_LIMIT = 10_000;

/** A write refused after its checks: the transaction commits what it did so far, then this is thrown. */
class Refused {
  constructor(readonly error: StoreError) {}
}

/**
 * The embedded persistent backend on better-sqlite3: synchronous, so `createStore` uses it directly
 * and every operation goes straight to the database file, always fresh and safe to share between
 * processes. WAL mode; every write is one `BEGIN IMMEDIATE` transaction, so concurrent writers
 * queue on the lock (up to `busyTimeoutMs`) instead of failing, and nothing is ever half-applied.
 */
export const sqliteBackend: BackendFactory<SqliteBackendOptions, true> = (options) => {
  const { db, owned, readonly } = openDatabase(options);
  const sql = prepareStatements(db);
  const now = options.now ?? Date.now;
  const file = options.path ?? db.name;
  let disposed = false;

  /** A method that maps every failure to a StoreError and refuses use after dispose. */
  const method =
    <TArgs extends unknown[], TResult>(action: string, body: (...args: TArgs) => TResult) =>
    (...args: TArgs): TResult => {
      if (disposed) throw closedError();
      try {
        return body(...args);
      } catch (error) {
        throw toStoreError(error, action, file);
      }
    };

  /**
   * A write: one BEGIN IMMEDIATE transaction, rolled back whole when anything in it throws. A body
   * that refuses (returns `Refused`) commits what it did so far, which is never more than creating
   * the store and reclaiming expired rows (as the memory backend does), then the error is thrown.
   */
  const writer = <TArgs extends unknown[], TResult>(
    action: string,
    body: (...args: TArgs) => TResult | Refused,
  ) => {
    const transaction = db.transaction(body).immediate;
    return method(action, (...args: TArgs): TResult => {
      if (readonly) throw readOnlyError();
      const result = transaction(...args);
      if (result instanceof Refused) throw result.error;
      return result;
    });
  };

  /** A multi-statement read: one deferred transaction, so every statement sees the same snapshot. */
  const reader = <TArgs extends unknown[], TResult>(action: string, body: (...args: TArgs) => TResult) =>
    method(action, db.transaction(body).deferred);

  const liveEntry = (store: string, key: string, at: number): BackendEntry | undefined => {
    const row = sql.getEntry.get(store, key);
    return row === undefined || (row.expiresAt !== null && row.expiresAt <= at) ? undefined : row;
  };

  const getMany = reader("Reading keys", (store: string, keys: readonly string[]) => {
    const at = now();
    return keys.map((key) => liveEntry(store, key, at));
  });

  const applyCommit = (t: StoreTxn, request: CommitRequest): CommitResult | Refused => {
    const { conflicts, added } = planCommit(request, (key) => t.live(key));
    if (conflicts.length > 0) return { ok: false, conflicts };
    if (added > 0 && !t.fits(added, request.maxKeys)) return new Refused(limitError(request.maxKeys ?? 0));
    const version = t.bump();
    for (const write of request.writes) {
      const row = t.live(write.key);
      if (write.type === "delete") {
        if (row !== undefined) t.remove(write.key, version, row);
        continue;
      }
      t.write(write.key, write.value, version, expiryOfWrite(write, row, t.now), row);
    }
    return { ok: true, version };
  };

  /** Answers a retried commit or increment from its first result; `undefined` for a new token. */
  const earlierResult = (token: string | undefined): string | undefined =>
    token === undefined ? undefined : sql.token.get(token);
  const rememberResult = (token: string | undefined, result: CommitResult | IncrementResult): void => {
    if (token === undefined) return;
    const seq = Number(sql.putToken.run(token, JSON.stringify(result)).lastInsertRowid);
    if (seq % 1000 === 0) sql.trimTokens.run(seq - TOKEN_LIMIT);
  };

  // Batches, clear and setTtl are left to the core, which derives them from `commit`.
  const backend: BackendContract<true> = {
    name: BACKEND_NAME,
    flags: { sync: true, ordered: true, persistent: !db.memory },

    get: method("Reading a key", (store: string, key: string) => liveEntry(store, key, now())),
    getMany,
    has: method("Checking a key", (store: string, key: string) => {
      const expiresAt = sql.getExpiry.get(store, key);
      return expiresAt !== undefined && (expiresAt === null || expiresAt > now());
    }),

    set: writer("Writing a key", (store: string, key: string, value: string, options?: WriteOptions) => {
      const t = StoreTxn.openOrCreate(sql, store, now());
      const previous = t.live(key);
      if (previous === undefined && !t.fits(1, options?.maxKeys)) {
        t.save();
        return new Refused(limitError(options?.maxKeys ?? 0));
      }
      const keep = options?.keepTtl === true && options.ttlMs === undefined;
      const expiresAt = keep ? (previous?.expiresAt ?? null) : expiryAt(options?.ttlMs, t.now);
      const version = t.bump();
      t.write(key, value, version, expiresAt, previous);
      t.save();
      return version;
    }),
    delete: writer("Deleting a key", (store: string, key: string) => {
      const t = StoreTxn.open(sql, store, now());
      const row = t?.live(key);
      if (t === undefined || row === undefined) {
        t?.save(); // keeps what opening reclaimed
        return false;
      }
      t.remove(key, t.bump(), row);
      t.save();
      return true;
    }),

    listKeys: method("Listing keys", (store: string, options): KeyPage => {
      const { rows, cursor } = readPage(
        sql,
        { all: sql.pageKeys, range: sql.rangeKeys },
        store,
        options,
        now(),
      );
      return { keys: rows.map((row) => row.key), cursor };
    }),
    listEntries: method("Listing entries", (store: string, options): EntryPage => {
      const { rows, cursor } = readPage(sql, { all: sql.page, range: sql.range }, store, options, now());
      return { entries: rows.map(entryOf), cursor };
    }),
    count: method("Counting keys", (store: string) => {
      const row = sql.store.get(store);
      return row === undefined ? 0 : liveSize(sql, store, row, now());
    }),
    getTtl: method("Reading a TTL", (store: string, key: string) => {
      const at = now();
      return ttlLeft(liveEntry(store, key, at), at);
    }),

    version: method("Reading a store version", (store: string) => sql.store.get(store)?.version ?? 0),
    changes: reader("Reading changes", (store: string, since: number) => {
      const row = sql.store.get(store);
      if (row === undefined) return { version: 0, entries: [], deleted: [], reset: since !== 0 };
      return changesOf(sql, store, row, since, now());
    }),
    load: reader("Loading a store", (store: string, filter): StoreSnapshot => {
      const row = sql.store.get(store);
      if (row === undefined) return { version: 0, entries: [] };
      return loadStore(sql, store, row.version, filter, now());
    }),
    commit: writer("Committing", (store: string, request: CommitRequest): CommitResult | Refused => {
      const earlier = earlierResult(request.token);
      if (earlier !== undefined) return JSON.parse(earlier) as CommitResult;
      const t = StoreTxn.openOrCreate(sql, store, now());
      let result = applyCommit(t, request);
      t.save();
      if (result instanceof Refused) return result;
      if (result.ok && request.since !== undefined) {
        result = {
          ok: true,
          version: result.version,
          changes: changesOf(sql, store, t, request.since, t.now),
        };
      }
      rememberResult(request.token, result);
      return result;
    }),
    // One IMMEDIATE transaction: no read before it, so concurrent increments queue on the lock
    // instead of conflicting.
    increment: writer(
      "Incrementing",
      (store: string, request: IncrementRequest): IncrementResult | Refused => {
        const earlier = earlierResult(request.token);
        if (earlier !== undefined) return JSON.parse(earlier) as IncrementResult;
        const t = StoreTxn.openOrCreate(sql, store, now());
        const row = t.live(request.key);
        const sum = addToStoredNumber(
          row === undefined ? undefined : sql.getEntry.get(store, request.key)?.value,
          request.by,
        );
        if (sum === undefined || (row === undefined && !t.fits(1, request.maxKeys))) {
          t.save(); // keeps what opening reclaimed
          return sum === undefined ? { ok: false } : new Refused(limitError(request.maxKeys ?? 0));
        }
        const version = t.bump();
        // The TTL survives: the row keeps its expiry.
        t.write(request.key, sum.text, version, row?.expiresAt ?? null, row);
        t.save();
        const result: IncrementResult =
          request.since === undefined
            ? { ok: true, value: sum.value, version }
            : {
                ok: true,
                value: sum.value,
                version,
                changes: changesOf(sql, store, t, request.since, t.now),
              };
        rememberResult(request.token, result);
        return result;
      },
    ),

    listStores: reader("Listing stores", (): StoreInfo[] => {
      const at = now();
      return sql.allStores
        .all()
        .map((row) => ({ name: row.name, size: liveSize(sql, row.name, row, at) }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }),
    createStore: writer("Creating a store", (store: string) => {
      if (sql.store.get(store) !== undefined) return false;
      StoreTxn.openOrCreate(sql, store, now()).save();
      return true;
    }),
    hasStore: method("Checking a store", (store: string) => sql.store.get(store) !== undefined),
    renameStore: writer("Renaming a store", (from: string, to: string) => {
      const row = sql.store.get(from);
      if (row === undefined)
        throw createError(BACKEND_NAME, "STORE_NOT_FOUND", `There is no store named "${from}".`);
      if (from === to) return;
      if (sql.store.get(to) !== undefined) {
        throw createError(BACKEND_NAME, "STORE_EXISTS", `A store named "${to}" exists already.`);
      }
      // A rename is a write (a new version), and the history before it is not the new name's. The
      // old name may be re-created: it starts from the clock, so at least at this version.
      const version = Math.max(sql.clock.get() ?? 0, row.version) + 1;
      sql.raiseClock.run(version);
      sql.renameEntries.run(to, from);
      sql.renameTombstones.run(to, from);
      sql.renameStore.run(to, version, version, from);
    }),
    dropStore: writer("Dropping a store", (store: string) => {
      const row = sql.store.get(store);
      if (row === undefined) return false;
      sql.clearEntries.run(store);
      sql.clearTombstones.run(store);
      sql.deleteStore.run(store);
      // A re-created store must start above every version the dropped one had.
      sql.raiseClock.run(row.version + 1);
      return true;
    }),

    dispose() {
      if (disposed) return;
      disposed = true;
      if (owned) db.close();
    },
  };
  return completeBackend(backend);
};
