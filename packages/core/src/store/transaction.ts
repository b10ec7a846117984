import { StoreError } from "../errors.ts";
import { commitAtomically, retryOnConflict } from "./atomic.ts";
import type { DictSource } from "./dict-source.ts";
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
): Promise<TResult> {
  core.assertOpen();
  if (typeof fn !== "function") {
    throw new StoreError(
      "INVALID_ARGUMENT",
      "[@dictstore/core] transaction() takes a function: store.transaction((tx) => { ... }).",
    );
  }
  return retryOnConflict(
    `A transaction on store "${core.name}"`,
    async () => {
      const overlay = new TransactionOverlay(await source.prepare(), core.name);
      const result = fn(makeDict(new SyncStore(core, overlay)) as never);
      if (result instanceof Promise || (typeof result === "object" && result !== null && "then" in result)) {
        throw new StoreError(
          "INVALID_ARGUMENT",
          "[@dictstore/core] A transaction function must be synchronous: it may run again on conflict, so it cannot await. Nothing was written.",
        );
      }
      const writes = overlay.pendingWrites();
      if (writes.length === 0) return { committed: true, value: result };
      core.assertWritable();
      const outcome = await commitAtomically(core, overlay.checks(), writes);
      return outcome.ok ? { committed: true, value: result } : { committed: false };
    },
    () => source.afterConflict(),
  );
}
