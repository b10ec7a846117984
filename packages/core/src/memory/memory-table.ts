import type { BackendEntry, ChangeSet, ListedEntry, ListOptions } from "../backend.ts";
import { TOMBSTONE_LIMIT } from "../change-history.ts";
import { type DecodeCache, UNDECODED } from "../codec/decoded-cache.ts";
import { createError } from "../errors.ts";
import { SortedKeys } from "./sorted-keys.ts";

/** A stored record; replaced, never mutated, so an entry handed out never changes under its reader. */
interface Slot extends BackendEntry, DecodeCache {
  /** Insertion sequence: listing order and paging cursor. A delete + re-insert gets a new one. */
  readonly seq: number;
}

/**
 * One store's records in memory: a Map for lookups plus an insertion-ordered index for stable paged
 * listing (a cursor is the last sequence number returned, so concurrent writes never repeat or skip
 * a key that stays), expiry bookkeeping and a bounded log of deletions for `changes`.
 */
export class MemoryTable {
  readonly slots = new Map<string, Slot>();
  version = 0;
  private nextSeq = 1;
  /** Insertion index, sorted by seq; holds dead rows until compaction. */
  private orderKeys: string[] = [];
  private orderSeqs: number[] = [];
  private deadRows = 0;
  private readonly expiring = new Set<string>();
  private readonly tombstones = new Map<string, number>();
  /** Changes since a version below this are no longer known. */
  private tombstoneFloor = 0;
  /**
   * Keys in sorted order, for prefix reads in O(log N + matches). Built on the first prefix read and
   * kept up to date from then on, so a store never read by prefix pays nothing for it on writes.
   */
  private sorted: SortedKeys | undefined;

  constructor(private readonly now: () => number) {}

