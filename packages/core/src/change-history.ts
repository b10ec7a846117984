/**
 * How many deletions a backend remembers for `changes`; asking about an older version answers
 * `reset: true` (the reader reloads). One number for every backend, so views behave alike on each.
 */
export const TOMBSTONE_LIMIT = 10_000;
