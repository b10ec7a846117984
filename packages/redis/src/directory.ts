import { setTimeout as sleep } from "node:timers/promises";
import { createError, type StoreInfo } from "@dictstore/core";
import type { Connection } from "./connection.ts";
import { StaleStoreError, storeError } from "./errors.ts";
import {
  type DirectoryEntry,
  type Layout,
  lockedEntry,
  parseDirectoryEntry,
  preferredId,
  randomId,
  type StoreKeys,
} from "./layout.ts";
import { MISSING } from "./replies.ts";
import {
  type DirLockArgs,
  dirCreateScript,
  dirGetScript,
  dirLockScript,
  dirSettleScript,
  dropMetaScript,
  initScript,
  renameMetaScript,
} from "./scripts/directory-scripts.ts";

/*
 * Store names live in one directory hash (name -> id); a store's data lives under `{id}`, so a
 * rename never moves data, on a cluster or not. Ids are cached per process; every store script
 * checks the name it was given against the name in the store's own meta, so a cached id made
 * stale by another process's rename or drop is detected and resolved again.
 *
 * A rename (and a drop) is three steps, because the directory and the store may sit in different
 * cluster slots: (1) lock both directory entries, (2) rename the store in its own slot, the moment
 * it takes effect for every client, (3) publish the new entries. While a lock is held, lookups of
 * the names wait; a lock left by a crashed process is finished or rolled back, depending on
 * step (2), by whoever meets it after its deadline.
 */

/** How long a rename/drop may hold its directory lock. */
const LOCK_MS = 10_000;
/** Extra time before others take over a lock, so the owner's last step can never race a rollback. */
const LOCK_GRACE_MS = 5_000;
/** How long a dropped store's marker keeps stale cached ids from writing into it. */
const DROP_MARKER_MS = 3_600_000;

export { MISSING };

/** Whether an operation may create the store. */
export type StoreMode = "read" | "create";

/** A store operation: gets the store's keys and whether it may initialise it. */
export type StoreOperation<T> = (keys: StoreKeys, init: boolean) => Promise<T | typeof MISSING>;

