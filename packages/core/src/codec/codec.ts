import { freeze } from "immer";
import superjson from "superjson";
import { StoreError } from "../errors.ts";
import { inspectValue } from "./inspect-value.ts";
import { escapeForSuperjson, unescapeFromSuperjson } from "./rewrite-value.ts";

/*
 * Stored text is either plain JSON (readable by any tool or language) or, for values JSON cannot
 * hold, a superjson document behind a prefix that no JSON text can start with. `~sj1e:` marks a
 * document whose prototype-named keys were escaped and must be unescaped on the way out.
 */
const RICH_PREFIX = "~sj1:";
const RICH_ESCAPED_PREFIX = "~sj1e:";

/** The prefix of a rich (superjson) encoding; anything else is plain JSON text. */
export const RICH_ENCODING_MARK = "~";

/** Encodes a value to its stored text. Throws `INVALID_VALUE` (nothing written) for what cannot round-trip. */
export function encodeValue(value: unknown): string {
  // Fast path for primitives: no walk needed.
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (Number.isFinite(value) && !Object.is(value, -0)) return JSON.stringify(value);
      break;
  }
  if (value === null) return "null";
  const shape = inspectValue(value);
  try {
    if (!shape.rich) return JSON.stringify(value);
    const prepared = shape.rewrite ? escapeForSuperjson(value) : value;
    const document = superjson.serialize(prepared);
    return (shape.rewrite ? RICH_ESCAPED_PREFIX : RICH_PREFIX) + JSON.stringify(document);
  } catch (cause) {
    throw encodeFailure(cause);
  }
}

/**
 * The walk in inspectValue can succeed on a value nested deeper than JSON.stringify or superjson
 * can recurse: their stack overflow (a RangeError) is a bad value, not a crash.
 */
function encodeFailure(cause: unknown): StoreError {
  if (cause instanceof RangeError) {
    return new StoreError(
      "INVALID_VALUE",
      `[@dictstore/core] The value is nested too deeply (or is too large) to be encoded: ${cause.message}. Nothing was written.`,
      { cause },
    );
  }
  return new StoreError(
    "SERIALIZE_FAILED",
    `[@dictstore/core] The value could not be serialized: ${String(cause)}. Nothing was written.`,
    { cause },
  );
}

/** Decodes stored text to a fresh value (a new copy on every call). */
export function decodeValue(text: string): unknown {
  const first = text.charCodeAt(0);
  // Fast paths for stored primitives, which need no full JSON parse.
  if (first === 34 /* " */ && text.indexOf("\\") === -1) return text.slice(1, -1);
  if (first === 116 /* t */ && text === "true") return true;
  if (first === 102 /* f */ && text === "false") return false;
  if (first === 110 /* n */ && text === "null") return null;
  if ((first >= 48 && first <= 57) || first === 45 /* - */) return decodeNumber(text, first === 45);
  if (first === 126 /* ~ */) return decodeRich(text);
  return JSON.parse(text);
}

const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Stored numbers are mostly short. With at most 15 digits and no exponent, the digits form an
 * integer m < 2^53 and the value is m / 10^k with k <= 15: both exact doubles, so the one division
 * is correctly rounded and equals what `Number` returns (Clinger's fast path), without its runtime
 * call. Anything else (exponents, more digits, malformed text) is left to `Number`.
 */
function decodeNumber(text: string, negative: boolean): number {
  const length = text.length;
  if (length > 17) return Number(text); // more than 15 digits, a sign and a point
  let mantissa = 0;
  let digits = 0;
  let point = -1;
  for (let i = negative ? 1 : 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
    } else if (c === 46 /* . */ && point === -1) {
      point = digits;
    } else {
      return Number(text);
    }
  }
  if (digits === 0 || digits > 15) return Number(text);
  const value = point === -1 ? mantissa : mantissa / (POWERS_OF_TEN[digits - point] as number);
  return negative ? -value : value;
}

function decodeRich(text: string): unknown {
  const escaped = text.startsWith(RICH_ESCAPED_PREFIX);
  if (!escaped && !text.startsWith(RICH_PREFIX)) {
    throw new StoreError(
      "SERIALIZE_FAILED",
      "[@dictstore/core] A stored value has an unknown encoding; it was written by something other than dictstore.",
    );
  }
  const document = JSON.parse(text.slice(escaped ? RICH_ESCAPED_PREFIX.length : RICH_PREFIX.length));
  const value = superjson.deserialize(document);
  return escaped ? unescapeFromSuperjson(value) : value;
}

/** Decodes stored text to a deeply frozen value (immer's freeze): mutating it throws at once. */
export function decodeFrozen(text: string): unknown {
  return freeze(decodeValue(text), true);
}
