import type BetterSqlite3 from "better-sqlite3";

/** An entry row as the read statements return it: already shaped like a `BackendEntry`. */
export interface EntryRow {
  readonly value: string;
  readonly version: number;
  readonly expiresAt: number | null;
}

/** A listed row: an entry plus its key and insertion sequence (the cursor). */
export interface ListedRow extends EntryRow {
  readonly seq: number;
  readonly key: string;
}

/** What a write needs to know about a key's current row. */
export interface WriteRow {
  readonly seq: number;
  readonly version: number;
  readonly expiresAt: number | null;
}

/** A store's bookkeeping row; see schema.ts. */
export interface StoreRow {
  readonly version: number;
  readonly size: number;
  readonly tombstones: number;
  readonly floor: number;
  readonly nextExpiry: number | null;
}

/** A prepared statement taking `TParams` and returning `TResult` rows (or values, when plucked). */
export type Prepared<TParams extends unknown[], TResult> = BetterSqlite3.Statement<TParams, TResult>;

/** (store, afterSeq, endSeq, now, limit) */
export type PageParams = [string, number, number, number, number];

/**
 * (store, from, below, endSeq, now, limit): keys in [from, below), in key order. `below` is a string,
 * or an empty BLOB for "no upper bound": SQLite orders every TEXT below every BLOB.
 */
export type RangeParams = [string, string, string | Buffer, number, number, number];

const ENTRY_COLUMNS = "value, version, expires_at AS expiresAt";
const LIVE = "(expires_at IS NULL OR expires_at > ?)";

/** A statement's SQL, whether to pluck its first column, and (as types only) its parameters and result. */
interface Spec<TParams extends unknown[], TResult> {
  readonly sql: string;
  readonly pluck: boolean;
  readonly types?: (params: TParams) => TResult;
}

const s = <TParams extends unknown[], TResult = unknown>(
  sql: string,
  pluck = false,
): Spec<TParams, TResult> => ({
  sql,
  pluck,
});

