import { close, type DataStore, isStoreError, type LoadFilter } from "@dictstore/core";
import { freshen } from "./freshen.ts";

/** A view of a working set, shared by the runs of a step that use it at the same time. */
interface SharedView {
  readonly store: Promise<DataStore>;
  /** The keys it loaded; `undefined`: the whole store. */
  readonly keys: ReadonlySet<string> | undefined;
  users: number;
  /** A wider view replaced it: it is closed once its last run releases it. */
  retired: boolean;
}

/** A store a run uses; `release` it when the run is over. */
export interface Lease {
  readonly store: DataStore;
  /** True when the view holds this key (`undefined`: the whole store). */
  covers(key: string | undefined): boolean;
  release(): void;
}

/**
 * What one step has touched in one store, and the view open on exactly those keys. Recorded per
 * process: a new worker process learns the set again, one round trip per key, within a few runs.
 * Never shrinks: a key touched once stays loaded (it is cheap to keep, and runs that touch it again
 * are the common case).
 */
export class WorkingSet {
  readonly keys = new Set<string>();
  /** A run listed the whole store: from now on the step gets a full view. */
  all = false;
  private view: SharedView | undefined;

  constructor(private readonly open: (filter: LoadFilter | undefined) => Promise<DataStore>) {}

  /** A view of every key recorded so far: the current one brought up to date, or a new one (one load). */
  async acquire(): Promise<Lease> {
    let view = this.view;
    const reused = view !== undefined;
    if (view === undefined) {
      const keys = this.all ? undefined : new Set(this.keys);
      const opened: SharedView = {
        store: this.open(keys === undefined ? undefined : { keys: [...keys] }),
        keys,
        users: 0,
        retired: false,
      };
      view = opened;
      this.view = opened;
      opened.store.catch(() => {
        if (this.view === opened) this.view = undefined;
      });
    }
    const held = view;
    held.users++;
    const release = () => this.release(held);
    try {
      const store = await held.store;
      if (reused) await freshen(store);
      const covers = (key: string | undefined) =>
        held.keys === undefined || (key !== undefined && held.keys.has(key));
      return { store, covers, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Records what a run missed: a key (`undefined`: the whole store, for a listing) that the next
   * view must hold. Nothing changes when a concurrent run has learned it already.
   */
  learn(key: string | undefined): void {
    if (this.all || (key !== undefined && this.keys.has(key))) return;
    if (key === undefined) this.all = true;
    else this.keys.add(key);
    const old = this.view;
    this.view = undefined;
    if (old !== undefined) {
      old.retired = true;
      if (old.users === 0) closeView(old);
    }
  }

  private release(view: SharedView): void {
    view.users--;
    if (view.retired && view.users === 0) closeView(view);
  }
}

function closeView(view: SharedView): void {
  view.store.then(close).catch(() => {
    // A view that failed to open or close holds nothing to lose: its runs' writes were committed or discarded.
  });
}

/**
 * The key a run touched outside a working-set view of store `name`: `{ key }` for `NOT_LOADED` on a
 * key (`key: undefined` when it listed the whole store), or `undefined` when the error is anything
 * else (an unrelated failure is reported, never re-run for).
 */
export function missOf(error: unknown, name: string): { key: string | undefined } | undefined {
  if (!isStoreError(error, "NOT_LOADED")) return undefined;
  // Another store's miss is not this view's to learn. A prefix listing it did not load (`key`
  // undefined) widens the set to the whole store, as a full listing does.
  if (error.store !== name) return undefined;
  return { key: error.key };
}
