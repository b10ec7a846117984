import { epoched, num } from "../replies.ts";
import { defineScript } from "./script.ts";

export interface SetTtlArgs {
  readonly store: string;
  readonly key: string;
  /** null removes the TTL. */
  readonly ttlMs: number | null;
  readonly reclaimLimit: number;
}

/** Sets or removes a live key's TTL; false when the key is not live (set-ttl.lua). */
export const setTtlScript = defineScript({
  file: "set-ttl",
  prelude: true,
  numberOfKeys: 6,
  encode: (a: SetTtlArgs) => [a.store, "", a.reclaimLimit, a.ttlMs === null ? "" : a.ttlMs, a.key],
  decode: (raw) => epoched(raw, (reply) => num(reply[0]) === 1),
});
