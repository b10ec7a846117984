import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStore, type DataStore } from "@dictstore/core";
import { type SqliteBackendOptions, sqliteBackend } from "@dictstore/sqlite";
import { filler, plainRecord } from "../fixtures.ts";
import type { BenchCase } from "../harness.ts";

/*
 * The SQLite backend through the dict (`store.k`, `"k" in store`, `store.k = v`) against the very
 * statements it runs, prepared and run on better-sqlite3 directly (target ≤ 1.5×): the gap is what
 * the dict, the codec and the backend's JavaScript add. Setup checks, by tracing both, that the
 * baseline really runs the same statements. Context rows: the same ops on the simplest possible
 * table (one `key → value` table, a single upsert in autocommit) and on the memory backend.
 * Every case uses the clock chosen on the command line (CPU by default, user + system: it counts
 * the write() calls into the WAL). The wall clock would add the checkpoint fsyncs, but both sides of
 * a write case do the same checkpoints, and on a shared VM it cannot judge a 1.5× target: two
 * identical raw writers on two files measured 0.5–0.8× against each other on the wall clock (per-
 * round ratios spread 0.3–1.6), 0.94× (0.81–1.11) on the CPU clock. `--clock wall` is there to look.
 */

/** The slice of the better-sqlite3 API the baselines use (the repo root has no @types for it). */
interface RawStatement {
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): unknown;
  pluck(): RawStatement;
}
interface RawDatabase {
  prepare(sql: string): RawStatement;
  pragma(sql: string): unknown;
  exec(sql: string): unknown;
  transaction<TArgs extends unknown[]>(fn: (...args: TArgs) => void): { immediate(...args: TArgs): void };
  close(): void;
}
type RawDatabaseClass = new (path: string, options?: { verbose?: (sql: unknown) => void }) => RawDatabase;
const BetterSqlite3 = createRequire(import.meta.url)("better-sqlite3") as RawDatabaseClass;

const STORE = "bench";

/** The statements the backend runs for a read, an `in` and an overwrite without TTL (checked in setup). */
const SQL = {
  read: "SELECT value, version, expires_at AS expiresAt FROM dictstore_entries WHERE store = ? AND key = ?",
  has: "SELECT expires_at FROM dictstore_entries WHERE store = ? AND key = ?",
  storeRow:
    "SELECT version, size, tombstones, floor, next_expiry AS nextExpiry FROM dictstore_stores WHERE name = ?",
  writeRow: "SELECT seq, version, expires_at AS expiresAt FROM dictstore_entries WHERE store = ? AND key = ?",
  updateEntry: "UPDATE dictstore_entries SET value = ?, version = ?, expires_at = ? WHERE seq = ?",
  updateStore:
    "UPDATE dictstore_stores SET version = ?, size = ?, tombstones = ?, floor = ?, next_expiry = ? WHERE name = ?",
};

interface StoreRowShape {
  version: number;
  size: number;
  tombstones: number;
  floor: number;
  nextExpiry: number | null;
}

let dir: string | undefined;

/** A fresh database file in the group's temporary directory, in WAL mode like the backend's. */
function freshPath(): string {
  dir ??= mkdtempSync(join(tmpdir(), "dictstore-bench-sqlite-"));
  return join(dir, `${Math.random().toString(36).slice(2)}.db`);
}

/** Removes the group's database files. */
export async function groupTeardown(): Promise<void> {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}

/** A dict over a fresh SQLite file holding 1,000 filler keys and one record under "present". */
function sqliteStore(): { store: DataStore; path: string; dispose: () => void } {
  const path = freshPath();
  const backend = sqliteBackend({ path });
  const store = createStore({ backend, name: STORE });
  store.update(Object.fromEntries(filler(1000)));
  store.present = plainRecord();
  return { store, path, dispose: () => backend.dispose?.() };
}

/** A dict as `sqliteStore` makes it and a raw connection to its file; the teardown closes both. */
function storeAndRawConnection() {
  const { store, path, dispose } = sqliteStore();
  const db = rawConnection(path);
  return { store, db, teardown: closeBoth(db, dispose) };
}

