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
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      // The same text as JSON.stringify (both use Number::toString), through V8's number-string cache.
      if (Number.isFinite(value) && !Object.is(value, -0)) return String(value);
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
  if ((first >= 48 && first <= 57) || first === 45 /* - */) return Number(text);
  if (first === 126 /* ~ */) return decodeRich(text);
  return JSON.parse(text);
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
