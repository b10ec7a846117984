import { setTimeout as sleep } from "node:timers/promises";
import {
  type Backend,
  type BackendFactory,
  type ChangeSet,
  type CommitRequest,
  type CommitResult,
  type CommitWrite,
  createError,
  type EntryPage,
  type IncrementRequest,
  type IncrementResult,
  type KeyPage,
  type ListOptions,
  type LoadFilter,
  type StoreSnapshot,
  TOMBSTONE_LIMIT,
  type WriteOptions,
} from "@dictstore/core";
import { Connection } from "./connection.ts";
import { Directory, type StoreMode } from "./directory.ts";
import { BACKEND_NAME, EpochChangedError, isUnknownOutcome, StaleStoreError } from "./errors.ts";
import { fullLoad } from "./full-load.ts";
import { Layout, type StoreKeys } from "./layout.ts";
import { type RedisBackendOptions, resolveOptions } from "./options.ts";
import { type Epoched, entries, MISSING } from "./replies.ts";
import { changesScript } from "./scripts/changes.ts";
import { clearScript } from "./scripts/clear.ts";
import { commitScript, withOwnWrites } from "./scripts/commit.ts";
import { countScript } from "./scripts/count.ts";
import { deleteScript } from "./scripts/delete.ts";
import { incrementScript } from "./scripts/increment.ts";
import { fastIncrementResult, HAND_OVER, incrementFastScript } from "./scripts/increment-fast.ts";
import { listScript } from "./scripts/list.ts";
import { loadScript } from "./scripts/load.ts";
import { readScript } from "./scripts/read.ts";
import type { Script } from "./scripts/script.ts";
import { NOT_HANDLED, setScript } from "./scripts/set.ts";
import { setTtlScript } from "./scripts/set-ttl.ts";
import type { WriteArgs } from "./scripts/write-args.ts";

/** Expired keys reclaimed per write, at most (keeps every script O(batch)). */
const RECLAIM_BATCH = 100;

/** The cursor of a listing page: the last key listed, after this mark. */
const CURSOR_MARK = ">";

/** Byte order of UTF-8 text, the order of the key index (JS compares UTF-16 code units). */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** A set as a commit write, without the options left undefined. */
function setWrite(
  key: string,
  value: string,
  ttlMs: number | null | undefined,
  keepTtl: boolean | undefined,
): CommitWrite {
  return {
    type: "set",
    key,
    value,
    ...(ttlMs === undefined ? {} : { ttlMs }),
    ...(keepTtl === undefined ? {} : { keepTtl }),
  };
}

/**
 * The Redis and Redis Cluster backend, on ioredis. Asynchronous: the dict reaches it through a
 * local view (`await openStore({ backend })`), the all-async API call by call
 * (`createAsyncStore({ backend })`). See the package README for the layout and guarantees.
 */
