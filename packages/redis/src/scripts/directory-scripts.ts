import { list, num } from "../replies.ts";
import { defineScript } from "./script.ts";

/*
 * The directory's scripts and the two store-slot steps of a rename and a drop. Directory scripts
 * take one key (the directory hash), the others the store's six keys.
 */

/** Initialises a store's meta before its id is published (init.lua). KEYS: meta. */
export const initScript = defineScript({
  file: "init",
  numberOfKeys: 1,
  encode: (a: { readonly name: string }) => [a.name],
  decode: (raw) => String(raw) as "ok" | "same" | "taken",
});

/** Renames the store in its own slot (rename-meta.lua). */
export const renameMetaScript = defineScript({
  file: "rename-meta",
  prelude: true,
  numberOfKeys: 6,
  encode: (a: { readonly from: string; readonly to: string; readonly lockDeadline: number }) => [
    a.from,
    "",
    a.from,
    a.to,
    a.lockDeadline,
  ],
  decode: (raw) => String(raw) as "ok" | "late" | "stale",
});

/** Frees a dropped store's data and leaves its marker (drop-meta.lua). */
export const dropMetaScript = defineScript({
  file: "drop-meta",
  prelude: true,
  numberOfKeys: 6,
  encode: (a: { readonly name: string; readonly lockDeadline: number; readonly markerTtlMs: number }) => [
    a.name,
    "",
    a.lockDeadline,
    a.markerTtlMs,
  ],
  decode: (raw) => String(raw) as "ok" | "late" | "stale",
});

/** A directory entry with the server time (dir-get.lua). */
export const dirGetScript = defineScript({
  file: "dir-get",
  numberOfKeys: 1,
  encode: (a: { readonly name: string }) => [a.name],
  decode(raw) {
    const reply = list(raw);
    const value = reply[0];
    return { value: typeof value === "string" ? value : undefined, now: num(reply[1]) };
  },
});

/** Publishes an id unless the name exists (dir-create.lua). */
export const dirCreateScript = defineScript({
  file: "dir-create",
  numberOfKeys: 1,
  encode: (a: { readonly name: string; readonly id: string }) => [a.name, a.id],
  decode(raw) {
    const reply = list(raw);
    return { created: num(reply[0]) === 1, current: typeof reply[1] === "string" ? reply[1] : undefined };
  },
});

export type DirLockArgs =
  | { readonly kind: "drop"; readonly name: string; readonly id: string; readonly lockMs: number }
  | {
      readonly kind: "rename";
      readonly name: string;
      readonly id: string;
      readonly lockMs: number;
      readonly target: string;
    };

/** Locks directory entries for a rename or drop: the lock's deadline, or why not (dir-lock.lua). */
export const dirLockScript = defineScript({
  file: "dir-lock",
  numberOfKeys: 1,
  encode: (a: DirLockArgs) =>
    a.kind === "drop" ? ["drop", a.name, a.id, a.lockMs] : ["rename", a.name, a.id, a.lockMs, a.target],
  decode(raw): number | "changed" | "exists" {
    const reply = list(raw);
    return reply[0] === "ok" ? num(reply[1]) : (reply[0] as "changed" | "exists");
  },
});

/** Compare-and-set of directory entries: `[name, expected, replacement ('' deletes)]` (dir-settle.lua). */
export const dirSettleScript = defineScript({
  file: "dir-settle",
  numberOfKeys: 1,
  encode: (a: { readonly triples: readonly (readonly [string, string, string])[] }) => a.triples.flat(),
  decode: (raw) => num(raw),
});
