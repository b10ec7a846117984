import { createError } from "@dictstore/core";
import type { Database } from "better-sqlite3";
import { BACKEND_NAME } from "./options.ts";

/** The layout this code reads and writes; stored in `dictstore_meta` as `schema`. */
export const SCHEMA_VERSION = 1;

/*
 * One file holds every store. Entries are one table, keyed by (store, key); the rowid `seq` is the
 * insertion order and the listing cursor (an update keeps it, delete + re-insert gets a new one;
 * AUTOINCREMENT: never reused, so a listing can leave out every row inserted after it began).
 * A store's row carries its version and counters, so a write never counts rows:
 * - `size`: rows in dictstore_entries, expired ones included until they are reclaimed;
 * - `next_expiry`: no row of the store expires before it (a lower bound, NULL when none expires),
 *   so a write knows in O(1) whether anything needs reclaiming;
 * - `tombstones`, `floor`: the bounded record of deletions that `changes` answers from.
 * There is deliberately no index on (store, version): it would cost every write about a third more,
 * and `changes` (a scan of one store, as in the memory backend) is not on any hot path of a
 * synchronous backend, which is always read directly.
 * `dictstore_meta.clock` is above every version of a store that was dropped, and at least the
 * version of every rename; a new store starts from it, so versions under one name never repeat.
 */
const TABLES = [
  `CREATE TABLE IF NOT EXISTS dictstore_meta (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS dictstore_stores (
    name TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    size INTEGER NOT NULL,
    tombstones INTEGER NOT NULL,
    floor INTEGER NOT NULL,
    next_expiry INTEGER
  ) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS dictstore_entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    store TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    version INTEGER NOT NULL,
    expires_at INTEGER,
    UNIQUE (store, key)
  )`,
  `CREATE TABLE IF NOT EXISTS dictstore_tombstones (
    store TEXT NOT NULL,
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (store, key)
  ) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS dictstore_tokens (
    seq INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    result TEXT NOT NULL
  )`,
];

const INDEXES = [
  "CREATE INDEX IF NOT EXISTS dictstore_entries_order ON dictstore_entries (store, seq)",
  "CREATE INDEX IF NOT EXISTS dictstore_entries_expiry ON dictstore_entries (store, expires_at) WHERE expires_at IS NOT NULL",
  "CREATE INDEX IF NOT EXISTS dictstore_tombstones_version ON dictstore_tombstones (store, version)",
];

function hasSchema(db: Database): boolean {
  const found = db
    .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'dictstore_meta'")
    .pluck()
    .get() as number;
  return found > 0;
}

function checkVersion(db: Database): void {
  const version = db.prepare("SELECT value FROM dictstore_meta WHERE name = 'schema'").pluck().get() as
    | number
    | undefined;
  if (version !== undefined && version > SCHEMA_VERSION) {
    throw createError(
      BACKEND_NAME,
      "BACKEND_UNAVAILABLE",
      `The database was written by a newer @dictstore/sqlite (layout ${version}; this one reads ${SCHEMA_VERSION}). Upgrade @dictstore/sqlite.`,
    );
  }
}

/**
 * Makes sure the tables exist. Read-write: created in one write transaction (two processes opening
 * a fresh file at once are serialized by the lock). Read-only on a file without them: empty TEMP
 * tables stand in, so reads answer "empty" instead of failing.
 */
export function ensureSchema(db: Database, readonly: boolean): void {
  if (hasSchema(db)) {
    checkVersion(db);
    return;
  }
  if (readonly) {
    for (const ddl of TABLES) db.exec(ddl.replace("CREATE TABLE", "CREATE TEMP TABLE"));
    return;
  }
  db.transaction(() => {
    for (const ddl of [...TABLES, ...INDEXES]) db.exec(ddl);
    db.prepare(
      "INSERT INTO dictstore_meta (name, value) VALUES ('schema', ?) ON CONFLICT (name) DO NOTHING",
    ).run(SCHEMA_VERSION);
    db.prepare(
      "INSERT INTO dictstore_meta (name, value) VALUES ('clock', 0) ON CONFLICT (name) DO NOTHING",
    ).run();
  }).immediate();
  checkVersion(db);
}
