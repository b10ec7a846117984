import type { BackendEntry, ListedEntry } from "../backend.ts";
import { type DecodeCache, UNDECODED } from "../codec/decoded-cache.ts";

/**
 * What `peek` hands out: one object per table, pointed at a slot on every call. Its fields read the
 * table's arrays at that slot when asked (a dict read asks only for `decoded`), and `decoded` also
 * writes the table's decode cache of the slot, so what a dict read decodes outlives the cursor (see
 * DecodeCache).
 */
class Cursor implements BackendEntry, DecodeCache {
  slot = 0;

  constructor(private readonly table: EntryTable) {}

  get value(): string {
    return this.table.valueAt(this.slot);
  }

  get version(): number {
    return this.table.versionAt(this.slot);
  }

  get expiresAt(): number | null {
    return this.table.expiryAt(this.slot);
  }

  get decoded(): unknown {
    return this.table.decodedAt(this.slot);
  }

  set decoded(known: unknown) {
    this.table.keepDecoded(this.slot, known);
  }
}

/** The slot arrays of a table that never held a key (never written: `set` grows them first). */
const NO_SLOTS = new Float64Array(0);

/**
 * The entries of a local view, without an object per key: a Map from key to slot number, and the
 * values, versions and expiries in arrays indexed by slot (typed arrays for the numbers). A view
 * holds a whole store, so this is most of its memory: about 24 bytes a key on top of the key and
 * value strings and the Map entry, where an object per key cost 48 bytes more (test/view-memory).
 */
export class EntryTable {
  private readonly slots = new Map<string, number>();
  private values: (string | undefined)[] = [];
  // Allocated on the first set: a view reopened over a parked table, or parked, never fills the
  // table it started with, and typed arrays are costly to allocate.
  private versions = NO_SLOTS;
  /** Absolute expiry in epoch ms; NaN when the key never expires. */
  private expiries = NO_SLOTS;
  private readonly free: number[] = [];
  /**
   * What dict reads decoded, by slot (a primitive, decoded once instead of on every read; see
   * DecodeCache). Made on the first read, not at load: a view that is only listed or written pays
   * nothing, one that is read 8 bytes a slot. Cached strings are mostly slices of their text.
   */
  private decoded: unknown[] | undefined;
  private readonly cursor = new Cursor(this);

  get size(): number {
    return this.slots.size;
  }

  has(key: string): boolean {
    return this.slots.has(key);
  }

  /**
   * The entry of a key, in an object this table reuses: read its fields at once, before the next
   * call on the table (the dict decodes it or checks it and lets go). `entry` gives a copy to keep.
   */
  peek(key: string): BackendEntry | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    this.cursor.slot = slot;
    return this.cursor;
  }

  /** `peek` of a key live at `now()`: undefined when it is missing or expired (`now` runs only for a key with an expiry). */
  peekLive(key: string, now: () => number): BackendEntry | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    const expiry = this.expiries[slot] as number;
    if (!Number.isNaN(expiry) && expiry <= now()) return undefined;
    this.cursor.slot = slot;
    return this.cursor;
  }

  /**
   * The primitive a dict read kept for a key live at `now()` (see DecodeCache), or undefined: the
   * hot path of a view's repeated reads, with no cursor (`now` runs only for a key with an expiry).
   */
  keptLive(key: string, now: () => number): unknown {
    const decoded = this.decoded;
    if (decoded === undefined) return undefined;
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    const known = decoded[slot];
    // A marker or frozen record (objects) is not a kept primitive; null is decoded by the caller.
    if (typeof known === "object") return undefined;
    const expiry = this.expiries[slot] as number;
    if (!Number.isNaN(expiry) && expiry <= now()) return undefined;
    return known;
  }

  valueAt(slot: number): string {
    return this.values[slot] as string;
  }

  versionAt(slot: number): number {
    return this.versions[slot] as number;
  }

  expiryAt(slot: number): number | null {
    const expiry = this.expiries[slot] as number;
    return Number.isNaN(expiry) ? null : expiry;
  }

  /** A copy of a key's entry that stays valid. */
  entry(key: string): BackendEntry | undefined {
    const found = this.peek(key);
    return found === undefined
      ? undefined
      : { value: found.value, version: found.version, expiresAt: found.expiresAt };
  }

  /** The decode cache of a slot (see DecodeCache); `UNDECODED` until a read fills it. */
  decodedAt(slot: number): unknown {
    const known = this.decoded?.[slot];
    return known === undefined ? UNDECODED : known;
  }

  keepDecoded(slot: number, known: unknown): void {
    this.decoded ??= new Array(this.versions.length);
    this.decoded[slot] = known;
  }

  /** The version of a key, or -1 when the table does not hold it. */
  versionOf(key: string): number {
    const slot = this.slots.get(key);
    return slot === undefined ? -1 : (this.versions[slot] as number);
  }

  set(key: string, value: string, version: number, expiresAt: number | null): void {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.values.length;
      if (slot >= this.versions.length) this.grow();
      this.slots.set(key, slot);
    }
    this.values[slot] = value;
    if (this.decoded !== undefined) this.decoded[slot] = undefined;
    this.versions[slot] = version;
    this.expiries[slot] = expiresAt ?? Number.NaN;
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.slots.delete(key);
    this.values[slot] = undefined;
    if (this.decoded !== undefined) this.decoded[slot] = undefined;
    this.free.push(slot);
    return true;
  }

  clear(): void {
    this.slots.clear();
    this.values = [];
    this.decoded = undefined;
    this.free.length = 0;
  }

  /** Every entry live at `now` (optionally only under `prefix`), as fresh objects. */
  live(now: number, prefix?: string): ListedEntry[] {
    const out: ListedEntry[] = [];
    for (const [key, slot] of this.slots) {
      const expiry = this.expiries[slot] as number;
      if (expiry <= now) continue; // NaN (never expires) compares false
      if (prefix !== undefined && !key.startsWith(prefix)) continue;
      const expiresAt = Number.isNaN(expiry) ? null : expiry;
      out.push({
        key,
        value: this.values[slot] as string,
        version: this.versions[slot] as number,
        expiresAt,
      });
    }
    return out;
  }

  /** How many entries are live at `now`. */
  liveCount(now: number): number {
    let live = 0;
    for (const slot of this.slots.values()) if (!((this.expiries[slot] as number) <= now)) live++;
    return live;
  }

  private grow(): void {
    const size = Math.max(64, this.versions.length * 2);
    const versions = new Float64Array(size);
    versions.set(this.versions);
    this.versions = versions;
    const expiries = new Float64Array(size);
    expiries.set(this.expiries);
    this.expiries = expiries;
    if (this.decoded !== undefined) {
      // A new array rather than a longer one: writing far past an array's end can make V8 store it as a dictionary.
      const decoded = new Array<unknown>(size);
      for (let i = 0; i < this.decoded.length; i++) decoded[i] = this.decoded[i];
      this.decoded = decoded;
    }
  }
}
