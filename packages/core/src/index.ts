export type {
  AsyncBackend,
  Backend,
  BackendContract,
  BackendEntry,
  BackendFactory,
  BackendFlags,
  BackendResult,
  ChangeSet,
  CommitCheck,
  CommitRequest,
  CommitResult,
  CommitWrite,
  EntryPage,
  FastPaths,
  IncrementRequest,
  IncrementResult,
  KeyPage,
  ListedEntry,
  ListOptions,
  LoadFilter,
  MaxKeys,
  MaybePromise,
  RequiredBackend,
  SetEntry,
  StoreInfo,
  StoreSnapshot,
  SyncBackend,
  WriteOptions,
} from "./backend.ts";
export { FAST_PATHS, isSyncBackend } from "./backend.ts";
export { TOMBSTONE_LIMIT } from "./change-history.ts";
export { addToStoredNumber } from "./codec/add-to-number.ts";
export { decodeValue, encodeValue, RICH_ENCODING_MARK } from "./codec/codec.ts";
export type { CommitPlan } from "./commit-plan.ts";
export { expiryOfWrite, planCommit } from "./commit-plan.ts";
export { completeBackend } from "./complete-backend.ts";
export type { StoreErrorCode, StoreErrorOptions } from "./errors.ts";
export { createError, createRequiredError, ERROR_CODES, isStoreError, StoreError } from "./errors.ts";
export { expiryAt, ttlLeft } from "./expiry.ts";
export type { StoreLimits } from "./limits.ts";
export { DEFAULT_LIMITS } from "./limits.ts";
export { chain, isThenable } from "./maybe-promise.ts";
export type { MemoryBackendOptions } from "./memory/memory-backend.ts";
export { memoryBackend } from "./memory/memory-backend.ts";
export { isReservedKey, RESERVED_KEYS } from "./reserved.ts";
export type { ListingOptions } from "./store/dict-operations.ts";
export type { IdempotencyOptions, ScopedCommit } from "./store/idempotency.ts";
export { withIdempotencyKey } from "./store/idempotency.ts";
export type { StagedWritesOptions } from "./store/lifecycle.ts";
export {
  backendOf,
  close,
  createAsyncStore,
  createStore,
  flush,
  isStore,
  openStore,
  refresh,
  withStagedWrites,
} from "./store/lifecycle.ts";
export type { StoreOptions } from "./store/options.ts";
export type { SetOptions } from "./store/store-core.ts";
export type {
  AsyncDataStore,
  AtomicMethods,
  DataStore,
  StoreKey,
  StoreMethods,
  StoreValue,
  UntypedValue,
  UpdateRecipe,
} from "./store/types.ts";
export type { BackendFromUrlOptions } from "./url/backend-from-url.ts";
export {
  backendFromUrl,
  DEFAULT_STORE_PATH,
  defaultStoreUrl,
  STORE_URL_ENV,
  storeUrlFromEnv,
} from "./url/backend-from-url.ts";
export type { RedisClusterNode, RedisUrlOptions, StoreUrlTarget } from "./url/parse-store-url.ts";
export { parseStoreUrl, redisUrlOptions } from "./url/parse-store-url.ts";
