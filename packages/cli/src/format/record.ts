import { decodeValue, type ListedEntry, RICH_ENCODING_MARK } from "@dictstore/core";
import { CliError } from "../exit-codes.ts";

/*
 * The export format, one record per key (see README "Export format"):
 *   {"key": "k", "value": <JSON>}            a value that is plain JSON, as is
 *   {"key": "k", "encoded": "~sj1:{…}"}      any other value (Date, Map, Set, BigInt, undefined,
 *                                            NaN, -0, RegExp, …): dictstore's stored encoding, a
 *                                            superjson document behind a `~sj1:`/`~sj1e:` prefix
 *   "expiresAt": "2030-01-01T00:00:00.000Z"  optional: when the key expires
 * Export writes stored text verbatim, so a round trip is exact; import also accepts "ttl" (seconds).
 */

/** One record of an export file, as parsed. */
export interface ExportRecord {
  readonly key: string;
  /** The value, when it is plain JSON. */
  readonly value?: unknown;
  /** The dictstore encoding of a value that plain JSON cannot hold. */
  readonly encoded?: string;
  /** When the key expires: an ISO date (or epoch milliseconds). */
  readonly expiresAt?: string | number;
  /** Import only: seconds to live from the moment of the import. */
  readonly ttl?: number;
}

/** A record ready to write: the decoded value and when it expires. */
export interface ImportItem {
  readonly key: string;
  readonly value: unknown;
  /** Epoch milliseconds at which the key expires; `undefined` when it never does. */
  readonly expiresAt: number | undefined;
}

const FIELDS = new Set(["key", "value", "encoded", "expiresAt", "ttl"]);

/** The export line of a stored entry: the stored text is embedded, never re-encoded. */
export function recordLine(entry: ListedEntry): string {
  const body = entry.value.startsWith(RICH_ENCODING_MARK)
    ? `"encoded":${JSON.stringify(entry.value)}`
    : `"value":${entry.value}`;
  const expiry =
    entry.expiresAt === null ? "" : `,"expiresAt":${JSON.stringify(new Date(entry.expiresAt).toISOString())}`;
  return `{"key":${JSON.stringify(entry.key)},${body}${expiry}}`;
}

/** Checks a parsed record and turns it into what to write; `where` names it in errors ("record 3, line 4"). */
export function importItem(raw: unknown, where: string, now: number): ImportItem {
  const fail = (message: string) => new CliError("USAGE", `${where}: ${message}`);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw fail('a record is an object like {"key": "k", "value": 1}.');
  }
  for (const field of Object.keys(raw)) {
    if (!FIELDS.has(field)) throw fail(`unknown field ${JSON.stringify(field)}.`);
  }
  const record = raw as ExportRecord;
  if (typeof record.key !== "string") throw fail('"key" must be a string.');
  const hasValue = Object.hasOwn(record, "value");
  const hasEncoded = Object.hasOwn(record, "encoded");
  if (hasValue === hasEncoded) throw fail('a record has exactly one of "value" and "encoded".');
  let value: unknown = record.value;
  if (hasEncoded) {
    if (typeof record.encoded !== "string" || !record.encoded.startsWith(RICH_ENCODING_MARK)) {
      throw fail('"encoded" must be a dictstore rich encoding (a string starting with "~").');
    }
    try {
      value = decodeValue(record.encoded);
    } catch (cause) {
      throw new CliError("USAGE", `${where}: "encoded" could not be decoded: ${(cause as Error).message}`, {
        cause,
      });
    }
  }
  const expiresAt = expiryOf(record, fail);
  if (record.ttl !== undefined) {
    if (typeof record.ttl !== "number" || !Number.isFinite(record.ttl) || record.ttl <= 0) {
      throw fail('"ttl" must be a number of seconds > 0.');
    }
    return { key: record.key, value, expiresAt: now + record.ttl * 1000 };
  }
  return { key: record.key, value, expiresAt };
}

function expiryOf(record: ExportRecord, fail: (message: string) => CliError): number | undefined {
  if (record.expiresAt === undefined) return undefined;
  if (record.ttl !== undefined) throw fail('give "expiresAt" or "ttl", not both.');
  const at = typeof record.expiresAt === "string" ? Date.parse(record.expiresAt) : record.expiresAt;
  if (typeof at !== "number" || !Number.isFinite(at)) {
    throw fail('"expiresAt" must be an ISO date string or epoch milliseconds.');
  }
  return at;
}
