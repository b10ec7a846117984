import { luaText } from "./lua-text.ts";

/**
 * One Lua script with its typed argument encoder and reply decoder. `keys` are the Redis keys it
 * touches (all in one cluster slot); the encoder builds ARGV from named fields, so no caller
 * depends on argument positions, and the decoder is the only code that reads the reply's shape.
 */
export interface Script<Args, Result> {
  /** The command name it is defined under on the client (ioredis `defineCommand`). */
  readonly command: string;
  readonly lua: string;
  readonly numberOfKeys: number;
  encode(args: Args): (string | number)[];
  decode(reply: unknown): Result;
}

/**
 * A script from its `.lua` file; `prelude` prepends the helpers shared by store scripts, and
 * `fastPath` names a file put before them: it answers the common case without paying for their
 * definitions, and falls through to the script otherwise.
 */
export function defineScript<Args, Result>(spec: {
  readonly file: string;
  readonly prelude?: boolean;
  readonly fastPath?: string;
  readonly numberOfKeys: number;
  encode(args: Args): (string | number)[];
  decode(reply: unknown): Result;
}): Script<Args, Result> {
  const body = spec.prelude === true ? `${luaText("prelude")}\n${luaText(spec.file)}` : luaText(spec.file);
  return {
    command: `dictstore_${spec.file.replace(/-/g, "_")}`,
    lua: spec.fastPath === undefined ? body : `${luaText(spec.fastPath)}\n${body}`,
    numberOfKeys: spec.numberOfKeys,
    encode: spec.encode,
    decode: spec.decode,
  };
}

/** A script as ioredis' `defineCommand` takes it. */
export type AnyScript = Script<never, unknown>;
