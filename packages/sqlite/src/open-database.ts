import { createError, createRequiredError } from "@dictstore/core";
import BetterSqlite3, { type Database } from "better-sqlite3";
import { corruptError, toStoreError } from "./errors.ts";
import {
  BACKEND_NAME,
  SQLITE_DEFAULTS,
  type SqliteBackendOptions,
  type SqliteSynchronous,
} from "./options.ts";
import { ensureSchema } from "./schema.ts";

/** An open connection and whether the backend owns it. */
export interface OpenedDatabase {
  readonly db: Database;
  readonly owned: boolean;
  readonly readonly: boolean;
}

const SYNCHRONOUS_LEVELS: readonly SqliteSynchronous[] = ["off", "normal", "full", "extra"];

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs a setup step, retrying while another process holds a lock it needs: switching a fresh file
 * to WAL or creating the tables can meet SQLITE_BUSY even with a busy timeout, when two processes
 * open the same new file at the same moment. Only at open, so the short blocking sleep is harmless.
 */
function withBusyRetry<T>(step: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return step();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const busy =
        typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
      if (!busy || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, Math.min(50, 2 ** attempt));
    }
  }
}

function checkOptions(options: SqliteBackendOptions): void {
  if (options.synchronous !== undefined && !SYNCHRONOUS_LEVELS.includes(options.synchronous)) {
    throw createError(
      BACKEND_NAME,
      "INVALID_ARGUMENT",
      `Option synchronous must be one of ${SYNCHRONOUS_LEVELS.join(", ")}; got ${String(options.synchronous)}.`,
    );
  }
  const timeout = options.busyTimeoutMs;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 0)) {
    throw createError(
      BACKEND_NAME,
      "INVALID_ARGUMENT",
      `Option busyTimeoutMs must be an integer ≥ 0; got ${String(timeout)}.`,
    );
  }
}

function openFile(path: string, readonly: boolean, timeout: number): Database {
  try {
    return new BetterSqlite3(path, { readonly, fileMustExist: readonly, timeout });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const native = /bindings|\.node\b|NODE_MODULE_VERSION|was compiled against/i.test(message);
    // The native module is built by better-sqlite3's install script, which npm (install-scripts
    // approval), pnpm (onlyBuiltDependencies) and --ignore-scripts may skip without failing the install.
    const hint = native
      ? " The better-sqlite3 native module is missing or was built for another Node.js: run `npm rebuild better-sqlite3` (or pnpm rebuild / yarn rebuild), after allowing its install script if your package manager skips install scripts."
      : "";
    // The list of paths `bindings` tried stays on `cause`.
    const reason = native ? (message.split("\n")[0] as string) : message;
    throw createError(
      BACKEND_NAME,
      "BACKEND_UNAVAILABLE",
      `Could not open the SQLite database "${path}".${hint} (${reason})`,
      {
        cause: error,
      },
    );
  }
}

/**
 * A damaged file is named at open rather than used silently: SQLite's `PRAGMA quick_check` (every
 * page and row format, without the index cross-checks of integrity_check) on files up to
 * `integrityCheckMaxBytes`; larger files get only the header and schema read at open, and their
 * damage is reported as `CORRUPT` by the first operation that meets it.
 */
function checkIntegrity(db: Database, options: SqliteBackendOptions): void {
  const limit = options.integrityCheckMaxBytes ?? SQLITE_DEFAULTS.integrityCheckMaxBytes;
  if (limit <= 0) return;
  // Reading the page count reads the header: a file that is not a database fails here (SQLITE_NOTADB).
  const pages = db.pragma("page_count", { simple: true }) as number;
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  if (pages * pageSize > limit) return;
  const problems = (db.pragma("quick_check(5)") as { quick_check: string }[]).map((row) => row.quick_check);
  if (problems.length === 1 && problems[0] === "ok") return;
  const file = options.path ?? db.name;
  throw corruptError(file, `Opening the SQLite database "${file}"`, `quick_check: ${problems.join("; ")}`);
}

/** Opens (or adopts) the connection, sets WAL, durability and busy timeout, and makes sure the tables exist. */
export function openDatabase(options: SqliteBackendOptions): OpenedDatabase {
  checkOptions(options);
  const injected = options.database;
  if (injected === undefined && (options.path === undefined || options.path === "")) {
    throw createRequiredError(BACKEND_NAME, ["path", "database"]);
  }
  const timeout = options.busyTimeoutMs ?? SQLITE_DEFAULTS.busyTimeoutMs;
  const readonly = options.readonly === true || injected?.readonly === true;
  const db = injected ?? openFile(options.path as string, readonly, timeout);
  try {
    if (injected === undefined || options.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${timeout}`);
    if (injected === undefined && !readonly) {
      // WAL: readers never block the writer nor each other, and a commit is one append to the log.
      withBusyRetry(() => db.pragma("journal_mode = WAL"), timeout);
      // Bounds the log file once a checkpoint has emptied it (it is reused, not shrunk, otherwise).
      db.pragma("journal_size_limit = 67108864");
    }
    if (injected === undefined || options.synchronous !== undefined) {
      db.pragma(`synchronous = ${options.synchronous ?? SQLITE_DEFAULTS.synchronous}`);
    }
    checkIntegrity(db, options);
    withBusyRetry(() => ensureSchema(db, readonly), timeout);
  } catch (error) {
    if (injected === undefined) db.close();
    const file = options.path ?? db.name;
    throw toStoreError(error, `Opening the SQLite database "${file}"`, file);
  }
  return { db, owned: injected === undefined, readonly };
}
