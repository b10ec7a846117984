import { StoreError } from "@dictstore/core";

const POISON_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Parses a request envelope (`{ store, key, … }`). The envelope never needs prototype-named members,
 * so any `__proto__`, `constructor` or `prototype` key anywhere in it is refused (secure-json-parse's
 * policy); a value to store travels as a string inside the envelope and is parsed on its own.
 */
export function parseEnvelope(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value: unknown) => {
      if (POISON_KEYS.has(key)) throw new SyntaxError(`the member name "${key}" is not allowed`);
      return value;
    });
  } catch (cause) {
    throw new StoreError(
      "INVALID_ARGUMENT",
      `[@dictstore/dashboard] The request body is not valid JSON: ${messageOf(cause)}`,
      { cause },
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new StoreError(
      "INVALID_ARGUMENT",
      "[@dictstore/dashboard] The request body must be a JSON object.",
    );
  }
  return parsed as Record<string, unknown>;
}

/**
 * Parses the JSON text of a value. `JSON.parse` makes every member an own data property, so a
 * `"__proto__"` member stays data (the store escapes it) and never changes a prototype.
 */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new StoreError(
      "INVALID_VALUE",
      `[@dictstore/dashboard] ${what} is not valid JSON: ${messageOf(cause)}`,
      {
        cause,
      },
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
