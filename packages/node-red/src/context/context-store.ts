import {
  type Backend,
  close,
  type DataStore,
  flush,
  isSyncBackend,
  openStore,
  refresh,
  StoreError,
} from "@dictstore/core";
import nodeRedUtil from "@node-red/util";
import { openBackend } from "../open-backend.ts";
import { parseStoreKey, scopePrefix, storeKeyOf } from "./scope-keys.ts";

const { util, log } = nodeRedUtil;

/** The `config` of a `contextStorage` entry that uses this module. */
export interface ContextStoreConfig {
  /** A dictstore URL; Redis (`redis://…`) to share context between Node-RED instances. @default DICTSTORE_URL, else SQLite at `<userDir>/.dictstore/data.db` */
  url?: string;
  /** The dictstore store that holds the context. @default "node-red" */
  store?: string;
  /**
   * Seconds between background refreshes of the local view over an asynchronous backend (Redis), so
   * synchronous reads see what other instances wrote; 0 turns them off. Unused on SQLite, whose
   * reads go to the file. @default 1
   */
  refreshInterval?: number;
  /** Copied in by Node-RED: its user directory. */
  settings?: { userDir?: string };
}

/** Node-RED's callback of `get`: the error, then one value per key asked for. */
export type GetCallback = (error: unknown, ...values: unknown[]) => void;
/** Node-RED's callback of `set`, `keys`. */
export type SetCallback = (error?: unknown) => void;
export type KeysCallback = (error: unknown, keys?: string[]) => void;

/** A Node-RED context store (the interface of Node-RED's built-in `memory` and `localfilesystem`). */
export interface NodeRedContextStore {
  open(): Promise<void>;
  close(): Promise<void>;
  get(scope: string, key: string | string[], callback?: GetCallback): unknown;
  set(scope: string, key: string | string[], value: unknown, callback?: SetCallback): void;
  keys(scope: string, callback?: KeysCallback): string[] | undefined;
  delete(scope: string): Promise<void>;
  clean(activeNodes: string[]): Promise<void>;
}

const DEFAULT_STORE = "node-red";
const DEFAULT_REFRESH_SECONDS = 1;
// Node-RED hides these names of the global scope from keys() (they were once methods of the context).
const HIDDEN_GLOBAL_KEYS: ReadonlySet<string> = new Set(["set", "get", "keys"]);

/** The top-level key of a property path, and whether the path goes deeper ("a.b[0]"). */
function splitPath(expression: string): { top: string; nested: boolean } {
  // Throws Node-RED's own INVALID_EXPR error for a malformed path, as the built-in stores do.
  const parts = util.normalisePropertyExpression(expression);
  return { top: String(parts[0]), nested: parts.length > 1 };
}

/**
 * A context store over any dictstore backend. Synchronous access reads and writes the store
 * directly (SQLite) or its local view (Redis: loaded at open, writes committed at the end of the
 * tick, refreshed in the background); the callback forms refresh before reading and resolve after
 * the writes are committed, so an acknowledged `set` is durable.
 */
class DictstoreContext implements NodeRedContextStore {
  readonly #config: ContextStoreConfig;
  #backend: Backend | undefined;
  #store: DataStore | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastWarning: string | undefined;

  constructor(config: ContextStoreConfig) {
    this.#config = config;
  }

