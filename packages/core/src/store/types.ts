import type { Draft } from "immer";
import type { LoadFilter } from "../backend.ts";
import type { ListingOptions } from "./dict-operations.ts";
import type { SetOptions } from "./store-core.ts";

/** The string keys of a store schema. */
export type StoreKey<T> = Extract<keyof T, string>;

/** A value of a store schema. */
export type StoreValue<T> = T[StoreKey<T>];

/** `unknown` for a key without a schema type (so a value type can be inferred), `never` otherwise. */
export type UntypedValue<TValue> = unknown extends TValue ? unknown : never;

/** A producer for `update(key, recipe)`: mutate the draft, or return a new value. */
// biome-ignore lint/suspicious/noConfusingVoidType: a recipe that only mutates the draft returns nothing.
export type UpdateRecipe<TValue> = (draft: Draft<TValue>) => NoInfer<TValue> | undefined | void;

/** Options of `transaction` on the async API. */
export interface TransactionOptions {
  /** Load only these keys and prefixes for the transaction (the async API loads the whole store by default). */
  load?: LoadFilter;
}

/** Atomic operations: always committed through the backend's conditional commit; they return promises on every backend. */
export interface AtomicMethods<T> {
  /** Adds `by` (default 1) to a number, a missing key starting at 0; resolves to the new number. Keeps the key's TTL. */
  increment<K extends StoreKey<T>>(key: K, by?: number): Promise<number>;
  /** Writes only if the key is missing; resolves to true when this call inserted it. */
  setIfAbsent<K extends StoreKey<T>>(key: K, value: T[K], options?: SetOptions): Promise<boolean>;
  /** Appends items to the list under `key` (created when missing); resolves to the new length. */
  append<K extends StoreKey<T>>(key: K, ...items: unknown[]): Promise<number>;
  /**
   * Runs `fn` on the dict with its reads recorded and its writes held back; commits the writes
   * atomically only if nothing it read changed, else runs it again on fresh data. `fn` must be
   * synchronous and free of side effects (it may run more than once). Resolves to what `fn` returns.
   */
  transaction<TResult>(fn: (tx: DataStore<T>) => TResult, options?: TransactionOptions): Promise<TResult>;
}

/** The methods and reserved names of a dict store (see RESERVED_KEYS). */
export interface StoreMethods<T> extends AtomicMethods<T> {
  /** The value, or `undefined` when missing. */
  get<K extends StoreKey<T>>(key: K | number): T[K] | undefined;
  /** The value, or `fallback` when missing (a present falsy value is returned as is). */
  get<K extends StoreKey<T>>(key: K | number, fallback: T[K]): T[K];
  get<K extends StoreKey<T>, D>(key: K | number, fallback: D): T[K] | D;
  /** Writes a value; `{ ttl }` in seconds. The value is serialized at once. */
  set<K extends StoreKey<T>>(key: K | number, value: T[K], options?: SetOptions): void;
  /** True when the key is present. */
  has(key: StoreKey<T> | number): boolean;
  /** Deletes a key; true when it was present. */
  delete(key: StoreKey<T> | number): boolean;
  /** A lazy iterable of keys (only those starting with `prefix` when given), fetched page by page. */
  keys(options?: ListingOptions): Iterable<StoreKey<T>>;
  /** A lazy iterable of values (fresh copies), fetched page by page. */
  values(options?: ListingOptions): Iterable<StoreValue<T>>;
  /** A lazy iterable of `[key, value]` pairs, fetched page by page. */
  entries(options?: ListingOptions): Iterable<[StoreKey<T>, StoreValue<T>]>;
  /** Deletes every key of this store (irreversible). */
  clear(): void;
  /** Sets a TTL in seconds, or removes it with `null`; false when the key is missing. */
  setTtl(key: StoreKey<T> | number, seconds: number | null): boolean;
  /** Seconds left to live; `null` when the key never expires; `undefined` when it is missing. */
  getTtl(key: StoreKey<T> | number): number | null | undefined;
  /** The number of live keys. */
  readonly size: number;
  /** Every record (or those under `prefix`) as a plain object. */
  toObject(options?: ListingOptions): Partial<T>;
  /** Same as `toObject()`, so `JSON.stringify(store)` works. */
  toJSON(): Partial<T>;
  /** Removes a key and returns its value; throws `KEY_ERROR` when missing unless a fallback is given. */
  pop<K extends StoreKey<T>>(key: K | number): T[K];
  pop<K extends StoreKey<T>, D>(key: K | number, fallback: D): T[K] | D;
  /** The value when present; otherwise writes `value` and returns it. */
  setdefault<K extends StoreKey<T>>(key: K | number, value: T[K]): T[K];
  /**
   * Dict `update`: writes every pair of an object, Map or iterable of pairs, all or nothing. Pairs
   * apply in the argument's own iteration order: when two of its keys name one store key (`10` and
   * `"10"`), the last one iterated wins, as in Python's `dict.update`.
   */
  update(mapping: Partial<T> | Iterable<readonly [StoreKey<T>, StoreValue<T>]>): void;
  /**
   * Atomic update on an untyped key: the draft's type is inferred from `initial`, so
   * `update("profile", (p) => { p.visits++ }, { visits: 0 })` type-checks on a `DataStore` without a schema.
   */
  update<K extends StoreKey<T>, V extends UntypedValue<T[K]>>(
    key: K,
    recipe: UpdateRecipe<V>,
    initial: V,
  ): Promise<V>;
  /** Atomic update: runs an immer recipe on the current value (or `initial`); commits only if the key did not change meanwhile. */
  update<K extends StoreKey<T>, V extends T[K] = T[K]>(
    key: K,
    recipe: UpdateRecipe<V>,
    initial?: NoInfer<V>,
  ): Promise<V>;
  /** Always `undefined`, so `await store` and `return store` from an async function work. */
  readonly then: undefined;
  /** Iterates the keys: `for (const key of store)`. */
  [Symbol.iterator](): Iterator<StoreKey<T>>;
}

