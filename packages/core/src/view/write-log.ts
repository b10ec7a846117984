import type { CommitWrite } from "../backend.ts";

/**
 * Buffered writes in program order, as few as keep that order: a write that repeats the kind of a
 * key's last write replaces it in place (an overwrite never moves a key), while a set after a delete,
 * or a delete after a set, is appended, so an ordered backend sees a deleted and re-inserted key move
 * last, exactly as it would have with one commit per write.
 */
export class WriteLog {
  private writes: CommitWrite[] = [];
  private readonly lastIndex = new Map<string, number>();

  get size(): number {
    return this.writes.length;
  }

  add(write: CommitWrite): void {
    const index = this.lastIndex.get(write.key);
    if (index !== undefined && this.writes[index]?.type === write.type) {
      this.writes[index] = write;
      return;
    }
    this.lastIndex.set(write.key, this.writes.length);
    this.writes.push(write);
  }

  /** The latest write of a key, if any. */
  latest(key: string): CommitWrite | undefined {
    const index = this.lastIndex.get(key);
    return index === undefined ? undefined : this.writes[index];
  }

  has(key: string): boolean {
    return this.lastIndex.has(key);
  }

  /** Every write, in order, for one commit. */
  list(): CommitWrite[] {
    return [...this.writes];
  }

  clear(): void {
    this.writes = [];
    this.lastIndex.clear();
  }
}
