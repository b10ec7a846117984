import { isStoreError, StoreError, type StoreErrorCode } from "@dictstore/core";
import type { StepError, StepPhase } from "./types.ts";

/**
 * Store error codes after which running the step again can help: the backend was unreachable, or
 * concurrent runs kept winning. UNKNOWN_OUTCOME is not among them: the commit may have landed, so a
 * blind re-run could apply the step's writes twice.
 */
const RETRYABLE_CODES: ReadonlySet<StoreErrorCode> = new Set(["BACKEND_UNAVAILABLE", "CONFLICT"]);

/** Store error codes that, while opening stores, mean the context itself is wrong (bad URL, missing option). */
const INPUT_CODES: ReadonlySet<StoreErrorCode> = new Set([
  "INVALID_ARGUMENT",
  "MISSING_OPTION",
  "UNSUPPORTED_OPERATION",
]);

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : `A non-Error value was thrown: ${String(error)}`;
}

/** True when a thrown handler error asks to be retried (`error.retryable === true`). */
function asksForRetry(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === true;
}

/** Turns what was thrown into the typed error of a step result. */
export function classify(error: unknown, phase: StepPhase, committed: readonly string[]): StepError {
  // Writes already landed in some store: running the whole step again would apply them twice.
  const partial = committed.length > 0;
  const base = { message: messageOf(error), phase, committed: [...committed], cause: error };
  if (isStoreError(error)) {
    const kind =
      error.code === "CONFLICT"
        ? "conflict"
        : phase === "open" && INPUT_CODES.has(error.code)
          ? "input"
          : "store";
    return {
      ...base,
      kind,
      code: error.code,
      retryable: RETRYABLE_CODES.has(error.code) && !partial,
    };
  }
  // Anything else that fails before the handler runs comes from the context (a bad spec, a bad URL).
  if (phase === "open") {
    return { ...base, kind: "input", retryable: false };
  }
  return { ...base, kind: "handler", retryable: asksForRetry(error) && !partial };
}

/** The error for a step or context the runtime cannot run (reported as kind `"input"`). */
export function invalid(message: string): StoreError {
  return new StoreError("INVALID_ARGUMENT", `[@dictstore/workflow] ${message}`);
}
