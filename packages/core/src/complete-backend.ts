import { type Backend, type BackendContract, FAST_PATHS, type FastPaths } from "./backend.ts";
import type {
  BackendEntry,
  CommitRequest,
  CommitResult,
  CommitWrite,
  EntryPage,
  MaybePromise,
  WriteOptions,
} from "./backend-types.ts";
import { StoreError } from "./errors.ts";
import { ttlLeft } from "./expiry.ts";
import { chain, isThenable } from "./maybe-promise.ts";

/** How often a derived read-then-commit (delete, setTtl) retries after a concurrent write. */
const MAX_ATTEMPTS = 100;
/** Page size of derived walks over a store (count, clear). */
const WALK_PAGE = 1000;
const CONFLICT = Symbol("conflict");

/**
 * The backend as the core uses it: every fast path present. A backend that has them all is returned
 * as it is (no wrapper, no cost); otherwise the missing ones are derived from the required members
 * (load, listEntries, commit), on an object that inherits from the backend and copies its own members.
 */
export function completeBackend<TSync extends boolean>(backend: BackendContract<TSync>): Backend<TSync> {
  if (isFull(backend)) return backend;
  const b = backend as BackendContract;
  const derived = derive(b);
  // Inherits from the backend (members of a class instance stay reachable) and holds copies of its
  // own members, so `{ ...backend, listEntries: … }`, a common way to wrap one, keeps every member.
  const full: Record<string, unknown> = Object.assign(Object.create(b), b);
  for (const name of FAST_PATHS) {
    if (name !== "increment" && typeof b[name] !== "function") full[name] = derived[name];
  }
  return full as unknown as Backend<TSync>;
}

function isFull<TSync extends boolean>(backend: BackendContract<TSync>): backend is Backend<TSync> {
  return FAST_PATHS.every((name) => name === "increment" || typeof backend[name] === "function");
}

/** A commit of writes without guards, which no backend may refuse. */
function commitVersion(b: BackendContract, store: string, request: CommitRequest): MaybePromise<number> {
  return chain(b.commit(store, request), (result) => {
    if (result.ok) return result.version;
    throw new StoreError(
      "CONFLICT",
      `[@dictstore/core] [${b.name}] A commit without checks was refused (conflicts: ${result.conflicts.join(", ")}).`,
    );
  });
}

/** Retries a read-then-guarded-commit until no concurrent write got in between. */
function untilCommitted<TResult>(
  b: BackendContract,
  attempt: () => MaybePromise<TResult | typeof CONFLICT>,
  left = MAX_ATTEMPTS,
): MaybePromise<TResult> {
  return chain(attempt(), (outcome) => {
    if (outcome !== CONFLICT) return outcome;
    if (left > 1) return untilCommitted(b, attempt, left - 1);
    throw new StoreError(
      "CONFLICT",
      `[@dictstore/core] [${b.name}] A write kept conflicting with concurrent writes; nothing was written.`,
    );
  });
}

const setWrite = (key: string, value: string, options: WriteOptions | undefined): CommitWrite => {
  const write: { type: "set"; key: string; value: string; ttlMs?: number | null; keepTtl?: boolean } = {
    type: "set",
    key,
    value,
  };
  if (options?.ttlMs !== undefined) write.ttlMs = options.ttlMs;
  if (options?.keepTtl === true) write.keepTtl = true;
  return write;
};

const withMaxKeys = (request: CommitRequest, maxKeys: number | undefined): CommitRequest =>
  maxKeys === undefined ? request : { ...request, maxKeys };

/** Walks every page of a store's listing, handing each to `visit`; resolves when the last is done. */
function walk(
  b: BackendContract,
  store: string,
  visit: (page: EntryPage) => MaybePromise<void>,
  cursor?: string,
) {
  const options = cursor === undefined ? { limit: WALK_PAGE } : { limit: WALK_PAGE, cursor };
  return chain(
    b.listEntries(store, options),
    (page): MaybePromise<void> =>
      chain(visit(page), () => (page.cursor === null ? undefined : walk(b, store, visit, page.cursor))),
  );
}

