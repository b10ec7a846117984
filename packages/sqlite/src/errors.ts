import { createError, isStoreError, type StoreError, type StoreErrorCode } from "@dictstore/core";
import { BACKEND_NAME } from "./options.ts";

/** better-sqlite3's error: a message plus SQLite's extended result code, e.g. `SQLITE_BUSY_SNAPSHOT`. */
interface SqliteLikeError {
  readonly code?: unknown;
  readonly message?: unknown;
}

/** Which StoreError code an SQLite result code becomes, by its primary code. */
const CODE_MAP: Readonly<Record<string, StoreErrorCode>> = {
  SQLITE_READONLY: "READ_ONLY",
  SQLITE_FULL: "CAPACITY",
  SQLITE_TOOBIG: "LIMIT_EXCEEDED",
  SQLITE_AUTH: "AUTH_FAILED",
  SQLITE_PERM: "AUTH_FAILED",
};

/** What to tell the user for the codes whose SQLite message says too little. */
const HINTS: Readonly<Record<string, string>> = {
  SQLITE_BUSY: "The database stayed locked by another connection for longer than busyTimeoutMs.",
  SQLITE_LOCKED: "The database stayed locked by another connection for longer than busyTimeoutMs.",
  SQLITE_FULL: "The disk (or the database's size limit) is full; nothing was written.",
  SQLITE_READONLY: "The database file cannot be written (opened read-only, or no write permission).",
  SQLITE_CANTOPEN:
    "The database file could not be opened (does its directory exist, and may we write to it?).",
};

function primaryCode(error: SqliteLikeError): string | undefined {
  if (typeof error.code !== "string" || !error.code.startsWith("SQLITE_")) return undefined;
  const [, primary] = /^(SQLITE_[A-Z]+)/.exec(error.code) ?? [];
  return primary;
}

/** SQLite's result codes for a file whose content is damaged or not a database at all. */
const CORRUPT_CODES: ReadonlySet<string> = new Set(["SQLITE_CORRUPT", "SQLITE_NOTADB"]);

/**
 * The error for a damaged database file: `CORRUPT`, which no caller retries (waiting cannot heal a
 * file), naming the file and what to do about it.
 */
export function corruptError(file: string, action: string, detail: string, cause?: unknown): StoreError {
  return createError(
    BACKEND_NAME,
    "CORRUPT",
    `${action} failed: the SQLite file "${file}" is damaged or is not an SQLite database (${detail}). ` +
      "Retrying will not help. Stop writing to it, then restore it from a backup, or copy out what is " +
      `still readable with \`sqlite3 "${file}" .recover | sqlite3 recovered.db\` and use the new file.`,
    { cause },
  );
}

/**
 * Turns anything thrown by better-sqlite3 into a `StoreError`; `StoreError`s pass through unchanged.
 * `file` names the database in the message of a `CORRUPT` error.
 */
export function toStoreError(error: unknown, action: string, file = "(unknown file)"): StoreError {
  if (isStoreError(error)) return error;
  const candidate = (typeof error === "object" && error !== null ? error : {}) as SqliteLikeError;
  const message = typeof candidate.message === "string" ? candidate.message : String(error);
  const primary = primaryCode(candidate);
  if (primary !== undefined && CORRUPT_CODES.has(primary))
    return corruptError(file, action, `${candidate.code as string}: ${message}`, error);
  if (primary === undefined && /database connection is not open/i.test(message)) return closedError();
  const code = (primary === undefined ? undefined : CODE_MAP[primary]) ?? "BACKEND_UNAVAILABLE";
  const hint = primary === undefined ? undefined : HINTS[primary];
  const detail = primary === undefined ? message : `${candidate.code as string}: ${message}`;
  return createError(
    BACKEND_NAME,
    code,
    `${action} failed. ${hint === undefined ? "" : `${hint} `}(${detail})`,
    {
      cause: error,
    },
  );
}

/** The error for any use after `dispose`. */
export function closedError(): StoreError {
  return createError(
    BACKEND_NAME,
    "CLOSED",
    "This SQLite backend was disposed of; open a new one to use it.",
  );
}

/** The error for a write on a read-only backend. */
export function readOnlyError(): StoreError {
  return createError(
    BACKEND_NAME,
    "READ_ONLY",
    "This SQLite backend was opened read-only; nothing was written.",
  );
}

/** The error for a write that would pass the store's key limit. */
export function limitError(maxKeys: number): StoreError {
  return createError(
    BACKEND_NAME,
    "LIMIT_EXCEEDED",
    `The store would hold more than ${maxKeys} keys (option limits.maxKeys). Nothing was written.`,
  );
}
