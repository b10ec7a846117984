import { setTimeout as sleep } from "node:timers/promises";
import type {
  Backend,
  BackendEntry,
  BackendFactory,
  ChangeSet,
  CommitRequest,
  CommitResult,
  CommitWrite,
  EntryPage,
  IncrementRequest,
  IncrementResult,
  KeyPage,
  ListOptions,
  LoadFilter,
  StoreSnapshot,
  WriteOptions,
} from "@dictstore/core";
import { Connection } from "./connection.ts";
import { Directory, MISSING, type StoreMode } from "./directory.ts";
import { BACKEND_NAME, isUnknownOutcome, StaleStoreError } from "./errors.ts";
import { escapeGlob, Layout, type StoreKeys } from "./layout.ts";
import type { ScriptName } from "./lua.ts";
import { type RedisBackendOptions, resolveOptions } from "./options.ts";
import { changeSet, entries, expiry, list, num, packedEntries, type Reply } from "./replies.ts";

/** Expired keys reclaimed per write, at most (keeps every script O(batch)). */
const RECLAIM_BATCH = 100;
/** Deletions remembered for `changes`; older ones make `changes` answer `reset`. */
const TOMBSTONE_LIMIT = 10_000;

/** A write as the write script takes it: op, key, value, ttl. */
type WriteArgs = [string, string, string, string];

function ttlArg(ttlMs: number | null | undefined, keepTtl: boolean | undefined): string {
  if (keepTtl === true && ttlMs === undefined) return "k";
  return ttlMs === null || ttlMs === undefined ? "" : String(ttlMs);
}