/** Every statement the backend runs. */
const SPECS = {
  // --- reads ---
  getEntry: s<[string, string], EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM dictstore_entries WHERE store = ? AND key = ?`,
  ),
  getExpiry: s<[string, string], number | null>(
    "SELECT expires_at FROM dictstore_entries WHERE store = ? AND key = ?",
    true,
  ),
  /** Live rows in (afterSeq, endSeq], in insertion order: (store, afterSeq, endSeq, now, limit). */
  page: s<PageParams, ListedRow>(
    `SELECT seq, key, ${ENTRY_COLUMNS} FROM dictstore_entries
       WHERE store = ? AND seq > ? AND seq <= ? AND ${LIVE} ORDER BY seq LIMIT ?`,
  ),
  /** Every live row, in insertion order: (store, now). */
  loadAll: s<[string, number], ListedRow>(
    `SELECT seq, key, ${ENTRY_COLUMNS} FROM dictstore_entries WHERE store = ? AND ${LIVE} ORDER BY seq`,
  ),
  /** One live row with its key and sequence: (store, key, now). */
  keyRow: s<[string, string, number], ListedRow>(
    `SELECT seq, key, ${ENTRY_COLUMNS} FROM dictstore_entries WHERE store = ? AND key = ? AND ${LIVE}`,
  ),
  /** `page` without the values. */
  pageKeys: s<PageParams, { seq: number; key: string }>(
    `SELECT seq, key FROM dictstore_entries
       WHERE store = ? AND seq > ? AND seq <= ? AND ${LIVE} ORDER BY seq LIMIT ?`,
  ),
  /**
   * Live rows with keys in [from, below) and seq <= endSeq, in key order: a range of the
   * (store, key) index, so the cost follows the rows in the range, not the store.
   */
  range: s<RangeParams, ListedRow>(
    `SELECT seq, key, ${ENTRY_COLUMNS} FROM dictstore_entries
       WHERE store = ? AND key >= ? AND key < ? AND seq <= ? AND ${LIVE} ORDER BY key LIMIT ?`,
  ),
  /** `range` without the values. */
  rangeKeys: s<RangeParams, { seq: number; key: string }>(
    `SELECT seq, key FROM dictstore_entries
       WHERE store = ? AND key >= ? AND key < ? AND seq <= ? AND ${LIVE} ORDER BY key LIMIT ?`,
  ),
  /** The highest sequence number in use: where a listing that starts now ends. */
  lastSeq: s<[], number | null>("SELECT max(seq) FROM dictstore_entries", true),
  /** Live rows written after a version: (store, since, now). */
  changedSince: s<[string, number, number], ListedRow>(
    `SELECT seq, key, ${ENTRY_COLUMNS} FROM dictstore_entries
       WHERE store = ? AND version > ? AND ${LIVE} ORDER BY seq`,
  ),
  deletedSince: s<[string, number], string>(
    "SELECT key FROM dictstore_tombstones WHERE store = ? AND version > ?",
    true,
  ),
  countExpired: s<[string, number], number>(
    "SELECT count(*) FROM dictstore_entries WHERE store = ? AND expires_at <= ?",
    true,
  ),
  store: s<[string], StoreRow>(
    `SELECT version, size, tombstones, floor, next_expiry AS nextExpiry FROM dictstore_stores WHERE name = ?`,
  ),
  allStores: s<[], StoreRow & { name: string }>(
    "SELECT name, version, size, tombstones, floor, next_expiry AS nextExpiry FROM dictstore_stores",
  ),
  clock: s<[], number>("SELECT value FROM dictstore_meta WHERE name = 'clock'", true),
  token: s<[string], string>("SELECT result FROM dictstore_tokens WHERE token = ?", true),

  // --- writes (always inside a BEGIN IMMEDIATE transaction) ---
  writeRow: s<[string, string], WriteRow>(
    "SELECT seq, version, expires_at AS expiresAt FROM dictstore_entries WHERE store = ? AND key = ?",
  ),
  insertEntry: s<[string, string, string, number, number | null], never>(
    "INSERT INTO dictstore_entries (store, key, value, version, expires_at) VALUES (?, ?, ?, ?, ?)",
  ),
  updateEntry: s<[string, number, number | null, number], never>(
    "UPDATE dictstore_entries SET value = ?, version = ?, expires_at = ? WHERE seq = ?",
  ),
  retimeEntry: s<[number, number | null, number], never>(
    "UPDATE dictstore_entries SET version = ?, expires_at = ? WHERE seq = ?",
  ),
  deleteEntry: s<[number], never>("DELETE FROM dictstore_entries WHERE seq = ?"),
  /** Reclaims expired rows: (store, now). */
  sweep: s<[string, number], { key: string; version: number }>(
    "DELETE FROM dictstore_entries WHERE store = ? AND expires_at <= ? RETURNING key, version",
  ),
  minExpiry: s<[string], number | null>(
    "SELECT min(expires_at) FROM dictstore_entries WHERE store = ? AND expires_at IS NOT NULL",
    true,
  ),
  clearEntries: s<[string], never>("DELETE FROM dictstore_entries WHERE store = ?"),
  putTombstone: s<[string, string, number], never>(
    `INSERT INTO dictstore_tombstones (store, key, version) VALUES (?, ?, ?)
       ON CONFLICT (store, key) DO UPDATE SET version = excluded.version`,
  ),
  /** A tombstone for every row of the store: (version, store). */
  tombstoneAll: s<[number, string], never>(
    `INSERT INTO dictstore_tombstones (store, key, version)
       SELECT store, key, ? FROM dictstore_entries WHERE store = ?
       ON CONFLICT (store, key) DO UPDATE SET version = excluded.version`,
  ),
  dropTombstone: s<[string, string], never>("DELETE FROM dictstore_tombstones WHERE store = ? AND key = ?"),
  /** The version at an offset in version order: where trimming stops. */
  tombstoneAt: s<[string, number], number>(
    "SELECT version FROM dictstore_tombstones WHERE store = ? ORDER BY version LIMIT 1 OFFSET ?",
    true,
  ),
  trimTombstones: s<[string, number], never>(
    "DELETE FROM dictstore_tombstones WHERE store = ? AND version <= ?",
  ),
  clearTombstones: s<[string], never>("DELETE FROM dictstore_tombstones WHERE store = ?"),
  insertStore: s<[string, number, number, number, number, number | null], never>(
    "INSERT INTO dictstore_stores (name, version, size, tombstones, floor, next_expiry) VALUES (?, ?, ?, ?, ?, ?)",
  ),
  updateStore: s<[number, number, number, number, number | null, string], never>(
    "UPDATE dictstore_stores SET version = ?, size = ?, tombstones = ?, floor = ?, next_expiry = ? WHERE name = ?",
  ),
  deleteStore: s<[string], never>("DELETE FROM dictstore_stores WHERE name = ?"),
  renameEntries: s<[string, string], never>("UPDATE dictstore_entries SET store = ? WHERE store = ?"),
  renameTombstones: s<[string, string], never>("UPDATE dictstore_tombstones SET store = ? WHERE store = ?"),
  renameStore: s<[string, number, number, string], never>(
    "UPDATE dictstore_stores SET name = ?, version = ?, floor = ? WHERE name = ?",
  ),
  raiseClock: s<[number], never>("UPDATE dictstore_meta SET value = max(value, ?) WHERE name = 'clock'"),
  putToken: s<[string, string], never>("INSERT INTO dictstore_tokens (token, result) VALUES (?, ?)"),
  trimTokens: s<[number], never>("DELETE FROM dictstore_tokens WHERE seq <= ?"),
};

/** The prepared statements of one connection, by name. */
export type Statements = {
  readonly [TName in keyof typeof SPECS]: (typeof SPECS)[TName] extends Spec<infer TParams, infer TResult>
    ? Prepared<TParams, TResult>
    : never;
};

/** Prepares every statement once per connection (`pluck`: return the first column instead of a row). */
export function prepareStatements(db: BetterSqlite3.Database): Statements {
  const prepared: Record<string, Prepared<unknown[], unknown>> = {};
  for (const [name, spec] of Object.entries(SPECS)) {
    const statement = db.prepare<unknown[], unknown>(spec.sql);
    prepared[name] = spec.pluck ? statement.pluck() : statement;
  }
  return prepared as Statements;
}
