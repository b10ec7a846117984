import { StoreError } from "./errors.ts";

/** Size limits, enforced on encoded UTF-8 bytes, identical on every backend. */
export interface StoreLimits {
  /** Largest key, in UTF-8 bytes. @default 2048 */
  maxKeyBytes: number;
  /** Largest stored value, in UTF-8 bytes of its encoding. @default 16777216 (16 MiB) */
  maxValueBytes: number;
  /** Most keys one store may hold. @default 10000000 */
  maxKeys: number;
}

/** The documented default limits. */
export const DEFAULT_LIMITS: Readonly<StoreLimits> = Object.freeze({
  maxKeyBytes: 2048,
  maxValueBytes: 16 * 1024 * 1024,
  maxKeys: 10_000_000,
});

/** UTF-8 length of a string; skips the count when even 3 bytes per UTF-16 unit would fit. */
function exceedsUtf8(text: string, limit: number): boolean {
  if (text.length * 3 <= limit) return false;
  return Buffer.byteLength(text, "utf8") > limit;
}

/**
 * Whether `checkKey` accepts this string as it is: the same two tests, without building an error.
 * For `in` on a missing key, which must still throw for a malformed one but answers `false` for
 * every other.
 */
export function isValidKeyText(text: string, limits: StoreLimits): boolean {
  return text.isWellFormed() && !exceedsUtf8(text, limits.maxKeyBytes);
}

/**
 * Validates and normalises a key: strings as they are (never normalised), numbers as object keys
 * coerce them. Throws `INVALID_KEY` or `LIMIT_EXCEEDED`.
 */
export function checkKey(key: unknown, limits: StoreLimits): string {
  let text: string;
  if (typeof key === "string") text = key;
  else if (typeof key === "number") text = String(key);
  else {
    throw new StoreError(
      "INVALID_KEY",
      `[@dictstore/core] Keys are strings (or numbers, which become strings); got ${typeof key}.`,
    );
  }
  if (isValidKeyText(text, limits)) return text;
  if (!text.isWellFormed()) {
    throw new StoreError(
      "INVALID_KEY",
      "[@dictstore/core] The key contains a lone surrogate (it is not well-formed UTF-16), so it could not be stored without aliasing another key.",
    );
  }
  throw new StoreError(
    "LIMIT_EXCEEDED",
    `[@dictstore/core] The key is ${Buffer.byteLength(text)} bytes; the limit is ${limits.maxKeyBytes} (option limits.maxKeyBytes).`,
    { key: text },
  );
}

/** Throws `LIMIT_EXCEEDED` when an encoded value is over the byte limit. */
export function checkValueSize(encoded: string, limits: StoreLimits, key: string): void {
  if (exceedsUtf8(encoded, limits.maxValueBytes)) {
    throw new StoreError(
      "LIMIT_EXCEEDED",
      `[@dictstore/core] The value for key "${key}" encodes to ${Buffer.byteLength(encoded)} bytes; the limit is ${limits.maxValueBytes} (option limits.maxValueBytes). Nothing was written.`,
      { key },
    );
  }
}

/** Converts a TTL in seconds (fractions allowed) to milliseconds; `null`/`undefined` mean no expiry. */
export function ttlToMs(seconds: number | null | undefined): number | null {
  if (seconds === null || seconds === undefined) return null;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw new StoreError(
      "INVALID_ARGUMENT",
      `[@dictstore/core] A TTL is a finite number of seconds ≥ 0 (fractions allowed), or null for none; got ${String(seconds)}.`,
    );
  }
  return Math.ceil(seconds * 1000);
}