function writeArgs(write: CommitWrite): WriteArgs {
  return write.type === "delete"
    ? ["d", write.key, "", ""]
    : ["s", write.key, write.value, ttlArg(write.ttlMs, write.keepTtl)];
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

  /** Runs a store script under the store's id; `{0}` (never initialised) becomes MISSING. */
  const storeScript = async (
    keys: StoreKeys,
    write: boolean,
    until: number,
    name: ScriptName,
    args: (string | number)[],
  ) => {
    const reply = list(await connection.script(write, until, name, keys.all, args));
    return num(reply[0]) === 0 ? MISSING : reply;
  };

  const onStore = <T>(
    store: string,
    mode: StoreMode,
    absent: () => T,
    run: (keys: StoreKeys, init: boolean, until: number) => Promise<T | typeof MISSING>,
    until = deadline(),
  ) => directory.withStore(store, until, mode, (keys, init) => run(keys, init, until), absent);

  const read = (store: string, keys: readonly string[], withValues: boolean) =>
    onStore<Reply | undefined>(
      store,
      "read",
      () => undefined,
      (k, _init, until) =>
        storeScript(k, false, until, "dictstoreRead", [store, withValues ? "1" : "0", ...keys]),
    );

  /** The store version from its meta in one plain command, with the same name check as the scripts. */
  const metaVersion = async (keys: StoreKeys, store: string, until: number) => {
    const [name, dropped, version] = await connection.call(false, until, (client) =>
      client.hmget(keys.meta, "n", "x", "v"),
    );
    if (dropped !== null || (name !== null && name !== store)) throw new StaleStoreError("DSSTALE");
    return name === null ? MISSING : Number(version);
  };

  const entryAt = (reply: Reply, index: number): BackendEntry | undefined => {
    const base = 2 + index * 3;
    const version = reply[base + 1];
    if (version === null || version === undefined || version === false) return undefined;
    return { value: String(reply[base]), version: num(version), expiresAt: expiry(reply[base + 2]) };
  };

  /** Runs the write script. */
  const write = (
    store: string,
    mode: "set" | "del" | "ttl" | "clear" | "commit",
    creates: boolean,
    absent: () => Reply,
    fields: {
      maxKeys?: number | undefined;
      token?: string | undefined;
      since?: number | undefined;
      checks?: readonly (string | number)[];
      writes: readonly WriteArgs[];
    },
    until = deadline(),
  ) =>
    onStore<Reply>(
      store,
      creates ? "create" : "read",
      absent,
      (k, init, until) => {
        const checks = fields.checks ?? [];
        const args: (string | number)[] = [
          store,
          init ? "1" : "0",
          mode,
          fields.maxKeys === undefined ? "" : fields.maxKeys,
          tokenArg(fields.token),
          options.idempotencyTtlMs,
          fields.since === undefined ? "" : fields.since,
          RECLAIM_BATCH,
          TOMBSTONE_LIMIT,
          checks.length / 2,
          ...checks,
        ];
        for (const w of fields.writes) args.push(...w);
        const tokenKey = k.token(tokenArg(fields.token));
        return connection
          .script(true, until, "dictstoreWrite", [...k.all, tokenKey], args)
          .then((raw) => (num(list(raw)[0]) === 0 ? MISSING : list(raw)));
      },
      until,
    );

  /**
   * Sends a write that carries an idempotency token. The script answers a repeat from the first
   * result, so a reply lost to a broken connection is sent again until the deadline; when no
   * answer comes by then, the outcome is unknown: `UNKNOWN_OUTCOME`, never a guess.
   */
  const sendIdempotent = async <T>(
    token: string | undefined,
    until: number,
    send: (repeat: boolean) => Promise<T>,
  ) => {
    let unknown: Error | undefined;
    for (let repeat = false; ; repeat = true) {
      try {
        return await send(repeat);
      } catch (error) {
        if (token === undefined) throw error;
        if (isUnknownOutcome(error)) unknown = error as Error;
        if (unknown === undefined || Date.now() + 100 >= until) throw unknown ?? error;
        await sleep(50);
      }
    }
  };
  /** The token as the scripts get it: `unstable_disableIdempotency` hides it, so repeats apply again. */
  const tokenArg = (token: string | undefined) =>
    token === undefined || options.disableIdempotency ? "" : token;

  const page = async (store: string, listOptions: ListOptions | undefined, withValues: boolean) => {
    const limit = Math.max(1, Math.floor(listOptions?.limit ?? options.scanCount));
    const cursor = listOptions?.cursor ?? "0";
    const split = cursor.indexOf(":");
    const scanCursor = split === -1 ? cursor : cursor.slice(0, split);
    const after = split === -1 ? undefined : cursor.slice(split + 1);
    const pattern =
      listOptions?.prefix === undefined || listOptions.prefix === ""
        ? ""
        : `${escapeGlob(listOptions.prefix)}*`;
    const reply = await onStore<Reply | undefined>(
      store,
      "read",
      () => undefined,
      (k, _init, until) =>
        storeScript(k, false, until, "dictstoreList", [
          store,
          scanCursor,
          after === undefined ? "0" : "1",
          after ?? "",
          pattern,
          limit,
          limit,
          withValues ? "1" : "0",
        ]),
    );
    if (reply === undefined) return { items: [] as Reply, cursor: null };
    const next = String(reply[1]);
    const more = num(reply[2]) === 1;
    const nextCursor = more ? `${scanCursor}:${String(reply[3])}` : next === "0" ? null : next;
    return { items: list(reply[4]), cursor: nextCursor };
  };

  const backend: Backend<boolean> = {
    name: BACKEND_NAME,
    flags: { sync: false, ordered: false, persistent: true },

    async get(store, key) {
      const reply = await read(store, [key], true);
      return reply === undefined ? undefined : entryAt(reply, 0);
    },
    async getMany(store, keys) {
      if (keys.length === 0) return [];
      const reply = await read(store, keys, true);
      return keys.map((_, i) => (reply === undefined ? undefined : entryAt(reply, i)));
    },
    async has(store, key) {
      const reply = await read(store, [key], false);
      return reply !== undefined && entryAt(reply, 0) !== undefined;
    },
    async set(store, key, value, writeOptions?: WriteOptions) {
      const reply = await write(store, "set", true, () => [1, 0], {
        maxKeys: writeOptions?.maxKeys,
        writes: [["s", key, value, ttlArg(writeOptions?.ttlMs, writeOptions?.keepTtl)]],
      });
      return num(reply[1]);
    },
    async setMany(store, items, writeOptions) {
      const reply = await write(store, "set", true, () => [1, 0], {
        maxKeys: writeOptions?.maxKeys,
        writes: items.map((e): WriteArgs => ["s", e.key, e.value, ttlArg(e.ttlMs, undefined)]),
      });
      return num(reply[1]);
    },
    async delete(store, key) {
      const reply = await write(store, "del", false, () => [1, 0, [0]], { writes: [["d", key, "", ""]] });
      return num(list(reply[2])[0]) === 1;
    },
    async deleteMany(store, keys) {
      if (keys.length === 0) return [];
      const reply = await write(store, "del", false, () => [1, 0, keys.map(() => 0)], {
        writes: keys.map((key): WriteArgs => ["d", key, "", ""]),
      });
      return list(reply[2]).map((flag) => num(flag) === 1);
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
      const reply = await onStore<Reply | undefined>(
        store,
        "read",
        () => undefined,
        (k, _init, until) => storeScript(k, false, until, "dictstoreCount", [store]),
      );
      return reply === undefined ? 0 : num(reply[1]);
    },
    async clear(store) {
      await write(store, "clear", false, () => [1, 0], { writes: [] });
    },
    async getTtl(store, key) {
      const reply = await read(store, [key], false);
      const entry = reply === undefined ? undefined : entryAt(reply, 0);
      if (reply === undefined || entry === undefined) return undefined;
      return entry.expiresAt === null ? null : Math.max(0, entry.expiresAt - num(reply[1]));
    },
    async setTtl(store, key, ttlMs) {
      const reply = await write(store, "ttl", false, () => [1, 0], {
        writes: [["t", key, "", ttlArg(ttlMs, undefined)]],
      });
      return num(reply[1]) === 1;
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
    async changes(store, since): Promise<ChangeSet> {
      const reply = await onStore<Reply | number | undefined>(
        store,
        "read",
        () => undefined,
        async (k, _init, until) => {
          // The common answer, "nothing changed", costs one HGET instead of a script. It needs no
          // name check: a rename bumps the version and a drop deletes it, so a version equal to
          // `since` under a stale id is impossible; any other answer goes through the checked script.
          const current = await connection.call(false, until, (client) => client.hget(k.meta, "v"));
          if (current !== null && Number(current) === since) return since;
          return storeScript(k, false, until, "dictstoreChanges", [store, since]);
        },
      );
      if (reply === undefined) return { version: 0, entries: [], deleted: [], reset: since !== 0 };
      if (typeof reply === "number") return { version: reply, entries: [], deleted: [], reset: false };
      return changeSet(list(reply[1]));
    },
    async load(store, filter?: LoadFilter): Promise<StoreSnapshot> {
      const filtered = filter !== undefined && (filter.keys !== undefined || filter.prefixes !== undefined);
      const keys = filter?.keys ?? [];
      const patterns = (filter?.prefixes ?? []).map((p) => `${escapeGlob(p)}*`);
      const reply = await onStore<Reply | undefined>(
        store,
        "read",
        () => undefined,
        (k, _init, until) =>
          storeScript(k, false, until, "dictstoreLoad", [
            store,
            filtered ? "1" : "0",
            keys.length,
            ...keys,
            ...patterns,
            options.scanCount,
          ]),
      );
      if (reply === undefined) return { version: 0, entries: [] };
      return { version: num(reply[1]), entries: packedEntries(list(reply[2]), reply[3], reply[4]) };
    },
    async commit(store, request: CommitRequest): Promise<CommitResult> {
      const checks: (string | number)[] = [];
      for (const check of request.checks) checks.push(check.key, check.version === null ? "" : check.version);
      const fields = {
        maxKeys: request.maxKeys,
        token: request.token,
        since: request.since,
        checks,
        writes: request.writes.map(writeArgs),
      };
      const until = deadline();
      const reply = await sendIdempotent(request.token, until, () =>
        write(store, "commit", true, () => [1, "c", []], fields, until),
      );
      if (reply[1] === "c") return { ok: false, conflicts: list(reply[2]).map(String) };
      const version = num(reply[2]);
      return reply[3] === undefined
        ? { ok: true, version }
        : { ok: true, version, changes: changeSet(list(reply[3])) };
    },
    async increment(store, request: IncrementRequest): Promise<IncrementResult> {
      const until = deadline();
      const token = tokenArg(request.token);
      // The full script: it creates the store, reclaims expired keys, answers a repeat from its
      // token and brings back changes.
      const full = (k: StoreKeys, init: boolean, until: number) =>
        connection
          .script(
            true,
            until,
            "dictstoreIncrement",
            [...k.all, k.token(token)],
            [
              store,
              init ? "1" : "0",
              request.maxKeys ?? "",
              token,
              options.idempotencyTtlMs,
              request.since ?? "",
              RECLAIM_BATCH,
              request.key,
              request.by,
            ],
          )
          .then((raw) => (num(list(raw)[0]) === 0 ? MISSING : list(raw)));
      // The lean script for the common case; it hands anything else to the full one.
      const fast = (k: StoreKeys, init: boolean, until: number) =>
        connection
          .script(
            true,
            until,
            "dictstoreIncrementFast",
            [...k.all, k.token(token)],
            [store, request.maxKeys ?? "", token, options.idempotencyTtlMs, request.key, request.by],
          )
          .then((raw) => (list(raw)[1] === "s" ? full(k, init, until) : list(raw)));
      const reply = await sendIdempotent(request.token, until, (repeat) =>
        onStore<Reply>(
          store,
          "create",
          () => [1, "n"],
          repeat || request.since !== undefined ? full : fast,
          until,
        ),
      );
      if (reply[1] !== "k") return { ok: false };
      const version = num(reply[2]);
      const value = Number(reply[3]);
      return reply[4] === undefined
        ? { ok: true, value, version }
        : { ok: true, value, version, changes: changeSet(list(reply[4])) };
    },

    listStores() {
      const until = deadline();
      return directory.listStores(until, async (name, keys) => {
        try {
          const reply = await storeScript(keys, false, until, "dictstoreCount", [name]);
          return reply === MISSING ? 0 : num(reply[1]);
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
