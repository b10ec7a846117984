import type { BackendContract, LoadFilter } from "../backend.ts";
import type { StoreLimits } from "../limits.ts";

/** Options shared by `createStore`, `openStore` and `createAsyncStore`. */
export interface StoreOptions<TBackend extends BackendContract = BackendContract> {
  /** Where the data lives. @default what `url` names, else what `DICTSTORE_URL` names (openStore, createAsyncStore), else memory */
  backend?: TBackend;
  /**
   * Picks the backend by URL when `backend` is not given: `memory:`, `sqlite:<path>` (or a file path),
   * `redis://…`, `rediss://…`, `redis+cluster://host:port,…`. The store owns that backend and
   * disposes of it on `close`. @default `DICTSTORE_URL` when set (openStore and createAsyncStore)
   */
  url?: string;
  /** Which named store of the backend to use; stores are fully isolated. @default "default" */
  name?: string;
  /**
   * What reads return: `"copy"`, a fresh mutable copy on every read (the seed's "read, modify,
   * assign back"); `"frozen"`, a deeply frozen value shared between reads (faster; mutation throws).
   * @default "copy"
   */
  snapshots?: "copy" | "frozen";
  /** What a bracket read of a missing key does: `"undefined"`, or `"throw"` a `KEY_ERROR` like Python. @default "undefined" */
  missingKey?: "undefined" | "throw";
  /** Size limits on UTF-8 bytes, identical on every backend. @default DEFAULT_LIMITS */
  limits?: Partial<StoreLimits>;
  /** How many keys `keys()`/`values()`/`entries()` fetch per page. @default 500 */
  pageSize?: number;
  /** Reject every write with `READ_ONLY`. @default false */
  readOnly?: boolean;
  /**
   * Local views only (`openStore` over an asynchronous backend): load just these keys and prefixes
   * instead of the whole store. Touching any other key throws `NOT_LOADED`. @default the whole store
   */
  load?: LoadFilter;
  /**
   * On a view limited by `load`: what a listing without a prefix (`keys()`, `values()`, `entries()`,
   * `toObject()`, iteration) and `size` cover. `"held"`: what the view holds. `"whole"`: the whole
   * store, so they throw `NOT_LOADED` like any other touch outside the view (for a runtime that
   * widens the view and runs the code again when it reads past it, as workflow's `workingSet` does).
   * @default "held"
   */
  viewListings?: "held" | "whole";
}