/**
 * A dict-like store: `store.k = v`, `"k" in store`, `delete store.k`, plus the reserved methods.
 * `T` is the schema of the records, e.g. `DataStore<{ counter: number; emails: string[] }>`.
 */
export type DataStore<T = Record<string, unknown>> = StoreMethods<T> & { -readonly [K in keyof T]?: T[K] };

/** The all-async form of a store (Pipedream's Node.js API): every method returns a promise. */
export interface AsyncDataStore<T = Record<string, unknown>> extends AtomicMethods<T> {
  get<K extends StoreKey<T>>(key: K | number): Promise<T[K] | undefined>;
  get<K extends StoreKey<T>>(key: K | number, fallback: T[K]): Promise<T[K]>;
  get<K extends StoreKey<T>, D>(key: K | number, fallback: D): Promise<T[K] | D>;
  set<K extends StoreKey<T>>(key: K | number, value: T[K], options?: SetOptions): Promise<void>;
  has(key: StoreKey<T> | number): Promise<boolean>;
  delete(key: StoreKey<T> | number): Promise<boolean>;
  /** A lazy async iterable of keys: `for await (const k of store.keys())`. */
  keys(options?: ListingOptions): AsyncIterable<StoreKey<T>>;
  values(options?: ListingOptions): AsyncIterable<StoreValue<T>>;
  entries(options?: ListingOptions): AsyncIterable<[StoreKey<T>, StoreValue<T>]>;
  clear(): Promise<void>;
  setTtl(key: StoreKey<T> | number, seconds: number | null): Promise<boolean>;
  getTtl(key: StoreKey<T> | number): Promise<number | null | undefined>;
  /** The number of live keys. */
  size(): Promise<number>;
  toObject(options?: ListingOptions): Promise<Partial<T>>;
  pop<K extends StoreKey<T>>(key: K | number): Promise<T[K]>;
  pop<K extends StoreKey<T>, D>(key: K | number, fallback: D): Promise<T[K] | D>;
  setdefault<K extends StoreKey<T>>(key: K | number, value: T[K]): Promise<T[K]>;
  /** Dict `update`, awaited; the same rules as the dict's (the last of two colliding keys wins). */
  update(mapping: Partial<T> | Iterable<readonly [StoreKey<T>, StoreValue<T>]>): Promise<void>;
  update<K extends StoreKey<T>, V extends UntypedValue<T[K]>>(
    key: K,
    recipe: UpdateRecipe<V>,
    initial: V,
  ): Promise<V>;
  update<K extends StoreKey<T>, V extends T[K] = T[K]>(
    key: K,
    recipe: UpdateRecipe<V>,
    initial?: NoInfer<V>,
  ): Promise<V>;
  /** Iterates the keys: `for await (const key of store)`. */
  [Symbol.asyncIterator](): AsyncIterator<StoreKey<T>>;
}
