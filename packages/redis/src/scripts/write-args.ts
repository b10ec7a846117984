/**
 * What the commit script and the full increment script both take: the store and its epoch, the
 * request, its idempotency token and the bounds of the housekeeping a write does. One shape for
 * both, built in one place (redis-backend.ts `runWrite`).
 */
export interface WriteArgs<TRequest> {
  readonly store: string;
  /** The epoch the caller last saw, '' for none: another one is refused (DSEPOCH). */
  readonly epoch: string;
  /** May the script initialise a missing store. */
  readonly init: boolean;
  readonly request: TRequest;
  /** The token as sent ('' for none or when idempotency is disabled). */
  readonly token: string;
  readonly tokenTtlMs: number;
  /** Expired keys reclaimed per write, at most. */
  readonly reclaimLimit: number;
  /** Deletions remembered for `changes` (the increment deletes nothing and ignores it). */
  readonly tombstoneLimit: number;
}
