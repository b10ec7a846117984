import type { ChangeSet, ListedEntry, ListOptions, LoadFilter, StoreSnapshot } from "@dictstore/core";
import { createError } from "@dictstore/core";
import type { Statement } from "better-sqlite3";
import { justAbove, prefixUpperBound } from "./key-range.ts";
import { BACKEND_NAME } from "./options.ts";
import type { ListedRow, PageParams, RangeParams, Statements, StoreRow } from "./statements.ts";

/** The default page size, as the memory backend's. */
const DEFAULT_PAGE = 1000;
/** SQLite's LIMIT is a 64-bit integer; anything above this is "no limit" in practice. */
const MAX_PAGE = 2 ** 31;

/** A listed row without its sequence number: the shape every backend returns. */
export function entryOf(row: ListedRow): ListedEntry {
  return { key: row.key, value: row.value, version: row.version, expiresAt: row.expiresAt };
}

/** A cursor is "<last seq returned>:<last seq that existed when the listing began>". */
function cursorOf(cursor: string): { after: number; end: number } {
  const [after, end, extra] = cursor.split(":").map(Number);
  if (!Number.isSafeInteger(after) || !Number.isSafeInteger(end) || extra !== undefined) {
    throw createError(BACKEND_NAME, "INVALID_ARGUMENT", `"${cursor}" is not a cursor this backend returned.`);
  }
  return { after: after as number, end: end as number };
}

/** The upper bound of a prefix range; an empty BLOB (above every TEXT) when the prefix has none. */
const NO_UPPER_BOUND = Buffer.alloc(0);

function rangeBelow(prefix: string): string | Buffer {
  return prefixUpperBound(prefix) ?? NO_UPPER_BOUND;
}

/**
 * One page of live rows, from after the cursor. Without a prefix: in insertion order; the cursor
 * holds the last returned row's sequence number, so writes between pages never repeat or skip a
 * key that stays, and the last sequence number that existed on the first page: rows inserted later
 * are left out, so writing while iterating can never make a listing endless. With a prefix: in key
 * order, read as a range of the (store, key) index (its cost follows the page, not the store); the
 * cursor is "~<last seq at the first page>:<last key returned>". One row more than asked is read
 * to know whether this is the last page.
 */
export function readPage<TRow extends { readonly seq: number; readonly key: string }>(
  sql: Statements,
  statements: { readonly all: Statement<PageParams, TRow>; readonly range: Statement<RangeParams, TRow> },
  store: string,
  options: ListOptions | undefined,
  now: number,
): { rows: TRow[]; cursor: string | null } {
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(options?.limit ?? DEFAULT_PAGE)));
  const prefix = options?.prefix ?? "";
  if (prefix !== "") return readPrefixPage(sql, statements.range, store, prefix, limit, options?.cursor, now);
  const { after, end } =
    options?.cursor === undefined ? { after: 0, end: sql.lastSeq.get() ?? 0 } : cursorOf(options.cursor);
  const rows = statements.all.all(store, after, end, now, limit + 1);
  if (rows.length <= limit) return { rows, cursor: null };
  rows.length = limit;
  return { rows, cursor: `${(rows[limit - 1] as TRow).seq}:${end}` };
}

function readPrefixPage<TRow extends { readonly seq: number; readonly key: string }>(
  sql: Statements,
  statement: Statement<RangeParams, TRow>,
  store: string,
  prefix: string,
  limit: number,
  cursor: string | undefined,
  now: number,
): { rows: TRow[]; cursor: string | null } {
  let end = sql.lastSeq.get() ?? 0;
  let from = prefix;
  if (cursor !== undefined) {
    const colon = cursor.indexOf(":");
    end = Number(cursor.slice(1, colon));
    if (!cursor.startsWith("~") || colon < 0 || !Number.isSafeInteger(end)) {
      throw createError(BACKEND_NAME, "INVALID_ARGUMENT", `"${cursor}" is not a cursor of a prefix listing.`);
    }
    from = justAbove(cursor.slice(colon + 1));
  }
  const rows = statement.all(store, from, rangeBelow(prefix), end, now, limit + 1);
  if (rows.length <= limit) return { rows, cursor: null };
  rows.length = limit;
  return { rows, cursor: `~${end}:${(rows[limit - 1] as TRow).key}` };
}

/** Live count from the bookkeeping row: rows minus the expired ones not yet reclaimed. */
export function liveSize(sql: Statements, store: string, row: StoreRow, now: number): number {
  if (row.nextExpiry === null || row.nextExpiry > now) return row.size;
  return row.size - (sql.countExpired.get(store, now) ?? 0);
}

/** What changed in a store since `since`, given its current version and tombstone floor. */
export function changesOf(
  sql: Statements,
  store: string,
  row: Pick<StoreRow, "version" | "floor">,
  since: number,
  now: number,
): ChangeSet {
  // Since 0 (a reader that holds nothing), the live entries alone are the whole answer.
  if ((since !== 0 && since < row.floor) || since > row.version) {
    return { version: row.version, entries: [], deleted: [], reset: true };
  }
  return {
    version: row.version,
    entries: sql.changedSince.all(store, since, now).map(entryOf),
    deleted: sql.deletedSince.all(store, since),
    reset: false,
  };
}

/**
 * A consistent image of the store's live entries (call inside a read transaction), in insertion
 * order. Named keys are looked up one by one and prefixes read as ranges of the (store, key) index,
 * so a filtered load costs what it loads, wherever the keys lie in the store.
 */
export function loadStore(
  sql: Statements,
  store: string,
  version: number,
  filter: LoadFilter | undefined,
  now: number,
): StoreSnapshot {
  if (filter === undefined || (filter.keys === undefined && filter.prefixes === undefined)) {
    return { version, entries: sql.loadAll.all(store, now).map(entryOf) };
  }
  const rows = new Map<string, ListedRow>();
  for (const key of filter.keys ?? []) {
    const row = rows.has(key) ? undefined : sql.keyRow.get(store, key, now);
    if (row !== undefined) rows.set(key, row);
  }
  for (const prefix of new Set(filter.prefixes)) {
    const matches =
      prefix === ""
        ? sql.loadAll.all(store, now)
        : sql.range.all(store, prefix, rangeBelow(prefix), Number.MAX_SAFE_INTEGER, now, -1);
    for (const row of matches) rows.set(row.key, row);
  }
  return { version, entries: [...rows.values()].sort((a, b) => a.seq - b.seq).map(entryOf) };
}
