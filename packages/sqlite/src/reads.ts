import type { ChangeSet, ListedEntry, ListOptions, LoadFilter, StoreSnapshot } from "@dictstore/core";
import { createError } from "@dictstore/core";
import type { Statement } from "better-sqlite3";
import { BACKEND_NAME } from "./options.ts";
import type { ListedRow, PageParams, Statements, StoreRow } from "./statements.ts";

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

/**
 * One page of live rows in insertion order, from after the cursor. The cursor holds the last
 * returned row's sequence number, so writes between pages never repeat or skip a key that stays,
 * and the last sequence number that existed on the first page: rows inserted later are left out,
 * so writing while iterating can never make a listing endless. One row more than asked is read to
 * know whether this is the last page. A prefix is matched in JavaScript (`startsWith` on UTF-16,
 * as every backend does), scanning in batches.
 */
export function readPage<TRow extends { readonly seq: number; readonly key: string }>(
  sql: Statements,
  statement: Statement<PageParams, TRow>,
  store: string,
  options: ListOptions | undefined,
  now: number,
): { rows: TRow[]; cursor: string | null } {
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(options?.limit ?? DEFAULT_PAGE)));
  const prefix = options?.prefix ?? "";
  const position =
    options?.cursor === undefined ? { after: 0, end: sql.lastSeq.get() ?? 0 } : cursorOf(options.cursor);
  const { end } = position;
  let { after } = position;
  const next = (rows: TRow[]) => `${(rows[limit - 1] as TRow).seq}:${end}`;
  if (prefix === "") {
    const rows = statement.all(store, after, end, now, limit + 1);
    if (rows.length <= limit) return { rows, cursor: null };
    rows.length = limit;
    return { rows, cursor: next(rows) };
  }
  const batch = Math.min(MAX_PAGE, Math.max(limit + 1, 256));
  const out: TRow[] = [];
  for (;;) {
    const rows = statement.all(store, after, end, now, batch);
    for (const row of rows) {
      if (!row.key.startsWith(prefix)) continue;
      if (out.length === limit) return { rows: out, cursor: next(out) };
      out.push(row);
    }
    if (rows.length < batch) return { rows: out, cursor: null };
    after = (rows[rows.length - 1] as TRow).seq;
  }
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

function matchesFilter(key: string, filter: LoadFilter | undefined): boolean {
  if (filter === undefined || (filter.keys === undefined && filter.prefixes === undefined)) return true;
  if (filter.keys?.includes(key)) return true;
  return filter.prefixes?.some((prefix) => key.startsWith(prefix)) ?? false;
}

/** A consistent image of the store's live entries (call inside a read transaction), in insertion order. */
export function loadStore(
  sql: Statements,
  store: string,
  version: number,
  filter: LoadFilter | undefined,
  now: number,
): StoreSnapshot {
  if (filter?.keys !== undefined && filter.prefixes === undefined) {
    // Only named keys: look each up instead of scanning the store, then restore insertion order.
    const rows: ListedRow[] = [];
    for (const key of new Set(filter.keys)) {
      const row = sql.keyRow.get(store, key, now);
      if (row !== undefined) rows.push(row);
    }
    return { version, entries: rows.sort((a, b) => a.seq - b.seq).map(entryOf) };
  }
  const entries: ListedEntry[] = [];
  for (const row of sql.loadAll.iterate(store, now)) {
    if (matchesFilter(row.key, filter)) entries.push(entryOf(row));
  }
  return { version, entries };
}
