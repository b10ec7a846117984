import type { BackendEntry } from "@dictstore/core";
import type { ReadArgs, ReadResult } from "../plain-read.ts";
import { expiry, list, MISSING, num } from "../replies.ts";
import { defineScript } from "./script.ts";

/** Reads keys with their versions and expiries when Redis is out of memory (read.lua). */
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