export const redisBackend: BackendFactory<RedisBackendOptions | undefined> = (userOptions) => {
  const options = resolveOptions(userOptions);
  const layout = new Layout(options.prefix);
  const connection = new Connection(options);
  const directory = new Directory(connection, layout, options.scanCount);
  const deadline = () => Date.now() + options.timeoutMs;
  /**
   * The epoch of each store (by meta key) as the views of this process last synced it (load,
   * changes, a commit that brought changes). Commits and refreshes of views send it: a store reset
   * behind our back is refused (commit) or reloaded (refresh) instead of silently diverging.
   */
  const epochs = new Map<string, string>();
  /** When a refresh last checked the directory entry of each store (by meta key). */
  const directoryChecked = new Map<string, number>();
  const learn = (keys: StoreKeys, epoch: string) => {
    if (epoch !== "") epochs.set(keys.meta, epoch);
  };
  /** True (and noted) when the directory entry of a store is due for a check (see `directoryCheckMs`). */
  const directoryCheckDue = (keys: StoreKeys) => {
    const now = Date.now();
    if (now - (directoryChecked.get(keys.meta) ?? 0) < options.directoryCheckMs) return false;
    directoryChecked.set(keys.meta, now);
    return true;
  };

  const onStore = <T>(
    store: string,
    mode: StoreMode,
    absent: () => T,
    run: (keys: StoreKeys, init: boolean, until: number) => Promise<T | typeof MISSING>,
    until = deadline(),
  ) => directory.withStore(store, until, mode, (keys, init) => run(keys, init, until), absent);

  /** Runs a store script that answers `{1, epoch, ...}`; `absent()` when the store does not exist. */
  const onStoreScript = <Args, T>(
    store: string,
    mode: StoreMode,
    absent: () => T,
    script: Script<Args, Epoched<T> | typeof MISSING>,
    args: (keys: StoreKeys, init: boolean) => Args,
    write: boolean,
    until = deadline(),
  ) =>
    onStore<Epoched<T>>(
      store,
      mode,
      () => ({ epoch: "", result: absent() }),
      (k, init, until) => connection.run(script, write, until, k.all, args(k, init)),
      until,
    );

  const read = (store: string, keys: readonly string[], withValues: boolean) =>
    onStore(
      store,
      "read",
      () => undefined,
      (k, _init, until) => connection.run(readScript, false, until, k.all, { store, keys, withValues }),
    );

  /** The store version from its meta in one plain command, with the same name check as the scripts. */
  const metaVersion = async (keys: StoreKeys, store: string, until: number) => {
    const [name, dropped, version] = await connection.call(false, until, (client) =>
      client.hmget(keys.meta, "n", "x", "v"),
    );
    if (dropped !== null || (name !== null && name !== store)) throw new StaleStoreError("DSSTALE");
    return name === null ? MISSING : Number(version);
  };

  /** The refusal of a view's write to a store reset behind its back. */
  const resetError = (store: string) =>
    createError(
      BACKEND_NAME,
      "CONFLICT",
      `Store "${store}" was reset behind this view's back (the server lost or another client deleted its data, or the store was re-created); nothing was written. Refresh the view (or open the store again) to see what the server holds now.`,
    );

  /** The epoch a view's write sends: the one last synced, '' outside a view (no check). */
  const epochSeen = (keys: StoreKeys, since: number | undefined) =>
    since === undefined ? "" : (epochs.get(keys.meta) ?? "");

  /**
   * Runs the commit script or the full increment script, which take the same arguments, and learns
   * the epoch a view's write brings back.
   */
  const runWrite = async <TRequest extends { readonly since?: number }, T>(
    script: Script<WriteArgs<TRequest>, Epoched<T> | typeof MISSING>,
    store: string,
    k: StoreKeys,
    init: boolean,
    request: TRequest,
    token: string,
    until: number,
  ): Promise<T | typeof MISSING> => {
    const reply = await connection.run(script, true, until, [...k.all, k.token(token)], {
      store,
      epoch: epochSeen(k, request.since),
      init,
      request,
      token,
      tokenTtlMs: options.idempotencyTtlMs,
      reclaimLimit: RECLAIM_BATCH,
      tombstoneLimit: TOMBSTONE_LIMIT,
    });
    if (reply === MISSING) return MISSING;
    if (request.since !== undefined) learn(k, reply.epoch);
    return reply.result;
  };

  /**
   * The directory check beside a commit. Only a stale entry counts (the commit is then made again
   * where fresh readers look); any other failure leaves the commit's result standing and the check
   * due again on the next commit.
   */
  const confirmEntry = (store: string, k: StoreKeys, until: number) =>
    directory.confirm(store, k, until).catch((error: unknown) => {
      if (error instanceof StaleStoreError) throw error;
      directoryChecked.delete(k.meta);
    });

  /** What changed since a version, from the checked script (`changes` asks the meta first). */
  const changedSince = async (store: string, k: StoreKeys, seen: string, since: number, until: number) => {
    const reply = await connection.run(changesScript, false, until, k.all, { store, epoch: seen, since });
    if (reply === MISSING) return MISSING;
    learn(k, reply.epoch);
    return reply.result;
  };

  /** The commit script, through the directory: creates the store when needed. */
  const commitOnce = (store: string, request: CommitRequest, until: number) => {
    const token = tokenArg(request.token);
    return onStore<CommitResult>(
      store,
      "create",
      () => ({ ok: false, conflicts: [] }),
      (k, init, until) => {
        // A store whose directory entry another client deleted is invisible to fresh readers: a
        // commit checks the entry beside it as a refresh does (at most every directoryCheckMs),
        // so the store is published again, or, when the entry names another store now, the
        // commit is made again there, where fresh readers look. Sent together, never one after
        // the other: commits reach Redis in call order.
        const confirmed = init || !directoryCheckDue(k) ? undefined : confirmEntry(store, k, until);
        const written = runWrite(commitScript, store, k, init, request, token, until).then((result) =>
          result === MISSING ? MISSING : withOwnWrites(result, request),
        );
        if (confirmed === undefined) return written;
        // The commit's own outcome comes first (a timeout is UNKNOWN_OUTCOME, never the check's
        // "unavailable"); a check that found the entry naming another store makes it run there.
        confirmed.catch(() => undefined);
        return written.then((result) => confirmed.then(() => result));
      },
      until,
    );
  };

  const forgetEpoch = (store: string) => {
    const id = directory.cachedId(store);
    if (id !== undefined) epochs.delete(layout.store(id).meta);
  };

  /**
   * Sends a write that carries an idempotency token. The script answers a repeat from the first
   * result, so a reply lost to a broken connection is sent again until the deadline; when no
   * answer comes by then, the outcome is unknown: `UNKNOWN_OUTCOME`, never a guess. A store reset
   * behind a view's back (a refused epoch) becomes the typed refusal, and its epoch is forgotten
   * (the next sync learns the new one). The first attempt goes out without an extra promise hop:
   * this is the path of every commit and increment.
   */
  const sendWrite = <T>(
    store: string,
    token: string | undefined,
    until: number,
    send: (repeat: boolean) => Promise<T>,
  ): Promise<T> => send(false).catch((error: unknown) => resendAfter(error, store, token, until, send));

  const resendAfter = async <T>(
    first: unknown,
    store: string,
    token: string | undefined,
    until: number,
    send: (repeat: boolean) => Promise<T>,
  ): Promise<T> => {
    let error = first;
    let unknown: Error | undefined;
    for (;;) {
      if (error instanceof EpochChangedError) {
        forgetEpoch(store);
        throw resetError(store);
      }
      if (token === undefined) throw error;
      if (isUnknownOutcome(error)) unknown = error as Error;
      if (unknown === undefined || Date.now() + 100 >= until) throw unknown ?? error;
      await sleep(50);
      try {
        return await send(true);
      } catch (again) {
        error = again;
      }
    }
  };
  /** The token as the scripts get it: `unstable_disableIdempotency` hides it, so repeats apply again. */
  const tokenArg = (token: string | undefined) =>
    token === undefined || options.disableIdempotency ? "" : token;

  /** A plain write: a commit without checks, outside any view (no epoch, no changes). */
  const plainWrite = async (store: string, request: CommitRequest) => {
    const result = await commitOnce(store, request, deadline());
    return result.ok ? result.version : 0;
  };

  const page = async (store: string, listOptions: ListOptions | undefined, withValues: boolean) => {
    const limit = Math.max(1, Math.floor(listOptions?.limit ?? options.scanCount));
    const prefix = listOptions?.prefix ?? "";
    const cursor = listOptions?.cursor ?? "0";
    let after: string | undefined;
    if (cursor !== "0" && cursor !== "") {
      if (!cursor.startsWith(CURSOR_MARK)) {
        throw createError(
          BACKEND_NAME,
          "INVALID_ARGUMENT",
          `Not a listing cursor of this backend: "${cursor}".`,
        );
      }
      after = cursor.slice(CURSOR_MARK.length);
      if (!after.startsWith(prefix)) {
        // A cursor from before the prefix starts at the prefix; one past it has nothing left.
        if (byteCompare(after, prefix) > 0) return { items: [] as readonly unknown[], cursor: null };
        after = undefined;
      }
    }
    const reply = await onStoreScript(
      store,
      "read",
      () => undefined,
      listScript,
      () => ({ store, prefix, after, limit, withValues }),
      false,
    );
    const result = reply.result;
    if (result === undefined) return { items: [] as readonly unknown[], cursor: null };
    const next = result.resumeAfter === undefined ? null : `${CURSOR_MARK}${result.resumeAfter}`;
    return { items: result.items, cursor: next };
  };

  const backend: Backend<boolean> = {
    name: BACKEND_NAME,
    flags: { sync: false, ordered: false, persistent: true },

    async get(store, key) {
      const reply = await read(store, [key], true);
      return reply?.entries[0];
    },
    async getMany(store, keys) {
      if (keys.length === 0) return [];
      const reply = await read(store, keys, true);
      return keys.map((_, i) => reply?.entries[i]);
    },
    async has(store, key) {
      const reply = await read(store, [key], false);
      return reply?.entries[0] !== undefined;
    },
    set(store, key, value, writeOptions?: WriteOptions) {
      // The commit the lean script hands over to, built only then.
      const request = (): CommitRequest => ({
        checks: [],
        writes: [setWrite(key, value, writeOptions?.ttlMs, writeOptions?.keepTtl)],
        ...(writeOptions?.maxKeys === undefined ? {} : { maxKeys: writeOptions.maxKeys }),
      });
      if (writeOptions?.keepTtl === true) return plainWrite(store, request());
      // The lean script for the common case; anything else (a new store, expired keys to reclaim,
      // a full store) goes to the commit script.
      return onStore<number>(
        store,
        "create",
        () => 0,
        async (k, init, until) => {
          const done = init
            ? NOT_HANDLED
            : await connection.run(setScript, true, until, k.all, {
                store,
                key,
                value,
                ttlMs: writeOptions?.ttlMs ?? null,
                maxKeys: writeOptions?.maxKeys,
              });
          return done === NOT_HANDLED
            ? commitOnce(store, request(), until).then((r) => (r.ok ? r.version : 0))
            : done;
        },
      );
    },
    setMany(store, items, writeOptions) {
      return plainWrite(store, {
        checks: [],
        writes: items.map((e) => setWrite(e.key, e.value, e.ttlMs, undefined)),
        ...(writeOptions?.maxKeys === undefined ? {} : { maxKeys: writeOptions.maxKeys }),
      });
    },
    async delete(store, key) {
      return (await backend.deleteMany(store, [key]))[0] === true;
    },
    async deleteMany(store, keys) {
      if (keys.length === 0) return [];
      const reply = await onStoreScript(
        store,
        "read",
        () => keys.map(() => false),
        deleteScript,
        () => ({ store, keys, reclaimLimit: RECLAIM_BATCH, tombstoneLimit: TOMBSTONE_LIMIT }),
        true,
      );
      return reply.result;
    },

    async listKeys(store, listOptions): Promise<KeyPage> {
      const { items, cursor } = await page(store, listOptions, false);
      return { keys: items.map(String), cursor };
    },
    async listEntries(store, listOptions): Promise<EntryPage> {
      const { items, cursor } = await page(store, listOptions, true);
      return { entries: entries(items), cursor };
    },
    async count(store) {
      const reply = await onStoreScript(
        store,
        "read",
        () => 0,
        countScript,
        () => ({ store }),
        false,
      );
      return reply.result;
    },
    async clear(store) {
      await onStoreScript(
        store,
        "read",
        () => 0,
        clearScript,
        () => ({ store }),
        true,
      );
    },
    async getTtl(store, key) {
      const reply = await read(store, [key], false);
      const entry = reply?.entries[0];
      if (reply === undefined || entry === undefined) return undefined;
      return entry.expiresAt === null ? null : Math.max(0, entry.expiresAt - reply.now);
    },
    async setTtl(store, key, ttlMs) {
      const reply = await onStoreScript(
        store,
        "read",
        () => false,
        setTtlScript,
        () => ({ store, key, ttlMs, reclaimLimit: RECLAIM_BATCH }),
        true,
      );
      return reply.result;
    },

    async version(store) {
      const version = await onStore<number | undefined>(
        store,
        "read",
        () => undefined,
        (k, _init, until) => metaVersion(k, store, until),
      );
      return version ?? 0;
    },
    changes(store, since): Promise<ChangeSet> {
      const absent = (): ChangeSet => ({ version: 0, entries: [], deleted: [], reset: since !== 0 });
      // Written as one promise chain: this is every refresh's path, and each await is a hop.
      return onStore<ChangeSet>(store, "read", absent, (k, _init, until) => {
        const seen = since === 0 ? "" : (epochs.get(k.meta) ?? "");
        // The common answer, "nothing changed", costs one HMGET instead of a script. It needs no
        // name check: a rename bumps the version and a drop deletes it, so a version equal to
        // `since` under a stale id is impossible; any other answer goes through the checked script.
        // The directory is checked beside it (at most every directoryCheckMs): an entry deleted
        // by another client is published again, one that names another store now makes this
        // view reload from that one.
        const meta = connection.call(false, until, (client) => client.hmget(k.meta, "v", "o"));
        const checked = directoryCheckDue(k)
          ? Promise.all([meta, directory.confirm(store, k, until)]).then(([reply]) => reply)
          : meta;
        return checked.then(([current, epoch]) =>
          current !== null && Number(current) === since && (seen === "" || epoch === seen)
            ? { version: since, entries: [], deleted: [], reset: false }
            : changedSince(store, k, seen, since, until),
        );
      }).catch((error: unknown) => {
        if (!(error instanceof EpochChangedError)) throw error;
        // Reset behind our back: the view reloads, and learns the new epoch from the load.
        forgetEpoch(store);
        return { version: 0, entries: [], deleted: [], reset: true };
      });
    },
    async load(store, filter?: LoadFilter): Promise<StoreSnapshot> {
      const filtered = filter !== undefined && (filter.keys !== undefined || filter.prefixes !== undefined);
      const reply = await onStore<StoreSnapshot>(
        store,
        "read",
        () => ({ version: 0, entries: [] }),
        async (k, _init, until) => {
          const loaded = filtered
            ? await connection.run(loadScript, false, until, k.all, {
                store,
                filter: { keys: filter?.keys ?? [], prefixes: filter?.prefixes ?? [] },
              })
            : await fullLoad(connection, k, store, until);
          if (loaded === MISSING) return MISSING;
          learn(k, loaded.epoch);
          return loaded.result;
        },
      );
      return reply;
    },
    async commit(store, request: CommitRequest): Promise<CommitResult> {
      const until = deadline();
      return sendWrite(store, request.token, until, () => commitOnce(store, request, until));
    },
    async increment(store, request: IncrementRequest): Promise<IncrementResult> {
      const until = deadline();
      const token = tokenArg(request.token);
      // The full script: it creates the store, reclaims expired keys, answers a repeat from its
      // token and brings back changes.
      const full = (k: StoreKeys, init: boolean, until: number) =>
        runWrite(incrementScript, store, k, init, request, token, until);
      // The lean script for the common case; it hands anything else to the full one. A view's
      // increment takes it too when nobody else wrote since the view's version.
      const fast = (k: StoreKeys, init: boolean, until: number) =>
        connection
          .run(incrementFastScript, true, until, [...k.all, k.token(token)], {
            store,
            key: request.key,
            by: request.by,
            maxKeys: request.maxKeys,
            token,
            tokenTtlMs: options.idempotencyTtlMs,
            since: request.since,
            epoch: epochSeen(k, request.since),
          })
          .then((reply) =>
            reply === HAND_OVER
              ? full(k, init, until)
              : fastIncrementResult(request.key, request.since, reply),
          );
      return sendWrite(store, request.token, until, (repeat) =>
        onStore<IncrementResult>(store, "create", () => ({ ok: false }), repeat ? full : fast, until),
      );
    },

    listStores() {
      const until = deadline();
      return directory.listStores(until, async (name, keys) => {
        try {
          const reply = await connection.run(countScript, false, until, keys.all, { store: name });
          return reply === MISSING ? 0 : reply.result;
        } catch {
          // Renamed or dropped while listing: leave it out.
          return undefined;
        }
      });
    },
    createStore: (store) => directory.createStore(store, deadline()),
    hasStore: (store) => directory.has(store, deadline()),
    renameStore: (from, to) => directory.rename(from, to, deadline()),
    dropStore: (store) => directory.drop(store, deadline()),
    dispose: () => connection.dispose(),
  };
  return backend;
};
