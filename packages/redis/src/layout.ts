import { randomBytes } from "node:crypto";

/*
 * Redis layout. A directory hash maps store names to store ids; every key of a store shares the
 * hash tag `{id}`, so a store lives in one cluster slot and each of its scripts is legal on a
 * cluster. Ids never contain glob characters, braces or spaces: a store's own name is the preferred
 * id (percent-encoded), so `redis-cli` shows `ds:{default}:v` for the store "default".
 *
 *   <prefix>stores          hash  store name -> id (or a lock while a rename/drop runs)
 *   <prefix>{<id>}:s        hash  the store's meta (fields below)
 *   <prefix>{<id>}:v        hash  key -> stored text (plain JSON stays plain JSON)
 *   <prefix>{<id>}:c        zset  key -> version of its last write (live keys)
 *   <prefix>{<id>}:d        zset  key -> version of its deletion (tombstones, bounded)
 *   <prefix>{<id>}:e        zset  key -> expiry in epoch ms (keys with a TTL)
 *   <prefix>{<id>}:i        zset  key -> 0: the key index, read in byte order with ZRANGEBYLEX
 *                                 (prefix loads and paged listings); same members as :c
 *   <prefix>{<id>}:k:<tok>  string  result of an idempotent commit, with a TTL
 *
 * Meta fields (this is the one place they are documented; the scripts name them F_NAME, ...).
 * The stored names are short and stable: stores written by earlier versions use them.
 *
 *   n  name        the store's name: every script checks it (a stale cached id fails it)
 *   v  version     the store version, bumped by each write; starts at the creation time in µs
 *   f  floor       changes() since a version below it answer "reset" (tombstones forgotten)
 *   x  dropped     set on the meta of a dropped store (kept for an hour, fencing cached ids)
 *   e  earliest    a lower bound of the earliest expiry; absent when no key expires
 *   t  tombstones  '1' once tombstones may exist
 *   i  indexed     '1' when the key index is complete (stores from before it get it built once)
 *   o  epoch       the store's creation stamp: a view that saw another epoch (or a vanished
 *                  meta) knows the store was reset behind its back
 */

/** The default key prefix. */
export const DEFAULT_PREFIX = "ds:";

/** Longest preferred id; longer names get a shortened, randomised id. */
const MAX_ID_LENGTH = 120;

/** The names of one store's keys. */
export interface StoreKeys {
  /** The store id these keys belong to. */
  readonly id: string;
  /** meta, values, versions, tombstones, expiries, index: the six KEYS every store script takes, in this order. */
  readonly all: [string, string, string, string, string, string];
  readonly meta: string;
  readonly values: string;
  readonly expiries: string;
  /** The key holding the result of the commit with this idempotency token. */
  token(token: string): string;
}

/** Key names of one prefix. */
export class Layout {
  readonly directory: string;
  private readonly stores = new Map<string, StoreKeys>();

  constructor(readonly prefix: string) {
    this.directory = `${prefix}stores`;
  }

  /** The keys of the store with this id. */
  store(id: string): StoreKeys {
    let keys = this.stores.get(id);
    if (keys === undefined) {
      const base = `${this.prefix}{${id}}:`;
      const meta = `${base}s`;
      keys = {
        id,
        all: [meta, `${base}v`, `${base}c`, `${base}d`, `${base}e`, `${base}i`],
        meta,
        values: `${base}v`,
        expiries: `${base}e`,
        token: (token: string) => `${base}k:${token}`,
      };
      // Ids are few (the stores this process uses), so the cache stays small.
      if (this.stores.size > 10_000) this.stores.clear();
      this.stores.set(id, keys);
    }
    return keys;
  }
}

// Unreserved URL characters stay readable; everything else (glob characters, braces, spaces,
// `%`, `~`, non-ASCII) is percent-encoded, which makes the encoding injective.
const SAFE = /^[A-Za-z0-9._-]$/;

/** The readable id a store would get first: its name, percent-encoded. */
export function preferredId(name: string): string {
  let out = "";
  for (const byte of Buffer.from(name, "utf8")) {
    const char = String.fromCharCode(byte);
    out += byte < 128 && SAFE.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  if (out.length === 0 || out.length > MAX_ID_LENGTH) return randomId(out.slice(0, 40));
  return out;
}

/** A fresh id when the preferred one is taken (`~` never occurs in a preferred id). */
export function randomId(stem: string): string {
  return `${stem}~${randomBytes(6).toString("hex")}`;
}

/** Escapes a literal for a Redis glob pattern (MATCH), so `*?[]\` in user text match only themselves. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/** A directory value: a plain id, or an id locked by a rename or drop in progress. */
export interface DirectoryEntry {
  readonly id: string;
  /** `out`: renamed away to `other`; `in`: being renamed here from `other`; `drop`: being dropped. */
  readonly lock?: "out" | "in" | "drop";
  /** Server time (ms) until which the lock's owner may still complete it. */
  readonly deadline?: number;
  readonly other?: string;
  /** The raw directory value, for compare-and-set. */
  readonly raw: string;
}

/** Parses a directory value (`id` or `id lock deadline other`). */
export function parseDirectoryEntry(raw: string): DirectoryEntry {
  const space = raw.indexOf(" ");
  if (space === -1) return { id: raw, raw };
  const [id = "", lock = "", deadline = "0"] = raw.split(" ", 3);
  const otherStart = space + 1 + lock.length + 1 + deadline.length + 1;
  return {
    id,
    lock: lock as "out" | "in" | "drop",
    deadline: Number(deadline),
    other: raw.slice(otherStart),
    raw,
  };
}

/** Builds a locked directory value. */
export function lockedEntry(
  id: string,
  lock: "out" | "in" | "drop",
  deadline: number,
  other: string,
): string {
  return `${id} ${lock} ${deadline} ${other}`;
}
