import type { Backend } from "../backend.ts";

/**
 * What the synchronous dict reads and writes through: a synchronous backend itself, or a local
 * view that serves an asynchronous backend's data from memory.
 */
export type DictSource = Pick<
  Backend<true>,
  | "get"
  | "has"
  | "set"
  | "setMany"
  | "delete"
  | "listKeys"
  | "listEntries"
  | "count"
  | "clear"
  | "getTtl"
  | "setTtl"
>;
