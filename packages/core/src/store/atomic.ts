import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { produce } from "immer";
import type { BackendEntry, CommitWrite } from "../backend.ts";
import { decodeValue } from "../codec/codec.ts";
import { StoreError } from "../errors.ts";
import type { SetOptions, StoreCore } from "./store-core.ts";
import type { UpdateRecipe } from "./types.ts";

/** How often a read-modify-write is tried before it gives up with `CONFLICT`. */
const MAX_ATTEMPTS = 200;

/** Jittered backoff: contenders spread out instead of colliding again in lockstep. */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(50, 2 ** Math.min(attempt, 6));
  return sleep(Math.random() * ceiling);
}

/**
 * Optimistic read-modify-write of one key through the backend's conditional commit: read the entry
 * and its version, compute the write, commit guarded by that version, retry on conflict.
 * `compute` returns the write (or `null` for "nothing to write") and the result to resolve with.
 */
async function readModifyWrite<TResult>(
  core: StoreCore,
  key: string,
  compute: (entry: BackendEntry | undefined) => { write: CommitWrite | null; result: TResult },
): Promise<TResult> {
  core.assertWritable();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const entry = await core.backend.get(core.name, key);
    const { write, result } = compute(entry);
    if (write === null) return result;
    const outcome = await core.backend.commit(core.name, {
      checks: [{ key, version: entry?.version ?? null }],
      writes: [write],
      maxKeys: core.limits.maxKeys,
      token: randomUUID(),
    });
    if (outcome.ok) {
      core.forget(key);
      return result;
    }
    await backoff(attempt);
  }
  throw new StoreError(
    "CONFLICT",
    `[@dictstore/core] "${key}" kept changing under ${MAX_ATTEMPTS} attempts of an atomic update; nothing was written. Try again later.`,
    { key },
  );
}

/** Atomic add; a missing key starts at 0, the TTL is kept, unsafe integers are refused. */
export async function increment(core: StoreCore, rawKey: unknown, by: unknown = 1): Promise<number> {
  const key = core.key(rawKey);
  if (typeof by !== "number" || !Number.isFinite(by)) {
    throw new StoreError("INVALID_ARGUMENT", `[@dictstore/core] increment() adds a finite number; got ${String(by)}.`);
  }
  return readModifyWrite(core, key, (entry) => {
    const current = entry === undefined ? 0 : decodeValue(entry.value);
    if (typeof current !== "number") {
      throw new StoreError("INVALID_VALUE", `[@dictstore/core] "${key}" holds a ${typeof current}, not a number; it was left unchanged.`, { key });
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
export async function update<TValue>(core: StoreCore, rawKey: unknown, recipe: UpdateRecipe<TValue>, initial?: TValue): Promise<TValue> {
  const key = core.key(rawKey);
  if (typeof recipe !== "function") {
    throw new StoreError("INVALID_ARGUMENT", "[@dictstore/core] update(key, recipe) takes a function as its recipe.");
  }
  return readModifyWrite(core, key, (entry) => {
    const base = entry === undefined ? initial : (decodeValue(entry.value) as TValue);
    const next = produce(base, recipe as (draft: unknown) => TValue) as TValue;
    if (entry !== undefined && next === base) return { write: null, result: next };
    const { text } = core.encode(key, next);
    return { write: { type: "set", key, value: text, keepTtl: true }, result: decodeValue(text) as TValue };
  });
}

/** Inserts only when missing; true when this call inserted. */
export async function setIfAbsent(core: StoreCore, rawKey: unknown, value: unknown, options?: SetOptions): Promise<boolean> {
  const write = core.setWrite(rawKey, value, options);
  const outcome = await core.backend.commit(core.name, {
    checks: [{ key: write.key, version: null }],
    writes: [write],
    maxKeys: core.limits.maxKeys,
    token: randomUUID(),
  });
  return outcome.ok;
}

/** Appends to a list (created when missing); resolves to its new length. */
export async function append(core: StoreCore, rawKey: unknown, items: unknown[]): Promise<number> {
  const key = core.key(rawKey);
  return readModifyWrite(core, key, (entry) => {
    const list = entry === undefined ? [] : decodeValue(entry.value);
    if (!Array.isArray(list)) {
      throw new StoreError("INVALID_VALUE", `[@dictstore/core] "${key}" does not hold a list, so nothing can be appended; it was left unchanged.`, {
        key,
      });
    }
    list.push(...items);
    const { text } = core.encode(key, list);
    return { write: { type: "set", key, value: text, keepTtl: true }, result: list.length };
  });
}