/** A teardown that closes a raw connection, then the dict's backend. */
function closeBoth(db: RawDatabase, dispose: () => void): () => void {
  return () => {
    db.close();
    dispose();
  };
}

/** A raw connection to the same file with the backend's pragmas. */
function rawConnection(path: string, verbose?: (sql: unknown) => void): RawDatabase {
  const db = new BetterSqlite3(path, verbose === undefined ? {} : { verbose });
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  return db;
}

/** The overwrite transaction the backend runs for `store[key] = value` on an existing key without TTL. */
function rawWriter(db: RawDatabase) {
  const storeRow = db.prepare(SQL.storeRow);
  const writeRow = db.prepare(SQL.writeRow);
  const updateEntry = db.prepare(SQL.updateEntry);
  const updateStore = db.prepare(SQL.updateStore);
  const write = db.transaction((store: string, key: string, text: string) => {
    const row = storeRow.get(store) as StoreRowShape;
    const current = writeRow.get(store, key) as { seq: number };
    const version = row.version + 1;
    updateEntry.run(text, version, null, current.seq);
    updateStore.run(version, row.size, row.tombstones, row.floor, row.nextExpiry, store);
  });
  return (store: string, key: string, value: unknown) => write.immediate(store, key, JSON.stringify(value));
}

/** SQL text with its literal values replaced, to compare what two traced runs executed. */
function shape(sql: unknown): string {
  return String(sql)
    .replace(/'(?:[^']|'')*'/g, "?")
    .replace(/\b\d+(?:\.\d+)?\b/g, "?")
    .replace(/\bNULL\b/g, "?");
}

/** Throws if the backend's overwrite no longer runs exactly the baseline's statements. */
function checkSameStatements(): void {
  const traced = { backend: [] as string[], raw: [] as string[] };
  const path = freshPath();
  const backendDb = rawConnection(path, (sql) => traced.backend.push(shape(sql)));
  const backend = sqliteBackend({
    database: backendDb as unknown as NonNullable<SqliteBackendOptions["database"]>,
  });
  backend.set(STORE, "k", "1");
  traced.backend.length = 0;
  backend.set(STORE, "k", "2");
  const rawDb = rawConnection(path, (sql) => traced.raw.push(shape(sql)));
  const write = rawWriter(rawDb);
  traced.raw.length = 0; // the connection's own pragmas
  write(STORE, "k", 3);
  backendDb.close();
  rawDb.close();
  if (JSON.stringify(traced.backend) !== JSON.stringify(traced.raw)) {
    throw new Error(
      `sqlite bench: the baseline no longer runs the backend's statements.\nbackend: ${traced.backend.join("; ")}\nbaseline: ${traced.raw.join("; ")}`,
    );
  }
}

