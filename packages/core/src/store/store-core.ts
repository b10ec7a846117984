import type { Backend, BackendEntry, CommitResult, CommitWrite } from "../backend.ts";
import { decodeFrozen, encodeValue } from "../codec/codec.ts";
import { decodeCached, type FrozenRecord, keptValue, noteFrozen } from "../codec/decoded-cache.ts";
import { isShareable } from "../codec/shareable.ts";
import { completeBackend } from "../complete-backend.ts";
import { StoreError } from "../errors.ts";
import { checkKey, checkValueSize, DEFAULT_LIMITS, type StoreLimits, ttlToMs } from "../limits.ts";
import { memoryBackend } from "../memory/memory-backend.ts";
import type { StoreOptions } from "./options.ts";
import { mayBeReserved } from "./reserved-shapes.ts";

/** Options of a single `set`. */
export interface SetOptions {
  /** Seconds to live (fractions allowed); omit or `null` for no expiry. A plain overwrite drops an earlier TTL. */
  ttl?: number | null;
}

/** How atomic operations take part in a local view: flush local writes first, bring the view along after. */
export interface AtomicChannel {
  /** Runs before an atomic operation reads: a view commits its buffered writes. */
  prepare(): Promise<void>;
  /** The view's version, so a commit brings back what changed since (a refresh for free). */
  since(): number | undefined;
  /** Applies a successful commit's result to the view. */
  absorb(result: CommitResult): Promise<void>;
  /** Brings the view up to date after a conflict. */
  refresh(): Promise<void>;
}

/** The last FrozenRecord owner number handed out. */
let frozenOwners = 0;

const DIRECT_CHANNEL: AtomicChannel = {
  prepare: () => Promise.resolve(),
  since: () => undefined,
  absorb: () => Promise.resolve(),
  refresh: () => Promise.resolve(),
};

/**
 * What every way into a store shares, whatever the backend: key checks, encoding and decoding,
 * limits, and the translation of backend results. The sync dict, the async API and local views
 * all call these, so behaviour and errors are identical everywhere.
 */
export class StoreCore {
  /** The backend with every fast path, derived where it has none (see complete-backend.ts). */
  readonly backend: Backend;
  readonly name: string;
  readonly limits: StoreLimits;
  readonly frozen: boolean;
  readonly throwOnMissing: boolean;
  readonly pageSize: number;
  readonly readOnly: boolean;
  /** True when the backend was created here, so closing the store disposes of it. */
  ownsBackend: boolean;
  closed = false;
  /** Atomic operations always commit on the backend; a local view hooks in here. */
  channel: AtomicChannel = DIRECT_CHANNEL;
  /** Frozen mode: the decoded value of each key, valid while the stored text is the same string. */
  private readonly frozenCache = new Map<string, FrozenRecord>();
  /** Names this store on the frozen records it leaves on shared entries (see FrozenRecord); 0 when copying. */
  private readonly frozenOwner: number;

  constructor(options: StoreOptions = {}) {
    this.ownsBackend = options.backend === undefined;
    this.backend = completeBackend(options.backend ?? memoryBackend(undefined));
    this.name = options.name ?? "default";
    if (typeof this.name !== "string") {
      throw new StoreError("INVALID_ARGUMENT", "[@dictstore/core] The store name must be a string.");
    }
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.frozen = options.snapshots === "frozen";
    this.frozenOwner = this.frozen ? ++frozenOwners : 0;
    this.throwOnMissing = options.missingKey === "throw";
    this.pageSize = options.pageSize ?? 500;
    this.readOnly = options.readOnly === true;
  }

  /** Validates a key; see `checkKey`. */
  key(key: unknown): string {
    this.assertOpen();
    return checkKey(key, this.limits);
  }

  /** Validates a key for a write and encodes its value; throws before anything reaches the backend. */
  encode(key: unknown, value: unknown): { key: string; text: string } {
    const checked = this.key(key);
    this.assertWritable();
    const text = encodeValue(value);
    checkValueSize(text, this.limits, checked);
    return { key: checked, text };
  }

  /** Encodes a set with its options into a commit write. */
  setWrite(key: unknown, value: unknown, options?: SetOptions): CommitWrite & { type: "set" } {
    const { key: checked, text } = this.encode(key, value);
    return { type: "set", key: checked, value: text, ttlMs: ttlToMs(options?.ttl) };
  }

