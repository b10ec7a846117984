import type { BackendEntry } from "@dictstore/core";
import { expiry, list, MISSING, num } from "../replies.ts";
import { defineScript } from "./script.ts";

export interface ReadArgs {
  readonly store: string;
  readonly keys: readonly string[];
  /** false: existence only (values come back empty). */
  readonly withValues: boolean;
}

export interface ReadResult {
  /** Server time in ms, 0 when no key of the store expires. */
  readonly now: number;
  /** One entry per asked key, undefined for a missing one. */
  readonly entries: (BackendEntry | undefined)[];
}

/** Reads keys with their versions and expiries (read.lua). */
export const readScript = defineScript<ReadArgs, ReadResult | typeof MISSING>({
  file: "read",
  numberOfKeys: 6,
  encode: (a) => [a.store, a.withValues ? "1" : "0", ...a.keys],
  decode(raw) {
    const reply = list(raw);
    if (num(reply[0]) === 0) return MISSING;
    const entries: (BackendEntry | undefined)[] = [];
    for (let base = 2; base < reply.length; base += 3) {
      const version = reply[base + 1];
      entries.push(
        version === null || version === undefined || version === false
          ? undefined
          : { value: String(reply[base]), version: num(version), expiresAt: expiry(reply[base + 2]) },
      );
    }
    return { now: num(reply[1]), entries };
  },
});
