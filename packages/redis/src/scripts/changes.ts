import { changeSet, epoched, list } from "../replies.ts";
import { defineScript } from "./script.ts";

export interface ChangesArgs {
  readonly store: string;
  /** The epoch the caller last saw, '' for none: another one is refused (DSEPOCH). */
  readonly epoch: string;
  readonly since: number;
}

/** What changed since a version (changes.lua). */
export const changesScript = defineScript({
  file: "changes",
  prelude: true,
  numberOfKeys: 6,
  encode: (a: ChangesArgs) => [a.store, a.epoch, a.since],
  decode: (raw) => epoched(raw, (reply) => changeSet(list(reply[0]))),
});
