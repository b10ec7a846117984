/** The highest Unicode code point. */
const MAX_CODE_POINT = 0x10ffff;

/**
 * The smallest string above every string that starts with `prefix`, in SQLite's order of TEXT
 * (BINARY collation: UTF-8 bytes, which is Unicode code point order), or `undefined` when there is
 * none (the prefix is all U+10FFFF). So `key >= prefix AND key < bound` selects exactly the keys
 * that start with `prefix`, as a range of the (store, key) index.
 *
 * The last code point is incremented; U+10FFFF cannot be, so it is dropped and the one before is
 * incremented instead. Surrogates (U+D800..U+DFFF) never occur in a stored key (lone surrogates are
 * refused, pairs are one code point), so U+D7FF steps to U+E000, the next code point UTF-8 can hold.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (char) => char.codePointAt(0) as number);
  while (points.length > 0) {
    const last = points.pop() as number;
    if (last === MAX_CODE_POINT) continue;
    points.push(last === 0xd7ff ? 0xe000 : last + 1);
    return String.fromCodePoint(...points);
  }
  return undefined;
}

/** The smallest string above `key` in code point order: `key >= after(k)` is `key > k`. */
export function justAbove(key: string): string {
  return `${key}\u0000`;
}
