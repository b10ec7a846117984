/** Keys per chunk after a split; a chunk is split when it grows past twice this. */
const CHUNK = 512;

/** Index of the first element of `sorted` that is not below `key` (UTF-16 code unit order, as `<`). */
function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as string) < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * A set of keys kept in sorted order, so the keys starting with a prefix are found in
 * O(log N + matches) instead of a scan of the store. Sorted chunks of a few hundred keys: an insert
 * or delete moves at most one chunk's worth of elements (a single sorted array would move half the
 * store), and a range is read by walking the chunks from a binary search.
 */
export class SortedKeys {
  private chunks: string[][] = [];

  constructor(keys: Iterable<string>) {
    const all = [...keys].sort();
    for (let i = 0; i < all.length; i += CHUNK) this.chunks.push(all.slice(i, i + CHUNK));
  }

  /** Adds a key that is not in the set. */
  add(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      return;
    }
    const at = this.chunkFor(key);
    const chunk = this.chunks[at] as string[];
    chunk.splice(lowerBound(chunk, key), 0, key);
    if (chunk.length > 2 * CHUNK) this.chunks.splice(at + 1, 0, chunk.splice(CHUNK));
  }

  /** Removes a key; nothing happens when it is not in the set. */
  delete(key: string): void {
    if (this.chunks.length === 0) return;
    const at = this.chunkFor(key);
    const chunk = this.chunks[at] as string[];
    const index = lowerBound(chunk, key);
    if (chunk[index] !== key) return;
    chunk.splice(index, 1);
    if (chunk.length === 0) this.chunks.splice(at, 1);
  }

  /** The keys starting with `prefix`, in order, beginning at the first key not below `from` (default: the prefix). */
  *withPrefix(prefix: string, from: string = prefix): Generator<string> {
    const start = from < prefix ? prefix : from;
    if (this.chunks.length === 0) return;
    let at = this.chunkFor(start);
    let index = lowerBound(this.chunks[at] as string[], start);
    for (; at < this.chunks.length; at++, index = 0) {
      const chunk = this.chunks[at] as string[];
      for (; index < chunk.length; index++) {
        const key = chunk[index] as string;
        if (!key.startsWith(prefix)) return;
        yield key;
      }
    }
  }

  /** The chunk a key belongs in: the last one whose first key is not above it (or the first chunk). */
  private chunkFor(key: string): number {
    let low = 0;
    let high = this.chunks.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (((this.chunks[mid] as string[])[0] as string) <= key) low = mid + 1;
      else high = mid;
    }
    return Math.max(0, low - 1);
  }
}
