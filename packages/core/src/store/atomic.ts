import { setTimeout as sleep } from "node:timers/promises";
import { produce } from "immer";
import type { BackendEntry, CommitCheck, CommitResult, CommitWrite } from "../backend.ts";
import { decodeValue } from "../codec/codec.ts";
import { StoreError } from "../errors.ts";
import { type OperationTokens, operationTokens } from "./idempotency.ts";
import type { SetOptions, StoreCore } from "./store-core.ts";
import type { UpdateRecipe } from "./types.ts";

/** How often a read-modify-write is tried before it gives up with `CONFLICT`. */
const MAX_ATTEMPTS = 200;

/** Jittered backoff: contenders spread out instead of colliding again in lockstep. */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(50, 2 ** Math.min(attempt, 6));
  return sleep(Math.random() * ceiling);
}

/** One optimistic attempt: committed with a value, or refused because something it read changed. */
export type Attempt<TResult> = { committed: true; value: TResult } | { committed: false };

/**
 * Runs optimistic attempts until one commits, with jittered backoff between them; after
 * MAX_ATTEMPTS it gives up with `CONFLICT` (nothing written). `what` names the work in that error.
 */
export async function retryOnConflict<TResult>(
  what: string,
  attempt: () => Promise<Attempt<TResult>>,
  afterConflict?: () => Promise<void>,
): Promise<TResult> {
  for (let n = 0; n < MAX_ATTEMPTS; n++) {
    const outcome = await attempt();
    if (outcome.committed) return outcome.value;
    await afterConflict?.();
    await backoff(n);
  }
  throw new StoreError(
    "CONFLICT",
    `[@dictstore/core] ${what} kept conflicting with concurrent writes for ${MAX_ATTEMPTS} attempts; nothing was written. Try again later.`,
  );
}

/**
 * Optimistic read-modify-write of one key through the backend's conditional commit: read the entry
 * and its version, compute the write, commit guarded by that version, retry on conflict.
 * `compute` returns the write (or `null` for "nothing to write") and the result to resolve with.
 */
async function readModifyWrite<TResult>(
  core: StoreCore,
  key: string,
  tokens: OperationTokens,
  compute: (entry: BackendEntry | undefined) => { write: CommitWrite | null; result: TResult },
): Promise<TResult> {
  core.assertWritable();
  await core.channel.prepare();
  // Attempt 0 is the increment's one-step path, when there is one; each attempt here is a new commit.
  let attempt = 0;
  return retryOnConflict(`An atomic update of "${key}"`, async () => {
    attempt++;
    const entry = await core.backend.get(core.name, key);
    const { write, result } = compute(entry);
    if (write === null) return { committed: true, value: result };
    const checks = [{ key, version: entry?.version ?? null }];
    const outcome = await commitAtomically(core, checks, [write], tokens, attempt);
    return outcome.ok ? { committed: true, value: result } : { committed: false };
  });
}

/**
 * Sends one conditional commit and lets a local view absorb its result. Its idempotency token is
 * attempt `attempt` of `tokens` (random outside an idempotency scope).
 */
export async function commitAtomically(
  core: StoreCore,
  checks: CommitCheck[],
  writes: CommitWrite[],
  tokens: OperationTokens,
  attempt: number,
): Promise<CommitResult> {
  const since = core.channel.since();
  const token = tokens.attempt(attempt);
  const request = { checks, writes, maxKeys: core.limits.maxKeys, token };
  const outcome = await core.backend.commit(core.name, since === undefined ? request : { ...request, since });
  if (outcome.ok) {
    for (const write of writes) core.forget(write.key);
    await core.channel.absorb(outcome);
    tokens.committed(token, outcome.version, since);
  }
  return outcome;
}

/**
 * The backend's one-step increment, when it has one: no read before the commit, so concurrent
 * increments never conflict. `undefined` when the backend declined (nothing was written): the
 * generic path then decides, and raises the typed error if there is one.
 */
