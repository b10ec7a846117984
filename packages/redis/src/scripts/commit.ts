import type { CommitRequest, CommitResult, CommitWrite } from "@dictstore/core";
import { changeSet, epoched, list, num } from "../replies.ts";
import { defineScript } from "./script.ts";
import type { WriteArgs } from "./write-args.ts";

export type CommitArgs = WriteArgs<CommitRequest>;

/** The ttl argument of a set: '' none, 'k' keep the current expiry, else milliseconds. */
function ttlArg(write: Extract<CommitWrite, { type: "set" }>): string {
  if (write.keepTtl === true && write.ttlMs === undefined) return "k";
  return write.ttlMs === null || write.ttlMs === undefined ? "" : String(write.ttlMs);
}

/**
 * The conditional commit; plain writes are commits without checks (commit.lua, after its fast
 * path for a view's flush of plain sets, commit-fast.lua). Sets without a
 * TTL are not echoed back in `changes`: the decoder adds them from the request.
 */
export const commitScript = defineScript({
  file: "commit",
  prelude: true,
  fastPath: "commit-fast",
  numberOfKeys: 7,
  encode(a: CommitArgs) {
    const r = a.request;
    const args: (string | number)[] = [
      a.store,
      a.epoch,
      a.init ? "1" : "0",
      r.maxKeys ?? "",
      a.token,
      a.tokenTtlMs,
      r.since ?? "",
      a.reclaimLimit,
      a.tombstoneLimit,
      r.checks.length,
    ];
    for (const check of r.checks) args.push(check.key, check.version === null ? "" : check.version);
    for (const w of r.writes) {
      if (w.type === "delete") args.push("d", w.key, "", "");
      else args.push("s", w.key, w.value, ttlArg(w));
    }
    return args;
  },
  decode: (raw) =>
    epoched(raw, (reply): CommitResult => {
      if (reply[0] === "c") return { ok: false, conflicts: list(reply[1]).map(String) };
      const version = num(reply[1]);
      return reply[2] === undefined
        ? { ok: true, version }
        : { ok: true, version, changes: changeSet(list(reply[2])) };
    }),
});

/** Adds the commit's own plain sets, which the script leaves out of its changes, back in. */
export function withOwnWrites(result: CommitResult, request: CommitRequest): CommitResult {
  if (!result.ok || result.changes === undefined || result.changes.reset) return result;
  const { changes, version } = result;
  const last = new Map<string, CommitWrite>();
  for (const w of request.writes) last.set(w.key, w);
  // Usually nothing else changed (the script's shortcut): no set of listed keys to build.
  const listed =
    changes.entries.length + changes.deleted.length === 0
      ? undefined
      : new Set([...changes.entries.map((e) => e.key), ...changes.deleted]);
  const entries = [...changes.entries];
  for (const [key, w] of last) {
    if (w.type === "set" && ttlArg(w) === "" && listed?.has(key) !== true) {
      entries.push({ key, value: w.value, version, expiresAt: null });
    }
  }
  return { ok: true, version, changes: { ...changes, entries } };
}
