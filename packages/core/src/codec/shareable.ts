import { RICH_ENCODING_MARK } from "./codec.ts";

/**
 * True when a frozen decoded value is immutable all the way down, so frozen snapshots may hand the
 * same instance to every reader. Plain JSON always is; a Date, typed array, RegExp, URL or Error
 * keeps mutable internal state that no freeze can lock, so a value holding one must be decoded
 * afresh for each read, or one reader's `setTime()` would show up in every other read.
 */
export function isShareable(text: string, value: unknown): boolean {
  if (!text.startsWith(RICH_ENCODING_MARK)) return true;
  return lockedDeep(value, new Set());
}

function lockedDeep(value: unknown, seen: Set<object>): boolean {
  if (typeof value !== "object" || value === null) return true;
  if (seen.has(value)) return true;
  seen.add(value);
  if (Array.isArray(value)) return value.every((item) => lockedDeep(item, seen));
  // immer's deep freeze locks Maps and Sets by replacing their mutators.
  if (value instanceof Map) {
    for (const [k, v] of value) if (!lockedDeep(k, seen) || !lockedDeep(v, seen)) return false;
    return true;
  }
  if (value instanceof Set) {
    for (const item of value) if (!lockedDeep(item, seen)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((item) => lockedDeep(item, seen));
}
