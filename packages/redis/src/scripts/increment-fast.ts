import type { IncrementResult } from "@dictstore/core";
import { expiry, list, num } from "../replies.ts";
import { defineScript } from "./script.ts";

export interface IncrementFastArgs {
  readonly store: string;
  readonly key: string;
  readonly by: number;
  readonly maxKeys: number | undefined;
  readonly token: string;
  readonly tokenTtlMs: number;
  /** A local view's version: the script then answers only when nobody else wrote since. */
  readonly since: number | undefined;
  /** The epoch the view saw ('' for none: the full script answers a view then). */
  readonly epoch: string;
}

/** Handed to the full script: the fast one only answers the common case. */
export const HAND_OVER: unique symbol = Symbol("hand over");

/**
 * The common case of the increment in as few calls as possible (increment-fast.lua). For a view,
 * the change it brings back is the increment itself: nobody else wrote since the view's version.
 */
export const incrementFastScript = defineScript({
  file: "increment-fast",
  numberOfKeys: 7,
  encode: (a: IncrementFastArgs) => [
    a.store,
    a.maxKeys ?? "",
    a.token,
    a.tokenTtlMs,
    a.key,
    a.by,
    a.since ?? "",
    a.epoch,
  ],
  decode(raw): FastIncrement | typeof HAND_OVER {
    const reply = list(raw);
    if (reply[1] !== "k") return HAND_OVER;
    const text = String(reply[3]);
    return { version: num(reply[2]), value: Number(text), text, expiresAt: expiry(reply[4]) };
  },
});

/** What the fast increment applied: the new number, the store version, the key's expiry. */
export interface FastIncrement {
  readonly value: number;
  /** The value as stored. */
  readonly text: string;
  readonly version: number;
  readonly expiresAt: number | null;
}

/** The fast increment as the backend answers it; a view gets the increment itself as its only change. */
export function fastIncrementResult(
  key: string,
  since: number | undefined,
  done: FastIncrement,
): IncrementResult {
  const { value, text, version, expiresAt } = done;
  if (since === undefined) return { ok: true, value, version };
  const entries = [{ key, value: text, version, expiresAt }];
  return { ok: true, value, version, changes: { reset: false, version, entries, deleted: [] } };
}
