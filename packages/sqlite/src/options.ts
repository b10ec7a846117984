import type { Database } from "better-sqlite3";

/**
 * How hard SQLite works to make a commit survive (SQLite's `PRAGMA synchronous`, in WAL mode):
 * - `"normal"`: a commit is in the WAL file before the write returns, so it survives the process
 *   being killed at any moment; a power loss or OS crash may roll back the last few commits (never
 *   corrupts). The fsyncs happen at checkpoints only.
 * - `"full"` / `"extra"`: also fsync the WAL on every commit, so a commit survives power loss and
 *   OS crashes too, at the price of one fsync per write.
 * - `"off"`: never fsync. Still survives a process crash, but an OS crash or power loss may corrupt
 *   the database. For scratch data only.
 */
export type SqliteSynchronous = "off" | "normal" | "full" | "extra";

/** Options of `sqliteBackend`. */
export interface SqliteBackendOptions {
  /**
   * The database file, created when missing (its directory must exist). `":memory:"` keeps the data
   * in this connection only. Required unless `database` is given.
   */
  path?: string;
  /**
   * An open better-sqlite3 `Database` to use instead of opening `path`. It is never closed by the
   * backend, and its pragmas are changed only when `synchronous` or `busyTimeoutMs` are given.
   */
  database?: Database;
  /** Durability of each commit; see `SqliteSynchronous`. @default "normal" */
  synchronous?: SqliteSynchronous;
  /**
   * How long a write waits for another connection (or process) holding the write lock before it
   * fails with `BACKEND_UNAVAILABLE`. @default 5000
   */
  busyTimeoutMs?: number;
  /** The clock for TTLs, in epoch milliseconds; tests may pass a fake one. @default Date.now */
  now?: () => number;
  /** Open the file read-only: every write throws `READ_ONLY`. The file must exist. @default false */
  readonly?: boolean;
  /**
   * Files up to this size are checked with SQLite's `PRAGMA quick_check` when opened, so a damaged
   * file fails at once with `CORRUPT` instead of being used; larger files are checked as they are
   * read. 0 turns the check off. @default 67108864 (64 MiB; `pnpm bench -- --filter SQ4` measures what the check costs)
   */
  integrityCheckMaxBytes?: number;
}

/** The documented defaults. */
export const SQLITE_DEFAULTS = {
  synchronous: "normal",
  busyTimeoutMs: 5000,
  integrityCheckMaxBytes: 64 * 1024 * 1024,
} as const satisfies Required<
  Pick<SqliteBackendOptions, "synchronous" | "busyTimeoutMs" | "integrityCheckMaxBytes">
>;

/** The one name every error of this backend carries. */
export const BACKEND_NAME = "sqlite";
