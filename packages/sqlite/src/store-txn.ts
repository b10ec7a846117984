import { TOMBSTONE_LIMIT } from "@dictstore/core";
import type { Statements, WriteRow } from "./statements.ts";

/**
 * One store inside one write transaction (BEGIN IMMEDIATE, so no other connection writes until it
 * ends). It loads the store's bookkeeping row once, reclaims expired rows first, keeps the counters
 * in memory while the operation writes rows, and saves the row once at the end with `save()`.
 * Every method mirrors the memory backend's table, so both backends answer identically.
 */
export class StoreTxn {
  version: number;
  size: number;
  tombstones: number;
  floor: number;
  nextExpiry: number | null;
  private exists: boolean;
  private dirty = false;

  private constructor(
    private readonly sql: Statements,
    readonly name: string,
    readonly now: number,
    create: boolean,
  ) {
    const row = sql.store.get(name);
    this.exists = row !== undefined;
    // A new store starts at the clock, above every version its name had before a drop or rename,
    // and knows no history before it (`changes` from an older version answers reset).
    const start = row === undefined && create ? (sql.clock.get() ?? 0) : 0;
    this.version = row?.version ?? start;
    this.size = row?.size ?? 0;
    this.tombstones = row?.tombstones ?? 0;
    this.floor = row?.floor ?? start;
    this.nextExpiry = row?.nextExpiry ?? null;
    this.dirty = !this.exists && create;
    if (this.nextExpiry !== null && this.nextExpiry <= now) this.sweep();
  }

  /** The store in this transaction, or `undefined` when it does not exist. */
  static open(sql: Statements, name: string, now: number): StoreTxn | undefined {
    const txn = new StoreTxn(sql, name, now, false);
    return txn.exists ? txn : undefined;
  }

  /** The store in this transaction, created (at `save`) when missing. */
  static openOrCreate(sql: Statements, name: string, now: number): StoreTxn {
    return new StoreTxn(sql, name, now, true);
  }

  /** The key's live row, or `undefined` when missing (expired rows were reclaimed on open). */
  live(key: string): WriteRow | undefined {
    const row = this.sql.writeRow.get(this.name, key);
    if (row === undefined) return undefined;
    if (row.expiresAt !== null && row.expiresAt <= this.now) {
      this.remove(key, row.version, row);
      return undefined;
    }
    return row;
  }

  /** Would adding these many new keys stay within `maxKeys`? `size` is exact: expired rows are gone. */
  fits(newKeys: number, maxKeys: number | undefined): boolean {
    return maxKeys === undefined || this.size + newKeys <= maxKeys;
  }

  /** The next store version, for the writes of this operation. */
  bump(): number {
    this.version += 1;
    this.dirty = true;
    return this.version;
  }

  /** Inserts or updates a key; an update keeps the row's place in the listing order. */
  write(
    key: string,
    value: string,
    version: number,
    expiresAt: number | null,
    current: WriteRow | undefined,
  ): void {
    if (current === undefined) {
      this.sql.insertEntry.run(this.name, key, value, version, expiresAt);
      this.size += 1;
      // A key written again is a change, not a deletion, for `changes`.
      if (this.tombstones > 0) this.tombstones -= this.sql.dropTombstone.run(this.name, key).changes;
    } else {
      this.sql.updateEntry.run(value, version, expiresAt, current.seq);
    }
    this.noteExpiry(expiresAt);
    this.dirty = true;
  }

  /** Deletes a key's row and remembers the deletion at `version`. */
  remove(key: string, version: number, row: WriteRow): void {
    this.sql.deleteEntry.run(row.seq);
    this.size -= 1;
    this.sql.putTombstone.run(this.name, key, version);
    this.tombstones += 1;
    this.dirty = true;
  }

  /** Writes the bookkeeping row back (creating the store if needed); trims old tombstones first. */
  save(): void {
    if (!this.dirty) return;
    if (this.tombstones > TOMBSTONE_LIMIT) this.trimTombstones();
    if (this.exists) {
      this.sql.updateStore.run(
        this.version,
        this.size,
        this.tombstones,
        this.floor,
        this.nextExpiry,
        this.name,
      );
    } else {
      this.sql.insertStore.run(
        this.name,
        this.version,
        this.size,
        this.tombstones,
        this.floor,
        this.nextExpiry,
      );
      this.exists = true;
    }
    this.dirty = false;
  }

  // --- internal ---

  private noteExpiry(expiresAt: number | null): void {
    if (expiresAt !== null && (this.nextExpiry === null || expiresAt < this.nextExpiry))
      this.nextExpiry = expiresAt;
  }

  /** Reclaims every expired row; each leaves a tombstone at its own version, as the memory backend does. */
  private sweep(): void {
    for (const { key, version } of this.sql.sweep.all(this.name, this.now)) {
      this.sql.putTombstone.run(this.name, key, version);
      this.tombstones += 1;
      this.size -= 1;
    }
    this.nextExpiry = this.sql.minExpiry.get(this.name) ?? null;
    this.dirty = true;
  }

  /** Forgets the oldest deletions down to half the limit; `changes` from before them answers reset. */
  private trimTombstones(): void {
    const drop = this.tombstones - TOMBSTONE_LIMIT / 2;
    const threshold = this.sql.tombstoneAt.get(this.name, drop - 1);
    if (threshold === undefined) return;
    this.tombstones = Math.max(
      0,
      this.tombstones - this.sql.trimTombstones.run(this.name, threshold).changes,
    );
    this.floor = Math.max(this.floor, threshold);
  }
}
