import { epoched, list, num, type Reply } from "../replies.ts";
import { defineScript } from "./script.ts";

export interface ListArgs {
  readonly store: string;
  /** '' lists every key. */
  readonly prefix: string;
  /** The page starts after this key (it starts with the prefix); undefined from the first key. */
  readonly after: string | undefined;
  readonly limit: number;
  readonly withValues: boolean;
}

export interface ListPage {
  /** `key` or `key, value, version, expiry` per listed key. */
  readonly items: Reply;
  /** The key to resume after, when there is more. */
  readonly resumeAfter: string | undefined;
}

/** One page of keys in byte order, from the key index (list.lua). */
export const listScript = defineScript({
  file: "list",
  prelude: true,
  numberOfKeys: 6,
  encode: (a: ListArgs) => [
    a.store,
    "",
    a.prefix,
    a.after === undefined ? "0" : "1",
    a.after ?? "",
    a.limit,
    a.withValues ? "1" : "0",
  ],
  decode: (raw) =>
    epoched(
      raw,
      (reply): ListPage => ({
        items: list(reply[2]),
        resumeAfter: num(reply[0]) === 1 ? String(reply[1]) : undefined,
      }),
    ),
});