async function incrementInOneStep(
  core: StoreCore,
  key: string,
  by: number,
  tokens: OperationTokens,
): Promise<number | undefined> {
  core.assertWritable();
  await core.channel.prepare();
  const since = core.channel.since();
  const token = tokens.attempt(0);
  const request = { key, by, maxKeys: core.limits.maxKeys, token };
  const outcome = await core.backend.increment?.(
    core.name,
    since === undefined ? request : { ...request, since },
  );
  // A lazily opened backend answers `undefined` when the real one has no fast path.
  if (outcome === undefined || !outcome.ok) return undefined;
  core.forget(key);
  const { version, changes } = outcome;
  await core.channel.absorb(changes === undefined ? { ok: true, version } : { ok: true, version, changes });
  tokens.committed(token, version, since);
  return outcome.value;
}

/** Atomic add; a missing key starts at 0, the TTL is kept, unsafe integers are refused. */
export async function increment(core: StoreCore, rawKey: unknown, by: unknown = 1): Promise<number> {
  const key = core.key(rawKey);
  if (typeof by !== "number" || !Number.isFinite(by)) {
    throw new StoreError(
      "INVALID_ARGUMENT",
      `[@dictstore/core] increment() adds a finite number; got ${String(by)}.`,
    );
  }
  const tokens = operationTokens(core.name, "increment", key);
  if (core.backend.increment !== undefined && Number.isSafeInteger(by)) {
    const added = await incrementInOneStep(core, key, by, tokens);
    if (added !== undefined) return added;
  }
  return readModifyWrite(core, key, tokens, (entry) => {
    const current = entry === undefined ? 0 : decodeValue(entry.value);
    if (typeof current !== "number") {
      throw new StoreError(
        "INVALID_VALUE",
        `[@dictstore/core] "${key}" holds a ${typeof current}, not a number; it was left unchanged.`,
        { key },
      );
    }
    const next = current + by;
    if (!Number.isFinite(next) || Math.abs(next) > Number.MAX_SAFE_INTEGER) {
      throw new StoreError(
        "LIMIT_EXCEEDED",
        `[@dictstore/core] Incrementing "${key}" would pass Number.MAX_SAFE_INTEGER, where numbers lose precision; it was left unchanged.`,
        { key },
      );
    }
    const { text } = core.encode(key, next);
    return { write: { type: "set", key, value: text, keepTtl: true }, result: next };
  });
}

/** Atomic immer update of one key. */
export async function update<TValue>(
  core: StoreCore,
  rawKey: unknown,
  recipe: UpdateRecipe<TValue>,
  initial?: TValue,
): Promise<TValue> {
  const key = core.key(rawKey);
  if (typeof recipe !== "function") {
    throw new StoreError(
      "INVALID_ARGUMENT",
      "[@dictstore/core] update(key, recipe) takes a function as its recipe.",
    );
  }
  return readModifyWrite(core, key, operationTokens(core.name, "update", key), (entry) => {
    const base = entry === undefined ? initial : (decodeValue(entry.value) as TValue);
    const next = produce(base, recipe as (draft: unknown) => TValue) as TValue;
    if (entry !== undefined && next === base) return { write: null, result: next };
    const { text } = core.encode(key, next);
    return { write: { type: "set", key, value: text, keepTtl: true }, result: decodeValue(text) as TValue };
  });
}

/** Inserts only when missing; true when this call inserted. */
export async function setIfAbsent(
  core: StoreCore,
  rawKey: unknown,
  value: unknown,
  options?: SetOptions,
): Promise<boolean> {
  const write = core.setWrite(rawKey, value, options);
  await core.channel.prepare();
  const tokens = operationTokens(core.name, "setIfAbsent", write.key);
  const outcome = await commitAtomically(core, [{ key: write.key, version: null }], [write], tokens, 0);
  return outcome.ok;
}

/** Appends to a list (created when missing); resolves to its new length. */
export async function append(core: StoreCore, rawKey: unknown, items: unknown[]): Promise<number> {
  const key = core.key(rawKey);
  return readModifyWrite(core, key, operationTokens(core.name, "append", key), (entry) => {
    const list = entry === undefined ? [] : decodeValue(entry.value);
    if (!Array.isArray(list)) {
      throw new StoreError(
        "INVALID_VALUE",
        `[@dictstore/core] "${key}" does not hold a list, so nothing can be appended; it was left unchanged.`,
        {
          key,
        },
      );
    }
    list.push(...items);
    const { text } = core.encode(key, list);
    return { write: { type: "set", key, value: text, keepTtl: true }, result: list.length };
  });
}