/** Resolves store names to ids and runs the store lifecycle. */
export class Directory {
  private readonly ids = new Map<string, string>();
  /**
   * Resolutions in flight, by mode and name. Concurrent operations on a name not yet cached share
   * one lookup (and create), so they reach the store in the order they were called: each its own
   * lookup and create would race, and same-key writes made in one step could land out of order.
   */
  private readonly resolving = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly connection: Connection,
    private readonly layout: Layout,
    private readonly scanCount: number,
  ) {}

  /**
   * Runs `operation` on the store's keys. A store that does not exist gives `absent()` for reads,
   * and is created for `create`. A stale cached id is dropped and the name resolved again.
   */
  withStore<T>(
    name: string,
    deadline: number,
    mode: StoreMode,
    operation: StoreOperation<T>,
    absent: () => T,
  ): Promise<T> {
    // Fast path, the common case: a cached id that is still good, in as few promise hops as possible.
    const cached = this.ids.get(name);
    if (cached === undefined) return this.resolveAndRun(name, deadline, mode, operation, absent);
    return operation(this.layout.store(cached), false).then(
      (result) => (result === MISSING ? this.retry(name, deadline, mode, operation, absent) : result),
      (error: unknown) => {
        if (error instanceof StaleStoreError) return this.retry(name, deadline, mode, operation, absent);
        throw error;
      },
    );
  }

  private retry<T>(
    name: string,
    deadline: number,
    mode: StoreMode,
    operation: StoreOperation<T>,
    absent: () => T,
  ) {
    this.ids.delete(name);
    return this.resolveAndRun(name, deadline, mode, operation, absent);
  }

  private async resolveAndRun<T>(
    name: string,
    deadline: number,
    mode: StoreMode,
    operation: StoreOperation<T>,
    absent: () => T,
  ): Promise<T> {
    for (let attempt = 0; attempt < 10; attempt++) {
      let id = this.ids.get(name);
      const fresh = id === undefined;
      if (id === undefined) {
        id = await this.resolve(name, deadline, mode);
        if (id === undefined) return absent();
      }
      try {
        const result = await operation(this.layout.store(id), fresh && mode === "create");
        if (result !== MISSING) return result;
        if (fresh) return absent();
      } catch (error) {
        if (!(error instanceof StaleStoreError)) throw error;
      }
      this.ids.delete(name);
    }
    throw storeError(
      "BACKEND_UNAVAILABLE",
      `store "${name}" kept being renamed or dropped while this operation ran; nothing was applied.`,
      this.connection.context(false),
    );
  }

  /** The store's id, looked up (and for `create`, created) once for all concurrent callers. */
  private resolve(name: string, deadline: number, mode: StoreMode): Promise<string | undefined> {
    const flight = `${mode}:${name}`;
    let pending = this.resolving.get(flight);
    if (pending === undefined) {
      pending = (async () => {
        let id = await this.lookup(name, deadline);
        if (id === undefined && mode === "create") id = (await this.create(name, deadline)).id;
        if (id !== undefined) this.ids.set(name, id);
        return id;
      })().finally(() => this.resolving.delete(flight));
      this.resolving.set(flight, pending);
    }
    return pending;
  }

  /** The id this process last resolved the name to, if any. */
  cachedId(name: string): string | undefined {
    return this.ids.get(name);
  }

  /**
   * Checks that the directory still names this store by these keys, as a view's refresh does: an
   * entry deleted by another client is published again (the store's own meta still carries its
   * name, checked by the caller's script); an entry naming another id makes these keys stale.
   */
  async confirm(name: string, keys: StoreKeys, deadline: number): Promise<void> {
    const raw = await this.connection.call(false, deadline, (client) =>
      client.hget(this.layout.directory, name),
    );
    if (raw !== null) {
      const entry = parseDirectoryEntry(raw);
      // A rename or drop in progress is the scripts' to see (they check the name in the meta).
      if (entry.id !== keys.id && entry.lock === undefined) throw new StaleStoreError("DSSTALE moved");
      return;
    }
    const published = await this.connection.run(dirCreateScript, true, deadline, [this.layout.directory], {
      name,
      id: keys.id,
    });
    if (
      !published.created &&
      published.current !== undefined &&
      parseDirectoryEntry(published.current).id !== keys.id
    ) {
      throw new StaleStoreError("DSSTALE moved");
    }
  }

  /** True when the store exists. */
  async has(name: string, deadline: number): Promise<boolean> {
    return (await this.lookup(name, deadline)) !== undefined;
  }

  /** Creates a store; false when it existed. */
  async createStore(name: string, deadline: number): Promise<boolean> {
    if ((await this.lookup(name, deadline)) !== undefined) return false;
    const { id, created } = await this.create(name, deadline);
    this.ids.set(name, id);
    return created;
  }

  /** Every store with its live size, sorted by name. */
  async listStores(
    deadline: number,
    count: (name: string, keys: StoreKeys) => Promise<number | undefined>,
  ): Promise<StoreInfo[]> {
    const found: { name: string; id: string }[] = [];
    let cursor = "0";
    do {
      const [next, fields] = await this.connection.call(false, deadline, (client) =>
        client.hscan(this.layout.directory, cursor, "COUNT", this.scanCount),
      );
      cursor = next;
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const entry = parseDirectoryEntry(fields[i + 1] as string);
        // The target of a rename in progress appears once the rename is done.
        if (entry.lock !== "in") found.push({ name: fields[i] as string, id: entry.id });
      }
    } while (cursor !== "0");
    const sizes = await Promise.all(found.map((f) => count(f.name, this.layout.store(f.id))));
    const out: StoreInfo[] = [];
    found.forEach((f, i) => {
      const size = sizes[i];
      if (size !== undefined) out.push({ name: f.name, size });
    });
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Renames a store: `STORE_NOT_FOUND`, `STORE_EXISTS`. */
  async rename(from: string, to: string, deadline: number): Promise<void> {
    for (;;) {
      const id = await this.lookup(from, deadline);
      if (id === undefined)
        throw createError("redis", "STORE_NOT_FOUND", `There is no store named "${from}".`);
      if (from === to) return;
      checkName(to);
      const locked = await this.lock(
        { kind: "rename", name: from, id, lockMs: LOCK_MS, target: to },
        deadline,
      );
      if (locked === "changed") continue;
      if (locked === "exists")
        throw createError("redis", "STORE_EXISTS", `A store named "${to}" exists already.`);
      const out = lockedEntry(id, "out", locked, to);
      const into = lockedEntry(id, "in", locked, from);
      const step = await this.connection.run(renameMetaScript, true, deadline, this.layout.store(id).all, {
        from,
        to,
        lockDeadline: locked,
      });
      if (step === "ok") {
        await this.settle(
          [
            [from, out, ""],
            [to, into, id],
          ],
          deadline,
        );
        this.ids.delete(from);
        this.ids.set(to, id);
        return;
      }
      await this.settle(
        [
          [from, out, id],
          [to, into, ""],
        ],
        deadline,
      );
      if (step === "stale") continue;
      throw storeError(
        "BACKEND_UNAVAILABLE",
        `renaming store "${from}" took too long; it was rolled back.`,
        this.connection.context(true),
      );
    }
  }

  /** Drops a store and its data; false when it did not exist. */
  async drop(name: string, deadline: number): Promise<boolean> {
    for (;;) {
      const id = await this.lookup(name, deadline);
      if (id === undefined) return false;
      const locked = await this.lock({ kind: "drop", name, id, lockMs: LOCK_MS }, deadline);
      if (locked === "changed") continue;
      const entry = lockedEntry(id, "drop", locked as number, "");
      const step = await this.connection.run(dropMetaScript, true, deadline, this.layout.store(id).all, {
        name,
        lockDeadline: locked as number,
        markerTtlMs: DROP_MARKER_MS,
      });
      if (step === "ok") {
        await this.settle([[name, entry, ""]], deadline);
        this.ids.delete(name);
        return true;
      }
      await this.settle([[name, entry, id]], deadline);
      if (step === "stale") continue;
      throw storeError(
        "BACKEND_UNAVAILABLE",
        `dropping store "${name}" took too long; it was rolled back.`,
        this.connection.context(true),
      );
    }
  }

  // --- internal ---

  /** The id of a store, or undefined when there is none; waits while a rename or drop holds it. */
  private async lookup(name: string, deadline: number): Promise<string | undefined> {
    checkName(name);
    for (;;) {
      const reply = await this.connection.run(dirGetScript, false, deadline, [this.layout.directory], {
        name,
      });
      if (reply.value === undefined) return undefined;
      const entry = parseDirectoryEntry(reply.value);
      if (entry.lock === undefined) return entry.id;
      if (reply.now > (entry.deadline ?? 0) + LOCK_GRACE_MS) {
        await this.recover(name, entry, deadline);
        continue;
      }
      if (Date.now() + 20 >= deadline) {
        throw storeError(
          "BACKEND_UNAVAILABLE",
          `store "${name}" is being renamed or dropped; try again.`,
          this.connection.context(false),
        );
      }
      await sleep(10);
    }
  }

  /** Creates the store's meta, then publishes its id; the id of whoever published first wins. */
  private async create(name: string, deadline: number): Promise<{ id: string; created: boolean }> {
    for (;;) {
      let id = preferredId(name);
      let status = await this.init(id, name, deadline);
      if (status === "taken") {
        id = randomId(id.slice(0, 40));
        status = await this.init(id, name, deadline);
      }
      const reply = await this.connection.run(dirCreateScript, true, deadline, [this.layout.directory], {
        name,
        id,
      });
      if (reply.created) return { id, created: true };
      const current = reply.current === undefined ? undefined : parseDirectoryEntry(reply.current);
      if (current?.id !== id && status === "ok" && id.includes("~")) {
        // Nobody else knows this random id: remove the meta we initialised for nothing.
        await this.connection
          .call(true, deadline, (client) => client.del(this.layout.store(id).meta))
          .catch(() => {});
      }
      if (current !== undefined && current.lock === undefined) return { id: current.id, created: false };
      const found = await this.lookup(name, deadline);
      if (found !== undefined) return { id: found, created: false };
    }
  }

  private init(id: string, name: string, deadline: number) {
    return this.connection.run(initScript, true, deadline, [this.layout.store(id).meta], { name });
  }

  /** Locks directory entries; the lock's deadline, or why not. */
  private lock(args: DirLockArgs, deadline: number) {
    return this.connection.run(dirLockScript, true, deadline, [this.layout.directory], args);
  }

  private async settle(triples: readonly (readonly [string, string, string])[], deadline: number) {
    await this.connection.run(dirSettleScript, true, deadline, [this.layout.directory], { triples });
  }

  /** Finishes or rolls back a rename/drop whose owner is gone, depending on whether the store's own meta was changed. */
  private async recover(name: string, entry: DirectoryEntry, deadline: number): Promise<void> {
    const keys = this.layout.store(entry.id);
    const [metaName, dropped] = await this.connection.call(false, deadline, (client) =>
      client.hmget(keys.meta, "n", "x"),
    );
    const lockDeadline = entry.deadline ?? 0;
    if (entry.lock === "drop") {
      const kept = metaName === name && dropped === null;
      await this.settle([[name, entry.raw, kept ? entry.id : ""]], deadline);
      return;
    }
    const from = entry.lock === "out" ? name : (entry.other ?? "");
    const to = entry.lock === "out" ? (entry.other ?? "") : name;
    const out = lockedEntry(entry.id, "out", lockDeadline, to);
    const into = lockedEntry(entry.id, "in", lockDeadline, from);
    const done = metaName === to;
    await this.settle(
      done
        ? [
            [from, out, ""],
            [to, into, entry.id],
          ]
        : [
            [from, out, entry.id],
            [to, into, ""],
          ],
      deadline,
    );
  }
}

/** Store names go to Redis as UTF-8: a lone surrogate would silently alias another name. */
function checkName(name: string): void {
  if (typeof name !== "string" || !name.isWellFormed()) {
    throw createError(
      "redis",
      "INVALID_ARGUMENT",
      "A store name must be a well-formed string (no lone surrogates), so that it cannot alias another store's name.",
    );
  }
}
