import { AsyncLocalStorage } from "node:async_hooks";
import { createHash, randomUUID } from "node:crypto";
import { StoreError } from "../errors.ts";

/*
 * Idempotency scopes. Every conditional commit and atomic increment carries a token, so a commit
 * re-sent after a lost reply is answered from its first result instead of applying twice. Outside a
 * scope the token is random: it protects one call's own re-sends. Inside `withIdempotencyKey(key, fn)`
 * it is derived from `key`, so a second run of the same unit of work (a queue job run again after its
 * worker died) sends the same tokens and is answered from the first run's results.
 */

/** A commit or atomic operation made with a derived token. */
export interface ScopedCommit {
  /** The store the operation committed to. */
  readonly store: string;
  /** `"transaction"` (a transaction or staged writes), `"increment"`, `"update"`, `"setIfAbsent"`, `"append"`. */
  readonly operation: string;
  /** The token it was sent with. */
  readonly token: string;
  /**
   * True when the backend answered from an earlier run's result: nothing was applied this time. Known
   * for stores behind a local view (Redis); `false` when the backend gives no way to tell.
   */
  readonly replayed: boolean;
}

/** Options of `withIdempotencyKey`. */
export interface IdempotencyOptions {
  /** Called after each successful commit made with a derived token. */
  readonly onCommit?: (commit: ScopedCommit) => void;
}

interface Scope {
  readonly key: string;
  /** How many operations of each (store, operation, key) this run of the scope has made: their ordinals. */
  readonly seen: Map<string, number>;
  readonly onCommit: ((commit: ScopedCommit) => void) | undefined;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Runs `fn` with every commit and atomic operation it makes (awaited or not) sent with a token
 * derived from `key`: the n-th `increment` of key "k" in store "s" gets the same token every time
 * `fn` runs under the same `key`, so a backend that still holds that token's result answers from it
 * and applies nothing. Tokens live as long as the backend keeps them (Redis: its `idempotencyTtlMs`;
 * SQLite: its most recent 10,000). `fn` must make its store operations in the same order each run.
 */
export function withIdempotencyKey<T>(key: string, fn: () => T, options: IdempotencyOptions = {}): T {
  if (typeof key !== "string" || key.length === 0) {
    throw new StoreError(
      "INVALID_ARGUMENT",
      "[@dictstore/core] withIdempotencyKey(key, fn) takes a non-empty string key.",
    );
  }
  if (typeof fn !== "function") {
    throw new StoreError(
      "INVALID_ARGUMENT",
      "[@dictstore/core] withIdempotencyKey(key, fn) takes a function.",
    );
  }
  return scopes.run({ key, seen: new Map(), onCommit: options.onCommit }, fn);
}

/** The tokens of one operation: one per attempt, derived in a scope, random outside one. */
export interface OperationTokens {
  /** The token of attempt `n` (0, 1, …): a retried attempt after a conflict is a new commit. */
  attempt(n: number): string;
  /** Runs `fn` as the body of this operation: operations it makes are derived from this one, renumbered from 0. */
  nest<T>(fn: () => T): T;
  /** Reports a successful commit to the scope. `since` is the view's version before it, if any. */
  committed(token: string, version: number, since: number | undefined): void;
}

const RANDOM: OperationTokens = {
  attempt: () => randomUUID(),
  nest: (fn) => fn(),
  committed: () => {},
};

/** The tokens of the next `operation` on `key` (empty for whole-store operations) of store `store`. */
export function operationTokens(store: string, operation: string, key = ""): OperationTokens {
  const scope = scopes.getStore();
  if (scope === undefined) return RANDOM;
  const site = JSON.stringify([store, operation, key]);
  const ordinal = scope.seen.get(site) ?? 0;
  scope.seen.set(site, ordinal + 1);
  const digest = createHash("sha256")
    .update(JSON.stringify([scope.key, site, ordinal]))
    .digest("base64url")
    .slice(0, 22);
  const base = `${scope.key}:${digest}`;
  return {
    attempt: (n) => `${base}.${n}`,
    // A re-run of the body (a serializable step after a conflict) derives the same tokens again.
    nest: (fn) => scopes.run({ key: base, seen: new Map(), onCommit: scope.onCommit }, fn),
    committed: (token, version, since) => {
      // A fresh commit always moves the store past the version the view had; an answer from an
      // earlier result does not.
      scope.onCommit?.({ store, operation, token, replayed: since !== undefined && version <= since });
    },
  };
}