  async open(): Promise<void> {
    const backend = await openBackend({ url: this.#config.url, userDir: this.#config.settings?.userDir });
    try {
      this.#store = await openStore({ backend, name: this.#config.store ?? DEFAULT_STORE });
    } catch (error) {
      await backend.dispose?.();
      throw error;
    }
    this.#backend = backend;
    const seconds = this.#config.refreshInterval ?? DEFAULT_REFRESH_SECONDS;
    if (!isSyncBackend(backend) && seconds > 0) {
      this.#timer = setInterval(() => void this.#sync(), seconds * 1000);
      this.#timer.unref();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    const store = this.#store;
    const backend = this.#backend;
    this.#store = undefined;
    this.#backend = undefined;
    if (store === undefined) return;
    try {
      await close(store);
    } finally {
      await backend?.dispose?.();
    }
  }

  get(scope: string, key: string | string[], callback?: GetCallback): unknown {
    if (callback === undefined) return this.#getAll(scope, key);
    this.#fresh().then(
      () => {
        let values: unknown[];
        try {
          values = Array.isArray(key) ? (this.#getAll(scope, key) as unknown[]) : [this.#getOne(scope, key)];
        } catch (error) {
          callback(error);
          return;
        }
        callback(undefined, ...values);
      },
      (error: unknown) => callback(error),
    );
    return undefined;
  }

  set(scope: string, key: string | string[], value: unknown, callback?: SetCallback): void {
    if (callback === undefined) {
      this.#setAll(scope, key, value);
      return;
    }
    try {
      this.#setAll(scope, key, value);
    } catch (error) {
      callback(error);
      return;
    }
    flush(this.#open()).then(
      () => callback(undefined),
      (error: unknown) => callback(error),
    );
  }

  keys(scope: string, callback?: KeysCallback): string[] | undefined {
    if (callback === undefined) return this.#keys(scope);
    this.#fresh().then(
      () => {
        let keys: string[];
        try {
          keys = this.#keys(scope);
        } catch (error) {
          callback(error);
          return;
        }
        callback(null, keys);
      },
      (error: unknown) => callback(error),
    );
    return undefined;
  }

  async delete(scope: string): Promise<void> {
    const store = this.#open();
    await refresh(store);
    const prefix = scopePrefix(scope);
    for (const storeKey of [...store.keys()]) if (storeKey.startsWith(prefix)) store.delete(storeKey);
    await flush(store);
  }

  async clean(activeNodes: string[]): Promise<void> {
    const store = this.#open();
    await refresh(store);
    const active = new Set(activeNodes);
    for (const storeKey of [...store.keys()]) {
      const parsed = parseStoreKey(storeKey);
      // A node scope is "<node id>:<flow id>"; a flow scope is the flow id: both go with their owner.
      if (parsed === undefined || parsed.scope === "global") continue;
      if (!active.has(parsed.scope.split(":")[0] as string)) store.delete(storeKey);
    }
    await flush(store);
  }

  #open(): DataStore {
    if (this.#store === undefined) {
      throw new StoreError(
        "CLOSED",
        "[@dictstore/node-red] The context store is not open: Node-RED opens it at start and closes it at stop.",
      );
    }
    return this.#store;
  }

  /** Brings the local view up to date before an asynchronous read (nothing to do on SQLite). */
  #fresh(): Promise<void> {
    try {
      return refresh(this.#open());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The background timer: commits what is buffered (a failed commit is retried), then brings in what others wrote. */
  async #sync(): Promise<void> {
    const store = this.#store;
    if (store === undefined) return;
    try {
      await refresh(store);
      this.#lastWarning = undefined;
    } catch (error) {
      if (this.#store !== store) return; // closed meanwhile: close() reports its own outcome
      // The writes stay buffered and are retried on the next tick; say so once per distinct error.
      const message = `[@dictstore/node-red] context store "${this.#config.store ?? DEFAULT_STORE}": ${String((error as Error).message ?? error)}`;
      if (message !== this.#lastWarning) log.warn(message);
      this.#lastWarning = message;
    }
  }

  #getAll(scope: string, key: string | string[]): unknown {
    return Array.isArray(key) ? key.map((one) => this.#getOne(scope, one)) : this.#getOne(scope, key);
  }

  #getOne(scope: string, expression: string): unknown {
    const { top, nested } = splitPath(expression);
    const value = this.#open().get(storeKeyOf(scope, top));
    if (value === undefined || !nested) return value;
    try {
      return util.getObjectProperty({ [top]: value }, expression);
    } catch (error) {
      if ((error as { code?: unknown }).code === "INVALID_EXPR") throw error;
      return undefined;
    }
  }

  #setAll(scope: string, key: string | string[], value: unknown): void {
    const keys = Array.isArray(key) ? key : [key];
    const values = Array.isArray(key) ? (Array.isArray(value) ? value : [value]) : [value];
    // As Node-RED's memory store: a key without a matching value is set to null.
    keys.forEach((one, index) => {
      this.#setOne(scope, one, index < values.length ? values[index] : null);
    });
  }

  #setOne(scope: string, expression: string, value: unknown): void {
    const store = this.#open();
    const { top, nested } = splitPath(expression);
    const storeKey = storeKeyOf(scope, top);
    if (!nested) {
      if (value === undefined) store.delete(storeKey);
      else store.set(storeKey, value);
      return;
    }
    // Nested paths ("a.b[0]") are applied to a copy of the top-level value, which is written back whole.
    const holder: Record<string, unknown> = {};
    const current = store.get(storeKey);
    if (current !== undefined) holder[top] = current;
    util.setObjectProperty(holder, expression, value);
    if (Object.hasOwn(holder, top) && holder[top] !== undefined) store.set(storeKey, holder[top]);
    else store.delete(storeKey);
  }

  #keys(scope: string): string[] {
    const prefix = scopePrefix(scope);
    const keys: string[] = [];
    for (const storeKey of this.#open().keys()) {
      if (!storeKey.startsWith(prefix)) continue;
      const key = storeKey.slice(prefix.length);
      if (scope === "global" && HIDDEN_GLOBAL_KEYS.has(key)) continue;
      keys.push(key);
    }
    return keys;
  }
}

/** Node-RED's context-store factory: `contextStorage: { ds: { module: require("@dictstore/node-red/context"), config } }`. */
export function contextStore(config: ContextStoreConfig = {}): NodeRedContextStore {
  return new DictstoreContext(config);
}
// Node-RED logs a store's module by its own toString(): "module=@dictstore/node-red" instead of "custom".
contextStore.toString = () => "@dictstore/node-red";