  /**
   * The writes of dict `update(mapping)`, one per store key. The argument's entries apply in the order
   * it iterates them, so when two of its keys name one store key (`10` and `"10"`), the one iterated
   * last gives the value and the first gives the place (Python's `dict.update` on a list of pairs).
   * Backends then never see one key twice in a batch.
   */
  mappingWrites(mapping: unknown): (CommitWrite & { type: "set" })[] {
    const byKey = new Map<string, CommitWrite & { type: "set" }>();
    for (const [key, value] of mappingEntries(mapping)) {
      const write = this.setWrite(key, value);
      byKey.set(write.key, write);
    }
    return [...byKey.values()];
  }

  /** Decodes an entry's value as the snapshot mode says. */
  decode(key: string, entry: BackendEntry): unknown {
    const kept = keptValue(entry, this.frozenOwner);
    if (kept !== undefined) return kept;
    // Nothing is kept for a key that may be a reserved name: the dict's get trap answers a kept
    // value before it looks for a method (see createDictProxy), which must then never be shadowed.
    return this.decodeUnkept(key, entry, !mayBeReserved(key));
  }

  /** `decode` of an entry that keeps nothing this store may answer (see `kept`); `keep` says whether it may now. */
  decodeUnkept(key: string, entry: BackendEntry, keep: boolean): unknown {
    return this.frozen ? this.frozenRead(key, entry, keep) : decodeCached(entry, keep);
  }

  /** What a read of this entry may answer without decoding; `undefined` when it must decode. */
  kept(entry: BackendEntry): unknown {
    return keptValue(entry, this.frozenOwner);
  }

  /** Primes the frozen cache at write time, so the first read is as cheap as the rest. */
  remember(key: string, text: string): void {
    if (!this.frozen) return;
    const value = decodeFrozen(text);
    if (isShareable(text, value)) this.frozenCache.set(key, { owner: this.frozenOwner, text, value });
    else this.frozenCache.delete(key);
  }

  forget(key?: string): void {
    if (!this.frozen) return;
    if (key === undefined) this.frozenCache.clear();
    else this.frozenCache.delete(key);
  }

  /**
   * A frozen read: the store's one frozen value per key (by key, so a listing and a dict read
   * return the same object), also left on an entry that keeps a cache, so its next read skips the
   * lookup. A value that may not be shared (see isShareable) is decoded for every read.
   */
  private frozenRead(key: string, entry: BackendEntry, keep: boolean): unknown {
    let record = this.frozenCache.get(key);
    if (record === undefined || record.text !== entry.value) {
      const value = decodeFrozen(entry.value);
      if (!isShareable(entry.value, value)) return value;
      record = { owner: this.frozenOwner, text: entry.value, value };
      this.frozenCache.set(key, record);
    }
    if (keep) noteFrozen(entry, record);
    return record.value;
  }

  /** The result of a bracket read of a missing key. */
  missing(key: string): undefined {
    if (this.throwOnMissing) throw this.keyError(key);
    return undefined;
  }

  /** Python's KeyError: the one wording for every read of a missing key that has no default. */
  keyError(key: string): StoreError {
    return new StoreError(
      "KEY_ERROR",
      `[@dictstore/core] KeyError: "${key}" is not in store "${this.name}". Pass a default (store.get(key, default), store.pop(key, default)) for an optional key.`,
      { key },
    );
  }

  assertWritable(): void {
    if (this.readOnly) {
      throw new StoreError(
        "READ_ONLY",
        `[@dictstore/core] Store "${this.name}" was opened read-only; nothing was written.`,
      );
    }
  }

  assertOpen(): void {
    if (this.closed) {
      throw new StoreError(
        "CLOSED",
        `[@dictstore/core] Store "${this.name}" is closed; open it again to use it.`,
      );
    }
  }

  /** Seconds left from a backend's milliseconds. */
  static ttlSeconds(ms: number | null | undefined): number | null | undefined {
    return ms === null || ms === undefined ? ms : ms / 1000;
  }
}

/** Turns `update()`'s argument (an object, a Map or an iterable of pairs) into pairs; throws `INVALID_ARGUMENT`. */
export function mappingEntries(mapping: unknown): [unknown, unknown][] {
  if (mapping === undefined) return [];
  if (mapping instanceof Map) return [...mapping.entries()];
  if (typeof mapping === "object" && mapping !== null) {
    if (Symbol.iterator in mapping) {
      const pairs = [...(mapping as Iterable<unknown>)];
      if (pairs.every((p) => Array.isArray(p) && p.length === 2)) return pairs as [unknown, unknown][];
    } else {
      return Object.entries(mapping);
    }
  }
  throw new StoreError(
    "INVALID_ARGUMENT",
    "[@dictstore/core] update() takes an object, a Map or an iterable of [key, value] pairs; nothing was written.",
  );
}

/** Builds a plain object from entries without ever touching a prototype (`__proto__` stays a key). */
export function objectFromEntries(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return out;
}
