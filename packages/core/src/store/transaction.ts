import type { LoadFilter } from "../backend.ts";
import { StoreError } from "../errors.ts";
import { LocalView } from "../view/local-view.ts";
import { commitAtomically, retryOnConflict } from "./atomic.ts";
import type { DictSource } from "./dict-source.ts";
import { operationTokens } from "./idempotency.ts";
import type { StoreCore } from "./store-core.ts";
import { SyncStore } from "./sync-store.ts";
import { TransactionOverlay } from "./transaction-overlay.ts";

/** Where a transaction reads: a current synchronous source for each attempt, and what to do after a conflict. */
export interface TransactionSource {
  /** A source that is current enough to run the function on (a view flushes its own writes first). */
  prepare(): Promise<DictSource>;
  /** Called after a conflict, before the next attempt (a view refreshes). */
  afterConflict(): Promise<void>;
}

/** Makes the dict a transaction function receives; injected so this module does not import the proxy. */
export type DictFactory = (store: SyncStore) => unknown;

/** How a transaction runs: may `fn` be async, and are its reads checked at commit. */
export interface TransactionMode {
  readonly async: boolean;
  readonly checked: boolean;
}

const SYNC_CHECKED: TransactionMode = { async: false, checked: true };

function isThenable(value: unknown): boolean {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** A transaction over a dict store's own source: the backend itself, or its local view after a flush. */
export function directTransactionSource(store: SyncStore): TransactionSource {
  return new DirectTransactionSource(store);
}

/** See directTransactionSource; a class, so opening a store makes no closures for it. */
class DirectTransactionSource implements TransactionSource {
  constructor(private readonly store: SyncStore) {}

  async prepare(): Promise<DictSource> {
    await this.store.core.channel.prepare();
    return this.store.backend;
  }

  afterConflict(): Promise<void> {
    return this.store.core.channel.refresh();
  }
}

/** A transaction for the async API, which has no view: each attempt loads one (the whole store or `filter`). */
export function loadingTransactionSource(core: StoreCore, filter: LoadFilter | undefined): TransactionSource {
  return {
    prepare: async () => {
      const view = new LocalView(core, filter);
      await view.load();
      return view;
    },
    afterConflict: () => Promise.resolve(),
  };
}

/**
 * Runs `fn` on a dict whose reads are recorded and whose writes are held back, then commits the writes
 * only if nothing it read changed meanwhile; otherwise runs it again on fresh data. `fn` must be
 * synchronous and free of side effects, since it may run more than once.
 */
export async function runTransaction<TResult>(
  core: StoreCore,
  source: TransactionSource,
  fn: (tx: never) => TResult,
  makeDict: DictFactory,
  mode: TransactionMode = SYNC_CHECKED,
): Promise<Awaited<TResult>> {
  core.assertOpen();
  if (typeof fn !== "function") {
    throw new StoreError(
      "INVALID_ARGUMENT",
      "[@dictstore/core] transaction() takes a function: store.transaction((tx) => { ... }).",
    );
  }
  const tokens = operationTokens(core.name, "transaction");
  let attempt = -1;
  return retryOnConflict(
    `A transaction on store "${core.name}"`,
    async () => {
      attempt++;
      const overlay = new TransactionOverlay(await source.prepare(), core.name);
      // Atomic operations inside `fn` get the same tokens on every attempt: they apply once.
      const returned = tokens.nest(() => fn(makeDict(new SyncStore(core, overlay)) as never));
      if (!mode.async && isThenable(returned)) {
        throw new StoreError(
          "INVALID_ARGUMENT",
          "[@dictstore/core] A transaction function must be synchronous: it may run again on conflict, so it cannot await. Nothing was written.",
        );
      }
      const result = (await returned) as Awaited<TResult>;
      const writes = overlay.pendingWrites();
      if (writes.length === 0) return { committed: true, value: result };
      core.assertWritable();
      const outcome = await commitAtomically(
        core,
        mode.checked ? overlay.checks() : [],
        writes,
        tokens,
        attempt,
      );
      return outcome.ok ? { committed: true, value: result } : { committed: false };
    },
    () => source.afterConflict(),
  );
}
