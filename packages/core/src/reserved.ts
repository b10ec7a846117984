import { DICT_METHODS, DICT_PROPERTIES } from "./store/dict-methods.ts";

/**
 * Names that the store proxy answers itself: its methods and properties. Reading one gives the
 * method; assigning or deleting one by property throws `RESERVED_KEY`. Data keys with these names
 * still work through `get`/`set`/`has`/`delete`.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([...Object.keys(DICT_METHODS), ...DICT_PROPERTIES]);

/** True when `name` is reserved on the store proxy. */
export function isReservedKey(name: string): boolean {
  return RESERVED_KEYS.has(name);
}
