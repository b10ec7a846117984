/**
 * Names that the store proxy answers itself. Reading one gives the method; assigning or deleting one
 * by property throws `RESERVED_KEY`. Data keys with these names still work through
 * `get`/`set`/`has`/`delete`. Names for later features are reserved now so adding them never shadows data.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  // the seed's dict API
  "get",
  "set",
  "has",
  "delete",
  "keys",
  "values",
  "entries",
  "clear",
  "setTtl",
  "getTtl",
  "size",
  "toObject",
  "toJSON",
  // Python dict extras
  "pop",
  "setdefault",
  "update",
  // atomic operations
  "increment",
  "setIfAbsent",
  "append",
  "transaction",
  // always undefined, so `await store` and `return store` work
  "then",
]);

/** True when `name` is reserved on the store proxy. */
export function isReservedKey(name: string): boolean {
  return RESERVED_KEYS.has(name);
}
