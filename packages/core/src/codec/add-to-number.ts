import { decodeValue, encodeValue } from "./codec.ts";

/**
 * The stored text and value of `current + by`, where `current` is the number an entry's text holds
 * (a missing entry counts as 0); `undefined` when the text holds no number or the sum is not a safe
 * finite number. A backend implementing `increment` adds with this, so it adds exactly as the core's
 * generic path does, and declines exactly what that path would refuse.
 */
export function addToStoredNumber(
  text: string | undefined,
  by: number,
): { text: string; value: number } | undefined {
  let current: unknown = 0;
  if (text !== undefined) {
    try {
      current = decodeValue(text);
    } catch {
      return undefined; // the generic path decodes again and raises the error
    }
  }
  if (typeof current !== "number") return undefined;
  const value = current + by;
  if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) return undefined;
  return { text: encodeValue(value), value };
}
