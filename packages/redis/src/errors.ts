import { createError, isStoreError, type StoreError, type StoreErrorCode } from "@dictstore/core";

/** The backend name in every error message. */
export const BACKEND_NAME = "redis";

/** Thrown inside the backend when a cached store id no longer belongs to the name (renamed or dropped elsewhere). */
export class StaleStoreError extends Error {
  override readonly name = "StaleStoreError";
}

/**
 * Thrown inside the backend when a store's epoch is not the one the caller saw: its meta vanished
 * or was re-created (server restarted empty, keys deleted by another client).
 */
export class EpochChangedError extends Error {
  override readonly name = "EpochChangedError";
}

/** `redis://user:***@host:port/db`: the URL with its password hidden. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
  }
}

/** Where the errors say Redis is: `host:port` (never credentials). */
export function serverLabel(url: string): string {
  try {
    const parsed = new URL(url);
    const db = parsed.pathname.length > 1 ? parsed.pathname : "";
    return `${parsed.hostname}:${parsed.port || "6379"}${db}`;
  } catch {
    return redactUrl(url);
  }
}

/** What the error tells about a command: whether it can have been executed. */
type Fate = "not-sent" | "refused" | "maybe-applied" | "ours";

/** Messages of failures that guarantee the command was not executed. */
const REFUSED = /^(LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|MOVED|ASK|CROSSSLOT|NOSCRIPT)\b/;
const NOT_SENT =
  /enableOfflineQueue|Stream isn't writeable|isn't ready|Cluster is ended|Too many Cluster redirections|Failed to refresh slots cache/i;
const AUTH =
  /WRONGPASS|NOAUTH|invalid password|invalid username-password|NOPERM|Client sent AUTH, but no password is set/i;

function fateOf(error: Error): Fate {
  const message = error.message ?? "";
  if (/^DS[A-Z]+/.test(message)) return "ours";
  if (REFUSED.test(message) || /^OOM\b/.test(message) || AUTH.test(message)) return "refused";
  if (NOT_SENT.test(message)) return "not-sent";
  // The server answered with an error (a ReplyError): it ran and refused, nothing applied.
  if (error.name === "ReplyError") return "refused";
  return "maybe-applied";
}

/** Context for turning a client error into a typed StoreError. */
export interface ErrorContext {
  /** Where Redis is, for the message. */
  readonly server: string;
  /** True for operations that write. */
  readonly write: boolean;
  /** A secret to scrub from any message. */
  readonly secret?: string | undefined;
}

function scrub(text: string, secret: string | undefined): string {
  return secret === undefined || secret === "" ? text : text.split(secret).join("***");
}

/** A cause without the command arguments ioredis attaches (they may hold a password). */
function safeCause(error: unknown, secret: string | undefined): unknown {
  if (!(error instanceof Error)) return error;
  const copy = new Error(scrub(error.message, secret));
  copy.name = error.name;
  copy.stack = scrub(error.stack ?? "", secret);
  return copy;
}

/** Builds a typed error naming the server. */
export function storeError(
  code: StoreErrorCode,
  message: string,
  context: ErrorContext,
  cause?: unknown,
): StoreError {
  return createError(BACKEND_NAME, code, `Redis at ${context.server}: ${scrub(message, context.secret)}`, {
    cause: safeCause(cause, context.secret),
  });
}

/** Translates anything a Redis call threw into a typed `StoreError` (or passes internal signals through). */
export function translateError(error: unknown, context: ErrorContext): Error {
  if (isStoreError(error) || error instanceof StaleStoreError || error instanceof EpochChangedError) {
    return error as Error;
  }
  if (!(error instanceof Error)) {
    return storeError("BACKEND_UNAVAILABLE", `unexpected failure: ${String(error)}`, context, error);
  }
  const message = error.message ?? "";
  if (/^DSSTALE/.test(message)) return new StaleStoreError(message);
  if (/^DSEPOCH/.test(message)) return new EpochChangedError(message);
  if (/^DSLIMIT/.test(message)) {
    return createError(
      BACKEND_NAME,
      "LIMIT_EXCEEDED",
      "The store would hold more keys than its limit (option limits.maxKeys). Nothing was written.",
    );
  }
  if (/^OOM\b/.test(message)) {
    return storeError(
      "CAPACITY",
      "the server is out of memory (maxmemory reached with policy noeviction); nothing was written. Free memory or raise maxmemory.",
      context,
      error,
    );
  }
  if (AUTH.test(message)) {
    return storeError(
      "AUTH_FAILED",
      `authentication or permission failed (${message.split("\n")[0]}). Check the username and password.`,
      context,
      error,
    );
  }
  if (/DB index is out of range/i.test(message)) {
    return storeError(
      "INVALID_ARGUMENT",
      "the database index in the URL is out of range for this server (its `databases` setting); use one below it, e.g. /0.",
      context,
      error,
    );
  }
  const fate = fateOf(error);
  if (fate === "maybe-applied" && context.write) {
    return storeError(
      "UNKNOWN_OUTCOME",
      `the connection failed while a write was in flight (${message}); it may or may not have been applied.`,
      context,
      error,
    );
  }
  return storeError(
    "BACKEND_UNAVAILABLE",
    `${message}${fate === "maybe-applied" ? "" : " (nothing was applied)"}`,
    context,
    error,
  );
}

/**
 * True for a call that failed because its connection broke while it was in flight (ioredis rejects
 * it with "Connection is closed." or, as `maxRetriesPerRequest` is 0, `MaxRetriesPerRequestError`):
 * a read failing so can safely be sent again on the next connection.
 */
export function isLostInFlight(error: unknown): boolean {
  const cause = isStoreError(error, "BACKEND_UNAVAILABLE") ? (error.cause as Error | undefined) : undefined;
  return (
    cause !== undefined &&
    (cause.name === "MaxRetriesPerRequestError" || /^Connection is closed/.test(cause.message ?? ""))
  );
}

/** True for failures after which a write may or may not have been applied. */
export function isUnknownOutcome(error: unknown): boolean {
  return isStoreError(error, "UNKNOWN_OUTCOME");
}
