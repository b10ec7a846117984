import {
  type BackendContract,
  type ChangeSet,
  type CommitResult,
  createError,
  expiryOfWrite,
  type ListedEntry,
  planCommit,
} from "@dictstore/core";

const NAME = "map";

interface Row {
  value: string;
  version: number;
  expiresAt: number | null;
}

interface Table {
  rows: Map<string, Row>;
  version: number;
  /** The version this table started at: asking for changes since before it answers `reset`. */
  born: number;
  /** Deleted keys with the version that deleted them. */
  deleted: Map<string, number>;
}

/** A minimal backend: one Map per store and one version counter. Only the required members. */
export function mapBackend(): BackendContract<true> {
  let clock = 0; // one counter for every store, so a version never repeats, even across drops
  const tables = new Map<string, Table>();
  const tokens = new Map<string, CommitResult>();

  const live = (t: Table | undefined, key: string): Row | undefined => {
    const row = t?.rows.get(key);
    return row !== undefined && (row.expiresAt === null || row.expiresAt > Date.now()) ? row : undefined;
  };
  const liveEntries = (t: Table | undefined): ListedEntry[] =>
    [...(t?.rows.keys() ?? [])].sort().flatMap((key) => {
      const row = live(t, key);
      return row === undefined ? [] : [{ key, ...row }];
    });
  const table = (store: string): Table => {
    let t = tables.get(store);
    if (t === undefined) {
      t = { rows: new Map(), version: clock, born: clock, deleted: new Map() };
      tables.set(store, t);
    }
    return t;
  };
  const changesOf = (t: Table | undefined, since: number): ChangeSet => {
    if (t === undefined) return { version: 0, entries: [], deleted: [], reset: since !== 0 };
    if (since > t.version || (since !== 0 && since < t.born)) {
      return { version: t.version, entries: [], deleted: [], reset: true };
    }
    const entries = liveEntries(t).filter((e) => e.version > since);
    const deleted = [...t.deleted].filter(([, version]) => version > since).map(([key]) => key);
    return { version: t.version, entries, deleted, reset: false };
  };

  return {
    name: NAME,
    flags: { sync: true },
    load(store, filter) {
      const t = tables.get(store);
      const wanted = (key: string) =>
        (filter?.keys === undefined && filter?.prefixes === undefined) ||
        (filter.keys?.includes(key) ?? false) ||
        (filter.prefixes?.some((prefix) => key.startsWith(prefix)) ?? false);
      return { version: t?.version ?? 0, entries: liveEntries(t).filter((e) => wanted(e.key)) };
    },
    listEntries(store, options) {
      // Sorted by key, and the cursor is the last key returned: no key that stays is repeated or skipped.
      const { prefix = "", cursor, limit = 1000 } = options ?? {};
      const rest = liveEntries(tables.get(store)).filter(
        (e) => e.key.startsWith(prefix) && (cursor === undefined || e.key > cursor),
      );
      const entries = rest.slice(0, Math.max(1, limit));
      const last = entries.at(-1);
      return { entries, cursor: entries.length < rest.length && last !== undefined ? last.key : null };
    },
    version: (store) => tables.get(store)?.version ?? 0,
    changes: (store, since) => changesOf(tables.get(store), since),
    commit(store, request) {
      const earlier = request.token === undefined ? undefined : tokens.get(request.token);
      if (earlier !== undefined) return earlier;
      const t = table(store);
      const { conflicts, added } = planCommit(request, (key) => live(t, key));
      if (conflicts.length > 0) return { ok: false, conflicts };
      const { maxKeys } = request;
      if (maxKeys !== undefined && added > 0 && liveEntries(t).length + added > maxKeys) {
        throw createError(NAME, "LIMIT_EXCEEDED", `The store would hold more than ${maxKeys} keys.`);
      }
      const version = ++clock;
      t.version = version;
      const now = Date.now();
      for (const write of request.writes) {
        if (write.type === "delete") {
          if (t.rows.delete(write.key)) t.deleted.set(write.key, version);
          continue;
        }
        const expiresAt = expiryOfWrite(write, live(t, write.key), now);
        t.rows.set(write.key, { value: write.value, version, expiresAt });
        t.deleted.delete(write.key);
      }
      const result: CommitResult =
        request.since === undefined
          ? { ok: true, version }
          : { ok: true, version, changes: changesOf(t, request.since) };
      if (request.token !== undefined) tokens.set(request.token, result);
      return result;
    },
    listStores: () =>
      [...tables.keys()].sort().map((name) => ({ name, size: liveEntries(tables.get(name)).length })),
    createStore(store) {
      if (tables.has(store)) return false;
      table(store);
      return true;
    },
    hasStore: (store) => tables.has(store),
    renameStore(from, to) {
      const t = tables.get(from);
      if (t === undefined) throw createError(NAME, "STORE_NOT_FOUND", `There is no store "${from}".`);
      if (from === to) return;
      if (tables.has(to)) throw createError(NAME, "STORE_EXISTS", `A store "${to}" exists already.`);
      tables.delete(from);
      tables.set(to, t);
      // Above every version either name had; readers of either name reload.
      t.version = ++clock;
      t.born = t.version;
      t.deleted.clear();
    },
    dropStore(store) {
      if (!tables.delete(store)) return false;
      clock++; // a re-created store starts above every version the dropped one had
      return true;
    },
  };
}
