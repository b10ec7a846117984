import {
  type AsyncDataStore,
  close,
  type DataStore,
  flush,
  isReservedKey,
  refresh,
  type SetOptions,
} from "@dictstore/core";

/** The three ways into a store that every dict-semantics test runs through. */
export type Mode = "createStore" | "openStore" | "createAsyncStore";

/** A key as users pass it: strings, or numbers that become strings. */
export type AnyKey = string | number;

/**
 * One store handle seen through a uniform, awaitable interface, so a test body runs unchanged on
 * the dict (sync or local view) and on the async API. Dict handles use dict syntax where a user
 * would (`store[k] = v`, `store[k]`, `k in store`); reserved names go through `set`/`get`.
 */
export interface Subject {
  readonly mode: Mode;
  /** The dict proxy in dict modes, `undefined` for the async API. */
  readonly dict: DataStore | undefined;
  /** The async store in `createAsyncStore` mode, `undefined` otherwise. */
  readonly async: AsyncDataStore | undefined;
  /** The handle itself (for flush/refresh/close and identity checks). */
  readonly handle: object;
  set(key: AnyKey, value: unknown, options?: SetOptions): Promise<void>;
  /** A bracket read on the dict, `get(key)` on the async API. */
  read(key: AnyKey): Promise<unknown>;
  get(key: AnyKey, ...fallback: [unknown?]): Promise<unknown>;
  has(key: AnyKey): Promise<boolean>;
  delete(key: AnyKey): Promise<boolean>;
  keys(): Promise<string[]>;
  values(): Promise<unknown[]>;
  entries(): Promise<[string, unknown][]>;
  size(): Promise<number>;
  clear(): Promise<void>;
  setTtl(key: AnyKey, seconds: number | null): Promise<boolean>;
  getTtl(key: AnyKey): Promise<number | null | undefined>;
  toObject(): Promise<Record<string, unknown>>;
  pop(key: AnyKey, ...fallback: [unknown?]): Promise<unknown>;
  setdefault(key: AnyKey, value: unknown): Promise<unknown>;
  update(mapping: unknown): Promise<void>;
  increment(key: AnyKey, by?: number): Promise<number>;
  flush(): Promise<void>;
  refresh(): Promise<void>;
  close(): Promise<void>;
}

async function collect<TItem>(items: AsyncIterable<TItem>): Promise<TItem[]> {
  const out: TItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const bracketable = (key: AnyKey): boolean => typeof key === "number" || !isReservedKey(key);

/** Wraps a dict proxy (from createStore or openStore). */
export function dictSubject(mode: Mode, store: DataStore): Subject {
  // The proxy as a plain bag of properties, for bracket syntax with any key.
  const bag = store as unknown as Record<string, unknown>;
  const methods = store as unknown as {
    get(key: AnyKey, fallback?: unknown): unknown;
    set(key: AnyKey, value: unknown, options?: SetOptions): void;
    has(key: AnyKey): boolean;
    delete(key: AnyKey): boolean;
    setTtl(key: AnyKey, seconds: number | null): boolean;
    getTtl(key: AnyKey): number | null | undefined;
    pop(key: AnyKey, fallback?: unknown): unknown;
    setdefault(key: AnyKey, value: unknown): unknown;
    update(mapping: unknown): void;
    increment(key: AnyKey, by?: number): Promise<number>;
  };
  return {
    mode,
    dict: store,
    async: undefined,
    handle: store,
    set: async (key, value, options) => {
      if (options === undefined && bracketable(key)) bag[key] = value;
      else methods.set(key, value, options);
    },
    read: async (key) => (bracketable(key) ? bag[key] : methods.get(key)),
    get: async (key, ...fallback) => (fallback.length > 0 ? methods.get(key, fallback[0]) : methods.get(key)),
    has: async (key) => key in store,
    delete: async (key) => methods.delete(key),
    keys: async () => [...store.keys()],
    values: async () => [...store.values()],
    entries: async () => [...store.entries()],
    size: async () => store.size,
    clear: async () => store.clear(),
    setTtl: async (key, seconds) => methods.setTtl(key, seconds),
    getTtl: async (key) => methods.getTtl(key),
    toObject: async () => store.toObject() as Record<string, unknown>,
    pop: async (key, ...fallback) => (fallback.length > 0 ? methods.pop(key, fallback[0]) : methods.pop(key)),
    setdefault: async (key, value) => methods.setdefault(key, value),
    update: async (mapping) => methods.update(mapping),
    increment: (key, by) => methods.increment(key, by),
    flush: () => flush(store),
    refresh: () => refresh(store),
    close: () => close(store),
  };
}

/** Wraps an async store (from createAsyncStore). */
export function asyncSubject(store: AsyncDataStore): Subject {
  const methods = store as unknown as {
    get(key: AnyKey, fallback?: unknown): Promise<unknown>;
    set(key: AnyKey, value: unknown, options?: SetOptions): Promise<void>;
    has(key: AnyKey): Promise<boolean>;
    delete(key: AnyKey): Promise<boolean>;
    setTtl(key: AnyKey, seconds: number | null): Promise<boolean>;
    getTtl(key: AnyKey): Promise<number | null | undefined>;
    pop(key: AnyKey, fallback?: unknown): Promise<unknown>;
    setdefault(key: AnyKey, value: unknown): Promise<unknown>;
    update(mapping: unknown): Promise<void>;
    increment(key: AnyKey, by?: number): Promise<number>;
  };
  return {
    mode: "createAsyncStore",
    dict: undefined,
    async: store,
    handle: store,
    set: (key, value, options) => methods.set(key, value, options),
    read: (key) => methods.get(key),
    get: (key, ...fallback) => (fallback.length > 0 ? methods.get(key, fallback[0]) : methods.get(key)),
    has: (key) => methods.has(key),
    delete: (key) => methods.delete(key),
    keys: () => collect(store.keys()),
    values: () => collect(store.values()),
    entries: () => collect(store.entries()),
    size: () => store.size(),
    clear: () => store.clear(),
    setTtl: (key, seconds) => methods.setTtl(key, seconds),
    getTtl: (key) => methods.getTtl(key),
    toObject: () => store.toObject() as Promise<Record<string, unknown>>,
    pop: (key, ...fallback) => (fallback.length > 0 ? methods.pop(key, fallback[0]) : methods.pop(key)),
    setdefault: (key, value) => methods.setdefault(key, value),
    update: (mapping) => methods.update(mapping),
    increment: (key, by) => methods.increment(key, by),
    flush: () => flush(store),
    refresh: () => refresh(store),
    close: () => close(store),
  };
}