  /** The live slot of a key; reclaims it when expired. */
  live(key: string): Slot | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt !== null && slot.expiresAt <= this.now()) {
      this.remove(key, slot.version);
      return undefined;
    }
    return slot;
  }

  /** Live keys, expired ones reclaimed first. */
  liveCount(): number {
    this.sweepExpired();
    return this.slots.size;
  }

  /** Would adding these many new keys stay within `maxKeys`? */
  fits(newKeys: number, maxKeys: number | undefined): boolean {
    if (maxKeys === undefined || this.slots.size + newKeys <= maxKeys) return true;
    return this.liveCount() + newKeys <= maxKeys;
  }

  write(key: string, value: string, version: number, expiresAt: number | null): void {
    this.writeOver(key, value, version, expiresAt, this.slots.get(key));
  }

  /** `write` for a caller that has just read the key's slot with `live` (and changed nothing since): saves a lookup. */
  writeOver(
    key: string,
    value: string,
    version: number,
    expiresAt: number | null,
    previous: Slot | undefined,
  ): void {
    let seq: number;
    if (previous === undefined) {
      seq = this.nextSeq++;
      this.orderKeys.push(key);
      this.orderSeqs.push(seq);
      this.sorted?.add(key);
      if (this.tombstones.size !== 0) this.tombstones.delete(key);
    } else {
      seq = previous.seq;
    }
    this.slots.set(key, { value, version, expiresAt, seq, decoded: UNDECODED });
    // Most stores never use TTLs: skip the Set lookup when nothing expires.
    if (expiresAt !== null) this.expiring.add(key);
    else if (this.expiring.size !== 0) this.expiring.delete(key);
  }

  /** Changes only the expiry of a live key, keeping its value and version. */
  retime(key: string, slot: Slot, expiresAt: number | null, version: number): void {
    this.slots.set(key, { ...slot, version, expiresAt });
    if (expiresAt === null) this.expiring.delete(key);
    else this.expiring.add(key);
  }

  /** Removes a key and remembers the deletion at `version`. */
  remove(key: string, version: number): boolean {
    if (!this.slots.delete(key)) return false;
    this.sorted?.delete(key);
    this.expiring.delete(key);
    this.deadRows++;
    this.tombstones.delete(key); // re-inserted last, so the map stays in deletion order
    this.tombstones.set(key, version);
    if (this.tombstones.size > TOMBSTONE_LIMIT) this.forgetOldestTombstones();
    if (this.deadRows > 1024 && this.deadRows > this.slots.size) this.compact();
    return true;
  }

  removeAll(version: number): void {
    for (const key of [...this.slots.keys()]) this.remove(key, version);
  }

  /**
   * A page of live slots from after `cursor`: in insertion order, or with a prefix in key order
   * (read from the sorted index, so its cost follows the matches, not the store).
   */
  page(options: ListOptions | undefined): { slots: ListedEntry[]; cursor: string | null } {
    const limit = Math.max(1, options?.limit ?? 1000);
    const prefix = options?.prefix;
    if (prefix !== undefined && prefix !== "") return this.prefixPage(prefix, limit, options?.cursor);
    // The cursor is "<last seq returned>:<last seq that existed when the listing began>". Keys
    // inserted after the first page are left out, so writing during iteration can never make it endless.
    const [afterText, endText] = options?.cursor === undefined ? [] : options.cursor.split(":");
    const after = afterText === undefined ? 0 : Number(afterText);
    const end = endText === undefined ? this.nextSeq - 1 : Number(endText);
    const now = this.now();
    const out: ListedEntry[] = [];
    let index = this.firstIndexAfter(after);
    let lastSeq = after;
    for (; index < this.orderKeys.length && out.length < limit; index++) {
      const key = this.orderKeys[index] as string;
      const seq = this.orderSeqs[index] as number;
      if (seq > end) {
        index = this.orderKeys.length;
        break;
      }
      lastSeq = seq;
      const slot = this.slots.get(key);
      if (slot === undefined || slot.seq !== seq) continue; // a dead row
      if (slot.expiresAt !== null && slot.expiresAt <= now) continue;
      out.push({ key, value: slot.value, version: slot.version, expiresAt: slot.expiresAt });
    }
    return { slots: out, cursor: index < this.orderKeys.length ? `${lastSeq}:${end}` : null };
  }

  /** Live slots whose keys start with one of `prefixes` or are one of `keys`, in insertion order. */
  matching(keys: readonly string[] | undefined, prefixes: readonly string[] | undefined): ListedEntry[] {
    const now = this.now();
    const found = new Map<string, ListedEntry & { seq: number }>();
    const take = (key: string) => {
      const slot = this.slots.get(key);
      if (slot === undefined || found.has(key) || (slot.expiresAt !== null && slot.expiresAt <= now)) return;
      found.set(key, {
        key,
        value: slot.value,
        version: slot.version,
        expiresAt: slot.expiresAt,
        seq: slot.seq,
      });
    };
    for (const key of keys ?? []) take(key);
    for (const prefix of prefixes ?? []) {
      if (prefix === "") for (const key of this.slots.keys()) take(key);
      else for (const key of this.sortedKeys().withPrefix(prefix)) take(key);
    }
    return [...found.values()]
      .sort((a, b) => a.seq - b.seq)
      .map(({ key, value, version, expiresAt }) => ({ key, value, version, expiresAt }));
  }

  /** From now on, `changesSince` a version below `version` answers `reset` (the table is new, or took another store's name). */
  forgetHistoryBefore(version: number): void {
    this.tombstoneFloor = Math.max(this.tombstoneFloor, version);
  }

  /** Live slots written after `since`, and keys deleted after it. */
  changesSince(since: number): ChangeSet {
    // Since 0 (a reader that holds nothing), the live entries alone are the whole answer.
    if ((since !== 0 && since < this.tombstoneFloor) || since > this.version) {
      return { version: this.version, entries: [], deleted: [], reset: true };
    }
    const entries: ListedEntry[] = [];
    const now = this.now();
    for (const [key, slot] of this.slots) {
      if (slot.version > since && (slot.expiresAt === null || slot.expiresAt > now)) {
        entries.push({ key, value: slot.value, version: slot.version, expiresAt: slot.expiresAt });
      }
    }
    const deleted: string[] = [];
    for (const [key, version] of this.tombstones) if (version > since) deleted.push(key);
    return { version: this.version, entries, deleted, reset: false };
  }

  // --- internal ---

  private sortedKeys(): SortedKeys {
    this.sorted ??= new SortedKeys(this.slots.keys());
    return this.sorted;
  }

  /**
   * A page of a prefix listing in key order. The cursor is "~<last seq when the listing began>:<last
   * key returned>": the next page starts just above that key, and keys inserted after the listing
   * began are left out, as in the unprefixed listing.
   */
  private prefixPage(
    prefix: string,
    limit: number,
    cursor: string | undefined,
  ): { slots: ListedEntry[]; cursor: string | null } {
    let end = this.nextSeq - 1;
    let from = prefix;
    if (cursor !== undefined) {
      const colon = cursor.indexOf(":");
      end = Number(cursor.slice(1, colon));
      if (!cursor.startsWith("~") || colon < 0 || !Number.isSafeInteger(end)) {
        throw createError("memory", "INVALID_ARGUMENT", `"${cursor}" is not a cursor of a prefix listing.`);
      }
      // The smallest string above the last key returned.
      from = `${cursor.slice(colon + 1)}\u0000`;
    }
    const now = this.now();
    const out: ListedEntry[] = [];
    for (const key of this.sortedKeys().withPrefix(prefix, from)) {
      const slot = this.slots.get(key) as Slot;
      if (slot.seq > end || (slot.expiresAt !== null && slot.expiresAt <= now)) continue;
      if (out.length === limit)
        return { slots: out, cursor: `~${end}:${(out[limit - 1] as ListedEntry).key}` };
      out.push({ key, value: slot.value, version: slot.version, expiresAt: slot.expiresAt });
    }
    return { slots: out, cursor: null };
  }

  private sweepExpired(): void {
    if (this.expiring.size === 0) return;
    const now = this.now();
    for (const key of [...this.expiring]) {
      const slot = this.slots.get(key);
      if (slot !== undefined && slot.expiresAt !== null && slot.expiresAt <= now)
        this.remove(key, slot.version);
    }
  }

  private firstIndexAfter(seq: number): number {
    let low = 0;
    let high = this.orderSeqs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.orderSeqs[mid] as number) <= seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private compact(): void {
    const keys: string[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.orderKeys.length; i++) {
      const key = this.orderKeys[i] as string;
      const seq = this.orderSeqs[i] as number;
      if (this.slots.get(key)?.seq === seq) {
        keys.push(key);
        seqs.push(seq);
      }
    }
    this.orderKeys = keys;
    this.orderSeqs = seqs;
    this.deadRows = 0;
  }

  private forgetOldestTombstones(): void {
    const drop = this.tombstones.size - TOMBSTONE_LIMIT / 2;
    let dropped = 0;
    for (const [key, version] of this.tombstones) {
      if (dropped++ >= drop) break;
      this.tombstones.delete(key);
      this.tombstoneFloor = Math.max(this.tombstoneFloor, version);
    }
  }
}
