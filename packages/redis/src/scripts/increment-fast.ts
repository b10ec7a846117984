import type { IncrementResult } from "@dictstore/core";
import { list } from "../replies.ts";
import { incrementResult } from "./increment.ts";
import { defineScript } from "./script.ts";

export interface IncrementFastArgs {
  readonly store: string;
  readonly key: string;
  readonly by: number;
  readonly maxKeys: number | undefined;
  readonly token: string;
  readonly tokenTtlMs: number;
}

/** Handed to the full script: the fast one only answers the common case. */
export const HAND_OVER: unique symbol = Symbol("hand over");

/** The common case of the increment in as few calls as possible (increment-fast.lua). */
export const incrementFastScript = defineScript({
  file: "increment-fast",
  numberOfKeys: 7,
  encode: (a: IncrementFastArgs) => [a.store, a.maxKeys ?? "", a.token, a.tokenTtlMs, a.key, a.by],
  decode(raw): IncrementResult | typeof HAND_OVER {
    const reply = list(raw);
    return reply[1] === "s" ? HAND_OVER : incrementResult(reply.slice(1));
  },
});
