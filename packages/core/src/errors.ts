/** Every error code a dictstore operation can raise; `StoreError.code` is one of these. */
export const ERROR_CODES = [
  "BACKEND_UNAVAILABLE",
  "AUTH_FAILED",
  "UNKNOWN_OUTCOME",
  "CONFLICT",
  "CAPACITY",
  "LIMIT_EXCEEDED",
  "INVALID_KEY",
  "INVALID_VALUE",
  "INVALID_ARGUMENT",
  "RESERVED_KEY",
  "KEY_ERROR",
  "SERIALIZE_FAILED",
  "UNSUPPORTED_OPERATION",
  "MISSING_OPTION",
  "NOT_LOADED",
  "STORE_NOT_FOUND",
  "STORE_EXISTS",
  "READ_ONLY",
  "CLOSED",
  /** The data itself is damaged (a corrupt or foreign SQLite file): never retried, it cannot heal by waiting. */
  "CORRUPT",
] as const;

/** A machine-readable error code carried by every `StoreError`. */
export type StoreErrorCode = (typeof ERROR_CODES)[number];

/** Options accepted by the `StoreError` constructor. */
export interface StoreErrorOptions {
  /** The underlying error, if any; always set (to `undefined` when there is none). */
  cause?: unknown;
  /** The backend that raised it, e.g. `"memory"` or `"redis"`. */
  backend?: string;
  /** The data key involved, if any. */
  key?: string;
  /** The key prefix involved, if any (a listing of a prefix a view did not load). */
  prefix?: string;
  /** The named store involved, if any (`NOT_LOADED`: the store whose view did not load the key). */
  store?: string;
}

/** The one error class of dictstore: check `code` (or use `isStoreError`) to act on it. */
export class StoreError extends Error {
  override readonly name = "StoreError";
  readonly code: StoreErrorCode;
  readonly backend: string | undefined;
  readonly key: string | undefined;
  readonly prefix: string | undefined;
  readonly store: string | undefined;

  constructor(code: StoreErrorCode, message: string, options: StoreErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.backend = options.backend;
    this.key = options.key;
    this.prefix = options.prefix;
    this.store = options.store;
    // Keeps the stack pointing at the caller, not at this constructor or createError.
    Error.captureStackTrace?.(this, StoreError);
  }
}

/** True for any dictstore error, even one from another copy of the package (checks `name`, not `instanceof`). */
export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  if (typeof error !== "object" || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  return candidate.name === "StoreError" && (code === undefined || candidate.code === code);
}

/** Builds a `StoreError` whose message is prefixed with the package and backend, e.g. `[@dictstore/core] [redis] …`. */
export function createError(
  backend: string,
  code: StoreErrorCode,
  message: string,
  options: Omit<StoreErrorOptions, "backend"> = {},
): StoreError {
  const error = new StoreError(code, `[@dictstore/core] [${backend}] ${message}`, { ...options, backend });
  Error.captureStackTrace?.(error, createError);
  return error;
}

/** The error for a required option that was not given. */
export function createRequiredError(backend: string, option: string | string[]): StoreError {
  const names = Array.isArray(option) ? option.map((o) => `\`${o}\``).join(" or ") : `\`${option}\``;
  return createError(backend, "MISSING_OPTION", `Missing required option ${names}.`);
}
