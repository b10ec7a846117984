import type { IncrementRequest, IncrementResult } from "@dictstore/core";
import { changeSet, epoched, list, num } from "../replies.ts";
import { defineScript } from "./script.ts";
import type { WriteArgs } from "./write-args.ts";

export type IncrementArgs = WriteArgs<IncrementRequest>;

/** Decodes `'n'` (declined) or `'k', version, value, changes?`. */
export function incrementResult(reply: readonly unknown[]): IncrementResult {
  if (reply[0] !== "k") return { ok: false };
  const version = num(reply[1]);
  const value = Number(reply[2]);
  return reply[3] === undefined
    ? { ok: true, value, version }
    : { ok: true, value, version, changes: changeSet(list(reply[3])) };
}

/** The full increment: creates the store, reclaims, replays a token, brings changes (increment.lua). */
export const incrementScript = defineScript({
  file: "increment",
  prelude: true,
  numberOfKeys: 7,
  encode: (a: IncrementArgs) => [
    a.store,
    a.epoch,
    a.init ? "1" : "0",
    a.request.maxKeys ?? "",
    a.token,
    a.tokenTtlMs,
    a.request.since ?? "",
    a.reclaimLimit,
    a.request.key,
    a.request.by,
  ],
  decode: (raw) => epoched(raw, incrementResult),
});
