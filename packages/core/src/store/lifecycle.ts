import { type Backend, type BackendContract, isSyncBackend } from "../backend.ts";
import { StoreError } from "../errors.ts";
import { backendFromUrl, withEnvUrl } from "../url/backend-from-url.ts";
import { lazyBackend } from "../url/lazy-backend.ts";
import { parseStoreUrl } from "../url/parse-store-url.ts";
import { CORE_VERSION } from "../version.ts";
import { LocalView } from "../view/local-view.ts";
import { createAsyncFacade } from "./async-store.ts";
import { createDictProxy } from "./dict-proxy.ts";
import type { StoreOptions } from "./options.ts";
import { StoreCore } from "./store-core.ts";
import { SyncStore } from "./sync-store.ts";
import {
  directTransactionSource,
  loadingTransactionSource,
  runTransaction,
  type TransactionSource,
} from "./transaction.ts";
import type { AsyncDataStore, DataStore } from "./types.ts";

/** What the free functions need to know about a store they are handed. */
interface StoreHandle {
  readonly core: StoreCore;
  /** Where transactions and staged writes read. */
  readonly transactions: TransactionSource;
  /** Sends buffered writes (local views); nothing to do for direct stores. */
  flush(): Promise<void>;
  /** Brings the view up to date (local views); nothing to do for direct stores. */
  refresh(): Promise<void>;
  /** Called once the store is closed: a local view keeps its data for the next open. */
  closed?(): void;
  /** Drops buffered writes a failed close() reported to its caller (local views). */
  discard?(): void;
}

// valtio-style: state lives beside the proxy, so the proxy itself exposes nothing but data and methods.
// One table per version of this package in the process, shared by its ESM and CommonJS builds: Node
// loads both when a CommonJS package (a Node-RED node, a BullMQ worker file) and ESM code use core, and
// a store opened through one must be flushed, refreshed and closed through the other.
const HANDLES_KEY = Symbol.for(`@dictstore/core@${CORE_VERSION}:store-handles`);
const shared = globalThis as { [HANDLES_KEY]?: WeakMap<object, StoreHandle> };
shared[HANDLES_KEY] ??= new WeakMap<object, StoreHandle>();
const handles: WeakMap<object, StoreHandle> = shared[HANDLES_KEY];

function handleOf(store: unknown, action: string): StoreHandle {
  const handle = typeof store === "object" && store !== null ? handles.get(store) : undefined;
  if (handle === undefined) {
    throw new StoreError(
      "INVALID_ARGUMENT",
      `[@dictstore/core] ${action}() takes a store made by createStore, openStore or createAsyncStore.`,
    );
  }
  return handle;
}

/** Registers a store object with its handle; used by every way of opening a store. */
export function registerStore<TStore extends object>(store: TStore, handle: StoreHandle): TStore {
  handles.set(store, handle);
  return store;
}

const directHandle = (core: StoreCore, transactions: TransactionSource): StoreHandle => ({
  core,
  transactions,
  flush: async () => core.assertOpen(),
  refresh: async () => core.assertOpen(),
});

/** Opens a dict store over a synchronous backend (memory by default). Every operation goes straight to the backend. */
export function createStore<T = Record<string, unknown>>(
  options: StoreOptions<BackendContract<true>> = {},
): DataStore<T> {
  if ((options as StoreOptions).url !== undefined && options.backend === undefined) {
    throw new StoreError(
      "UNSUPPORTED_OPERATION",
      "[@dictstore/core] createStore() is synchronous, so it cannot open a backend by URL: use `await openStore({ url })` (or createAsyncStore({ url })).",
    );
  }
  const backend: BackendContract | undefined = options.backend;
  if (backend !== undefined && !isSyncBackend(backend)) {
    throw new StoreError(
      "UNSUPPORTED_OPERATION",
      `[@dictstore/core] [${backend.name}] This backend is asynchronous, so a dict over it needs a local view: use \`await openStore({ backend })\` (or createAsyncStore).`,
    );
  }
  const core = new StoreCore(options);
  const store = new SyncStore(core);
  return registerStore(createDictProxy<T>(store), directHandle(core, directTransactionSource(store)));
}

