import type { MaybePromise } from "./backend-types.ts";

/** True for a promise or any other thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * Runs `next` on a value that may be a promise: synchronously when it is not, so code written once
 * stays synchronous over a synchronous source and becomes a promise chain over an asynchronous one.
 */
export function chain<TValue, TResult>(
  value: MaybePromise<TValue>,
  next: (value: TValue) => MaybePromise<TResult>,
): MaybePromise<TResult> {
  return isThenable(value) ? Promise.resolve(value).then(next) : next(value as TValue);
}
