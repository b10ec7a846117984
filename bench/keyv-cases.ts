import type { AsyncDataStore } from "@dictstore/core";
import { plainRecord } from "./fixtures.ts";
import type { BenchCase, CaseOps } from "./harness.ts";

/*
 * The async API against keyv, one awaited call against the same call on keyv: the in-memory
 * comparison and the one over Redis run the very same four cases on different stores.
 */

/** The part of a keyv instance (in memory or on @keyv/redis) the baselines call. */
export interface KeyvLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<unknown>;
}

/** A fresh async store and keyv instance for one case, and what releases them. */
export interface KeyvPair {
  readonly store: AsyncDataStore<Record<string, unknown>>;
  readonly keyv: KeyvLike;
  readonly teardown?: () => Promise<void>;
}

/** Where the four cases run and the goal they share. */
export interface KeyvComparison {
  readonly target: string;
  /** Appended to each measurement's name, e.g. " over Redis". */
  readonly nameSuffix: string;
  /** Appended to each baseline's name, e.g. " (@keyv/redis)". */
  readonly baselineSuffix: string;
  readonly maxRatio: number;
  /** The ratio must be strictly below `maxRatio`. */
  readonly strict?: boolean;
  /** Opens a fresh pair; called in each case's setup. */
  readonly open: () => KeyvPair;
}

/** `await asyncStore.get` / `.set` of an object, then of an integer, each against keyv's same call. */
export function keyvCases(comparison: KeyvComparison): BenchCase[] {
  return [
    ...getAndSet(comparison, "object", "record", plainRecord),
    ...getAndSet(comparison, "integer", "counter", () => 42),
  ];
}

// --- internal ---

/** The get case and the set case of one kind of value, stored under `key`. */
function getAndSet(
  comparison: KeyvComparison,
  kind: string,
  key: string,
  value: () => unknown,
): [BenchCase, BenchCase] {
  const { target, nameSuffix, baselineSuffix, maxRatio, strict, open } = comparison;
  const goal = { target, maxRatio, ...(strict === undefined ? {} : { strict }), async: true };
  return [
    {
      ...goal,
      name: `await asyncStore.get (${kind})${nameSuffix}`,
      baselineName: `await keyv.get${baselineSuffix}`,
      async setup() {
        const { store, keyv, teardown } = open();
        await store.set(key, value());
        await keyv.set(key, value());
        return withTeardown({ measured: () => store.get(key), baseline: () => keyv.get(key) }, teardown);
      },
    },
    {
      ...goal,
      name: `await asyncStore.set (${kind})${nameSuffix}`,
      baselineName: `await keyv.set${baselineSuffix}`,
      setup() {
        const { store, keyv, teardown } = open();
        const stored = value();
        return withTeardown(
          { measured: () => store.set(key, stored), baseline: () => keyv.set(key, stored) },
          teardown,
        );
      },
    },
  ];
}

/** The ops, with the pair's teardown when it has one. */
function withTeardown(ops: CaseOps, teardown: (() => Promise<void>) | undefined): CaseOps {
  return teardown === undefined ? ops : { ...ops, teardown };
}
