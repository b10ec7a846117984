import type { BackendEntry, CommitRequest, CommitWrite } from "./backend.ts";
import { expiryAt } from "./expiry.ts";

/** What a conditional commit would do, worked out before anything is written. */
export interface CommitPlan {
  /** Guarded keys whose version is not the one the request expects: the commit must write nothing. */
  readonly conflicts: string[];
  /** How many keys the store would gain (negative when it shrinks), for the `maxKeys` check. */
  readonly added: number;
}

/**
 * The checks every backend's commit runs before its first write (a backend has no rollback):
 * `live` answers a key's live entry as the backend sees it at that moment.
 */
export function planCommit(
  request: CommitRequest,
  live: (key: string) => Pick<BackendEntry, "version"> | undefined,
): CommitPlan {
  const conflicts = request.checks
    .filter((check) => (live(check.key)?.version ?? null) !== check.version)
    .map((check) => check.key);
  if (conflicts.length > 0) return { conflicts, added: 0 };
  const present = new Map<string, boolean>();
  for (const write of request.writes) present.set(write.key, write.type === "set");
  let added = 0;
  for (const [key, after] of present) {
    const before = live(key) !== undefined;
    if (after && !before) added++;
    else if (!after && before) added--;
  }
  return { conflicts, added };
}

/** The expiry a set write leaves on its key: a new TTL, none, or (with `keepTtl`) the current one. */
export function expiryOfWrite(
  write: Extract<CommitWrite, { type: "set" }>,
  current: Pick<BackendEntry, "expiresAt"> | undefined,
  now: number,
): number | null {
  if (write.keepTtl === true && write.ttlMs === undefined) return current?.expiresAt ?? null;
  return expiryAt(write.ttlMs, now);
}
