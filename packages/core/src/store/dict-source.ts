import type { Backend } from "../backend.ts";
import type { OperationMethod } from "./dict-operations.ts";

/**
 * What the synchronous dict reads and writes through: a synchronous backend itself, or a local
 * view that serves an asynchronous backend's data from memory.
 */
export type DictSource = Pick<Backend<true>, OperationMethod>;