/** Opens a dict store over any backend: directly for synchronous backends, through a local view for asynchronous ones. */
export async function openStore<T = Record<string, unknown>>(
  givenOptions: StoreOptions = {},
): Promise<DataStore<T>> {
  const options = withEnvUrl(givenOptions);
  if (options.backend === undefined && options.url !== undefined) {
    const backend = await backendFromUrl(options.url);
    try {
      const store = await openStore<T>({ ...options, backend });
      handleOf(store, "openStore").core.ownsBackend = true;
      return store;
    } catch (error) {
      await backend.dispose?.();
      throw error;
    }
  }
  if (options.backend === undefined || isSyncBackend(options.backend)) {
    return createStore<T>(options as StoreOptions<BackendContract<true>>);
  }
  const core = new StoreCore(options);
  const view = new LocalView(core, options.load, options.viewListings === "whole");
  core.channel = view;
  await view.load();
  const store = new SyncStore(core, view);
  return registerStore(createDictProxy<T>(store), new ViewHandle(core, directTransactionSource(store), view));
}

/** The handle of a store served by a local view (a class, so an open makes no closures for it). */
class ViewHandle implements StoreHandle {
  constructor(
    readonly core: StoreCore,
    readonly transactions: TransactionSource,
    private readonly view: LocalView,
  ) {}

  flush(): Promise<void> {
    return this.view.flush();
  }

  refresh(): Promise<void> {
    return this.view.refresh();
  }

  closed(): void {
    this.view.park();
  }

  discard(): void {
    this.view.discard();
  }
}

/** Opens the all-async form of a store (every method returns a promise), over any backend. */
export function createAsyncStore<T = Record<string, unknown>>(
  givenOptions: StoreOptions = {},
): AsyncDataStore<T> {
  const options = withEnvUrl(givenOptions);
  const { url } = options;
  const fromUrl = options.backend === undefined && url !== undefined;
  const core = new StoreCore(
    fromUrl
      ? { ...options, backend: lazyBackend(parseStoreUrl(url).kind, () => backendFromUrl(url)) }
      : options,
  );
  if (fromUrl) core.ownsBackend = true;
  return registerStore(
    createAsyncFacade<T>(core),
    directHandle(core, loadingTransactionSource(core, options.load)),
  );
}

/** Options of `withStagedWrites`. */
export interface StagedWritesOptions {
  /**
   * `"none"`: commit the writes as they are (last writer wins per key). `"serializable"`: commit
   * only if nothing `fn` read changed meanwhile, else run `fn` again on fresh data (so `fn` must have
   * no side effects outside the store). @default "none"
   */
  isolation?: "none" | "serializable";
}

/**
 * Runs `fn` (sync or async) on a dict of `store` whose writes are held back: they are committed
 * together, atomically, when `fn` resolves, and discarded when it throws (nothing partial lands).
 * This is the output gate and commit-on-success of a workflow step.
 */
export async function withStagedWrites<T, TResult>(
  store: DataStore<T> | AsyncDataStore<T>,
  fn: (dict: DataStore<T>) => TResult,
  options: StagedWritesOptions = {},
): Promise<Awaited<TResult>> {
  const handle = handleOf(store, "withStagedWrites");
  return runTransaction(handle.core, handle.transactions, fn as (tx: never) => TResult, createDictProxy, {
    async: true,
    checked: options.isolation === "serializable",
  });
}

/** Resolves once every write made so far is committed; rejects with the error of a failed commit. */
export function flush(store: object): Promise<void> {
  return handleOf(store, "flush").flush();
}

/** Brings a store's view up to date with what others committed. */
export function refresh(store: object): Promise<void> {
  return handleOf(store, "refresh").refresh();
}

/**
 * Flushes, then closes a store: later use throws `CLOSED`. A backend the store created itself is
 * disposed of. When the flush fails, close() still closes and releases everything (connections
 * included, so the process can exit), then rejects with the flush's error: the writes it names were
 * not committed (or, for `UNKNOWN_OUTCOME`, may not have been).
 */
export async function close(store: object): Promise<void> {
  const handle = handleOf(store, "close");
  if (handle.core.closed) return;
  const flushed = await handle.flush().then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  handle.core.closed = true;
  if (!flushed.ok) handle.discard?.();
  else if (!handle.core.ownsBackend) handle.closed?.();
  const disposed = handle.core.ownsBackend ? handle.core.backend.dispose?.() : undefined;
  if (flushed.ok) {
    await disposed;
    return;
  }
  await disposed?.catch(() => undefined); // the flush's error is the one that matters
  throw flushed.error;
}

/** The backend a store uses. */
export function backendOf(store: object): Backend {
  return handleOf(store, "backendOf").core.backend;
}

/** True for a store made by createStore, openStore or createAsyncStore. */
export function isStore(value: unknown): boolean {
  return typeof value === "object" && value !== null && handles.has(value);
}
