import { decodeValue, RICH_ENCODING_MARK, StoreError } from "@dictstore/core";
import type { EditFormat } from "../api-types.ts";
import { parseJsonText } from "../http/safe-json.ts";
import { prettyJson } from "./pretty-json.ts";

/*
 * The editor shows plain values as plain JSON, and rich values (Date, Map, BigInt, …) in superjson's
 * `{ "json": …, "meta": … }` form, which is exactly the document dictstore stores after its `~sj1:`
 * prefix. In that form, object keys named `__proto__`, `constructor` or `prototype` carry one extra
 * leading `~` (superjson refuses those names), as in the stored form; the save undoes it.
 */
const RICH_DOCUMENT = /^~sj1e?:/;
const ESCAPED_RICH_PREFIX = "~sj1e:";

/** The editable text of a stored value, and its format. */
export function toEditText(stored: string): { format: EditFormat; text: string } {
  if (stored.startsWith(RICH_ENCODING_MARK)) {
    const document: unknown = JSON.parse(stored.replace(RICH_DOCUMENT, ""));
    return { format: "superjson", text: prettyJson(document) };
  }
  return { format: "json", text: prettyJson(JSON.parse(stored)) };
}

/** Parses editor text to the value to store. Throws `INVALID_VALUE` with a readable reason. */
export function fromEditText(format: EditFormat, text: string): unknown {
  const parsed = parseJsonText(text, "The value");
  if (format === "json") return parsed;
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.hasOwn(parsed, "json")
  ) {
    throw invalid('A superjson value is an object { "json": …, "meta": … } with at least a "json" member.');
  }
  const meta = (parsed as { meta?: unknown }).meta;
  if (meta !== undefined && (typeof meta !== "object" || meta === null || Array.isArray(meta))) {
    throw invalid('The "meta" member of a superjson value must be an object.');
  }
  try {
    // The escaped prefix makes the core's decoder undo the `~` on prototype-named keys.
    return decodeValue(ESCAPED_RICH_PREFIX + JSON.stringify(parsed));
  } catch (cause) {
    throw invalid(
      `The superjson value could not be read: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

function invalid(message: string): StoreError {
  return new StoreError("INVALID_VALUE", `[@dictstore/dashboard] ${message}`);
}