/** The simplest possible table: what a hand-written key-value store on better-sqlite3 would do. */
function naiveTable(path: string) {
  const db = rawConnection(path);
  db.exec("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  const get = db.prepare("SELECT value FROM kv WHERE key = ?");
  const has = db.prepare("SELECT 1 FROM kv WHERE key = ?");
  const put = db.prepare(
    "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  for (const [key, value] of filler(1000)) put.run(key, JSON.stringify(value));
  put.run("present", JSON.stringify(plainRecord()));
  return {
    db,
    read: (key: string) => {
      const row = get.get(key) as { value: string } | undefined;
      return row === undefined ? undefined : JSON.parse(row.value);
    },
    has: (key: string) => has.get(key) !== undefined,
    write: (key: string, value: unknown) => put.run(key, JSON.stringify(value)),
  };
}

/** A memory-backend dict with the same contents. */
function memoryStore(): DataStore {
  const store = createStore();
  store.update(Object.fromEntries(filler(1000)));
  store.present = plainRecord();
  return store;
}

export const cases: BenchCase[] = [
  {
    target: "SQ1",
    name: "SQLite dict read store.k (object)",
    baselineName: "same SELECT + JSON.parse, better-sqlite3",
    maxRatio: 1.5,
    setup() {
      const { store, db, teardown } = storeAndRawConnection();
      const read = db.prepare(SQL.read);
      return {
        measured: () => store.present,
        baseline: () => {
          const row = read.get(STORE, "present") as { value: string; expiresAt: number | null } | undefined;
          return row === undefined || (row.expiresAt !== null && row.expiresAt <= Date.now())
            ? undefined
            : JSON.parse(row.value);
        },
        teardown,
      };
    },
  },
  {
    target: "SQ2",
    name: 'SQLite "k" in store',
    baselineName: "same SELECT, better-sqlite3",
    maxRatio: 1.5,
    setup() {
      const { store, db, teardown } = storeAndRawConnection();
      const has = db.prepare(SQL.has).pluck();
      return {
        measured: () => "present" in store,
        baseline: () => {
          const expiresAt = has.get(STORE, "present") as number | null | undefined;
          return expiresAt !== undefined && (expiresAt === null || expiresAt > Date.now());
        },
        teardown,
      };
    },
  },
  {
    target: "SQ3",
    name: "SQLite dict write store.k = object (overwrite)",
    baselineName: "same transaction (BEGIN IMMEDIATE, 4 statements), better-sqlite3",
    maxRatio: 1.5,
    setup() {
      checkSameStatements();
      const { store, dispose } = sqliteStore();
      // The baseline writes its own copy of the file, so each side pays exactly its own checkpoints.
      const copy = sqliteStore();
      copy.dispose();
      const db = rawConnection(copy.path);
      const write = rawWriter(db);
      const value = plainRecord();
      return {
        measured: () => {
          store.present = value;
        },
        baseline: () => write(STORE, "present", value),
        teardown: closeBoth(db, dispose),
      };
    },
  },
  {
    target: "SQ1",
    name: "SQLite dict read store.k (object)",
    baselineName: "naive kv table: SELECT value + JSON.parse",
    setup() {
      const { store, path, dispose } = sqliteStore();
      const naive = naiveTable(path);
      return {
        measured: () => store.present,
        baseline: () => naive.read("present"),
        teardown: closeBoth(naive.db, dispose),
      };
    },
  },
  {
    target: "SQ3",
    name: "SQLite dict write store.k = object (overwrite)",
    baselineName: "naive kv table: one upsert, autocommit",
    setup() {
      const { store, dispose } = sqliteStore();
      const naive = naiveTable(freshPath());
      const value = plainRecord();
      return {
        measured: () => {
          store.present = value;
        },
        baseline: () => naive.write("present", value),
        teardown: closeBoth(naive.db, dispose),
      };
    },
  },
  {
    target: "SQ1",
    name: "SQLite dict read store.k (object)",
    baselineName: "memory dict read store.k",
    setup() {
      const { store, dispose } = sqliteStore();
      const memory = memoryStore();
      return { measured: () => store.present, baseline: () => memory.present, teardown: dispose };
    },
  },
  {
    target: "SQ2",
    name: 'SQLite "k" in store',
    baselineName: 'memory "k" in store',
    setup() {
      const { store, dispose } = sqliteStore();
      const memory = memoryStore();
      return { measured: () => "present" in store, baseline: () => "present" in memory, teardown: dispose };
    },
  },
  {
    target: "SQ3",
    name: "SQLite dict write store.k = object (overwrite)",
    baselineName: "memory dict write store.k = object",
    setup() {
      const { store, dispose } = sqliteStore();
      const memory = memoryStore();
      const value = plainRecord();
      return {
        measured: () => {
          store.present = value;
        },
        baseline: () => {
          memory.present = value;
        },
        teardown: dispose,
      };
    },
  },
  {
    target: "SQ4",
    name: "SQLite open a 100,000-key file (quick_check at open)",
    baselineName: "the same open without the check (integrityCheckMaxBytes: 0)",
    rounds: 10,
    setup() {
      // 100,000 keys of ~400 bytes (≈ 48 MB): what opening costs once every page is checked.
      const path = freshPath();
      const backend = sqliteBackend({ path });
      const store = createStore({ backend, name: STORE });
      const text = "x".repeat(400);
      for (let start = 0; start < 100_000; start += 10_000)
        store.update(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${start + i}`, text])));
      backend.dispose?.();
      return {
        measured: () => sqliteBackend({ path }).dispose?.(),
        baseline: () => sqliteBackend({ path, integrityCheckMaxBytes: 0 }).dispose?.(),
      };
    },
  },
];
