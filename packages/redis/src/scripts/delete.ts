import { epoched, list, num } from "../replies.ts";
import { defineScript } from "./script.ts";

export interface DeleteArgs {
  readonly store: string;
  readonly keys: readonly string[];
  readonly reclaimLimit: number;
  readonly tombstoneLimit: number;
}

/** Deletes keys; for each, whether it existed (delete.lua). */
export const deleteScript = defineScript({
  file: "delete",
  prelude: true,
  numberOfKeys: 6,
  encode: (a: DeleteArgs) => [a.store, "", a.reclaimLimit, a.tombstoneLimit, ...a.keys],
  decode: (raw) => epoched(raw, (reply) => list(reply[1]).map((flag) => num(flag) === 1)),
});
