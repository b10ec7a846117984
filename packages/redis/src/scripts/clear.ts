import { epoched, num } from "../replies.ts";
import { defineScript } from "./script.ts";

/** Deletes every key; the store version after (clear.lua). */
export const clearScript = defineScript({
  file: "clear",
  prelude: true,
  numberOfKeys: 6,
  encode: (a: { readonly store: string }) => [a.store, ""],
  decode: (raw) => epoched(raw, (reply) => num(reply[0])),
});
