import { list, num } from "../replies.ts";
import { defineScript } from "./script.ts";

export interface SetArgs {
  readonly store: string;
  readonly key: string;
  readonly value: string;
  /** null: no TTL. */
  readonly ttlMs: number | null;
  readonly maxKeys: number | undefined;
}

/** Handed to the commit script: the set script only answers the common case. */
export const NOT_HANDLED: unique symbol = Symbol("not handled");

/** The plain write of one key in the common case (set.lua); the new store version. */
export const setScript = defineScript({
  file: "set",
  numberOfKeys: 6,
  encode: (a: SetArgs) => [a.store, a.key, a.value, a.ttlMs === null ? "" : a.ttlMs, a.maxKeys ?? ""],
  decode(raw): number | typeof NOT_HANDLED {
    const reply = list(raw);
    return num(reply[0]) === 1 ? num(reply[1]) : NOT_HANDLED;
  },
});
