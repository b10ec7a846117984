import type { StoreSnapshot } from "@dictstore/core";
import { epoched, list, num, packedEntries } from "../replies.ts";
import { defineScript } from "./script.ts";

export interface LoadArgs {
  readonly store: string;
  /** Absent: the whole store. */
  readonly filter?: { readonly keys: readonly string[]; readonly prefixes: readonly string[] };
}

/** A consistent image of the store, or of some keys and prefixes (load.lua). */
export const loadScript = defineScript({
  file: "load",
  prelude: true,
  numberOfKeys: 6,
  encode: (a: LoadArgs) =>
    a.filter === undefined
      ? [a.store, "", "0", 0]
      : [a.store, "", "1", a.filter.keys.length, ...a.filter.keys, ...a.filter.prefixes],
  decode: (raw) =>
    epoched(
      raw,
      (reply): StoreSnapshot => ({
        version: num(reply[0]),
        entries: packedEntries(list(reply[1]), reply[2], reply[3]),
      }),
    ),
});
