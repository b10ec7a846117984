import { isStoreError, type StoreErrorCode } from "@dictstore/core";

/** The exit codes of `dictstore`, documented in the README; scripts may branch on them. */
export const EXIT_CODES = {
  /** The command did what it was asked. */
  OK: 0,
  /** Any other failure (including an import that stopped part way). */
  ERROR: 1,
  /** Bad usage: unknown command or option, a bad argument, invalid JSON, an invalid key, value or TTL. */
  USAGE: 2,
  /** The key or store does not exist. */
  NOT_FOUND: 3,
  /** The store to create (or the new name of a rename) exists already. */
  EXISTS: 4,
  /** A destructive command was not confirmed: no `--yes` without a terminal, or the wrong name typed. */
  NOT_CONFIRMED: 5,
  /** The backend cannot be reached or refused the credentials. */
  UNAVAILABLE: 6,
  /** The data is damaged (a corrupt SQLite file, or a file that is not a database): retrying cannot help. */
  CORRUPT: 7,
} as const;

/** The name of an exit code, e.g. `"NOT_FOUND"`; `--json` errors carry it. */
export type ExitCodeName = keyof typeof EXIT_CODES;

/** An error the CLI reports as is: its message is for the user, its code picks the exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly code: ExitCodeName;
  /** Extra fields for the `--json` form of the error (e.g. what an import wrote before it stopped). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ExitCodeName,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

// Store errors a user can fix by changing what they typed are usage errors; the rest keep their meaning.
const STORE_ERROR_EXITS: Partial<Record<StoreErrorCode, ExitCodeName>> = {
  INVALID_KEY: "USAGE",
  INVALID_VALUE: "USAGE",
  INVALID_ARGUMENT: "USAGE",
  RESERVED_KEY: "USAGE",
  LIMIT_EXCEEDED: "USAGE",
  MISSING_OPTION: "USAGE",
  KEY_ERROR: "NOT_FOUND",
  STORE_NOT_FOUND: "NOT_FOUND",
  STORE_EXISTS: "EXISTS",
  BACKEND_UNAVAILABLE: "UNAVAILABLE",
  AUTH_FAILED: "UNAVAILABLE",
  CORRUPT: "CORRUPT",
};

/** The exit code name for any thrown value. */
export function exitCodeNameOf(error: unknown): ExitCodeName {
  if (error instanceof CliError) return error.code;
  if (isStoreError(error)) return STORE_ERROR_EXITS[error.code] ?? "ERROR";
  return "ERROR";
}
