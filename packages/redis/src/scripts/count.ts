import { epoched, num } from "../replies.ts";
import { defineScript } from "./script.ts";

/** Counts live keys (count.lua). */
export const countScript = defineScript({
  file: "count",
  prelude: true,
  numberOfKeys: 6,
  encode: (a: { readonly store: string }) => [a.store, ""],
  decode: (raw) => epoched(raw, (reply) => num(reply[0])),
});