/** Every fast path, derived from the required members. */
function derive(b: BackendContract): Omit<FastPaths, "increment"> {
  const getMany = (store: string, keys: readonly string[]): MaybePromise<(BackendEntry | undefined)[]> => {
    if (keys.length === 0) return [];
    return chain(b.load(store, { keys }), (snapshot) => {
      const byKey = new Map<string, BackendEntry>();
      for (const e of snapshot.entries) {
        byKey.set(e.key, { value: e.value, version: e.version, expiresAt: e.expiresAt });
      }
      return keys.map((key) => byKey.get(key));
    });
  };
  const get = (store: string, key: string) => chain(getMany(store, [key]), (entries) => entries[0]);
  const deleteMany = (store: string, keys: readonly string[]): MaybePromise<boolean[]> => {
    const before = getMany(store, keys);
    // A synchronous backend answers at once, so only live keys are deleted. An asynchronous one gets
    // the read and an unguarded delete back to back, so the delete keeps its place among the writes
    // issued after it (program order); the answer is what the read saw just before.
    const targets = isThenable(before) ? keys : keys.filter((_key, i) => before[i] !== undefined);
    const writes = [...new Set(targets)].map((key): CommitWrite => ({ type: "delete", key }));
    const committed = writes.length === 0 ? 0 : commitVersion(b, store, { checks: [], writes });
    return chain(before, (entries) =>
      chain(committed, () => {
        // A key named twice was live only for its first mention, as if deleted one after the other.
        const seen = new Set<string>();
        return keys.map((key, i) => {
          const first = !seen.has(key);
          seen.add(key);
          return first && entries[i] !== undefined;
        });
      }),
    );
  };
  /** Rewrites one live key guarded by its version; false when it is missing. */
  const guarded = (store: string, key: string, write: (entry: BackendEntry) => CommitWrite) =>
    untilCommitted(b, () =>
      chain(get(store, key), (entry) => {
        if (entry === undefined) return false;
        const request = { checks: [{ key, version: entry.version }], writes: [write(entry)] };
        return chain(b.commit(store, request), (result: CommitResult) => (result.ok ? true : CONFLICT));
      }),
    );
  return {
    get,
    getMany,
    has: (store, key) => chain(get(store, key), (entry) => entry !== undefined),
    set: (store, key, value, options) =>
      commitVersion(
        b,
        store,
        withMaxKeys({ checks: [], writes: [setWrite(key, value, options)] }, options?.maxKeys),
      ),
    setMany: (store, entries, options) =>
      commitVersion(
        b,
        store,
        withMaxKeys(
          { checks: [], writes: entries.map((e) => setWrite(e.key, e.value, { ttlMs: e.ttlMs ?? null })) },
          options?.maxKeys,
        ),
      ),
    delete: (store, key) => chain(deleteMany(store, [key]), (removed) => removed[0] === true),
    deleteMany,
    listKeys: (store, options) =>
      chain(b.listEntries(store, options), (page) => ({
        keys: page.entries.map((e) => e.key),
        cursor: page.cursor,
      })),
    count: (store) => {
      let live = 0;
      return chain(
        walk(b, store, (page) => {
          live += page.entries.length;
        }),
        () => live,
      );
    },
    // Lists every key first, then deletes in batches: deleting while a listing walks its cursor
    // could make some backends' cursors (a hash scan that shrinks) skip keys.
    clear: (store) => {
      const keys: string[] = [];
      const listed = walk(b, store, (page) => {
        for (const e of page.entries) keys.push(e.key);
      });
      const deleteFrom = (start: number): MaybePromise<void> => {
        if (start >= keys.length) return;
        const writes = keys
          .slice(start, start + WALK_PAGE)
          .map((key): CommitWrite => ({ type: "delete", key }));
        return chain(commitVersion(b, store, { checks: [], writes }), () => deleteFrom(start + WALK_PAGE));
      };
      return chain(listed, () => deleteFrom(0));
    },
    getTtl: (store, key) => chain(get(store, key), (entry) => ttlLeft(entry)),
    setTtl: (store, key, ttlMs) =>
      guarded(store, key, (entry) => ({ type: "set", key, value: entry.value, ttlMs })),
  };
}
