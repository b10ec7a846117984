import { type Command, InvalidArgumentError, Option } from "commander";
import { CommandContext, type GlobalOptions } from "./context.ts";
import type { CliIo } from "./io.ts";

/** Options of every command that works on the keys of one store. */
export interface StoreOption {
  store: string;
}

/** Wraps a command body: builds its context from the parsed options, and always releases the backend. */
export type Run = <TArgs extends unknown[]>(
  fn: (ctx: CommandContext, ...args: TArgs) => Promise<void>,
) => (...args: unknown[]) => Promise<void>;

/** Makes the `Run` wrapper for one CLI invocation. */
export function createRun(io: CliIo): Run {
  return (fn) =>
    async (...args) => {
      // Commander passes the declared arguments, then the options object, then the command itself.
      const command = args[args.length - 1] as Command;
      const ctx = new CommandContext(io, command.optsWithGlobals<GlobalOptions>());
      try {
        await fn(ctx, ...(args.slice(0, -1) as never));
      } finally {
        await ctx.dispose();
      }
    };
}

/** The `--store` option of key commands. */
export function storeOption(): Option {
  return new Option("-s, --store <name>", "the store to use").default("default");
}

/** The `--yes` option of destructive commands. */
export function yesOption(): Option {
  return new Option("-y, --yes", "do not ask for confirmation (needed when there is no terminal)");
}

/** Parses a whole number ≥ 1 for an option. */
export function positiveInteger(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError("expected a whole number ≥ 1.");
  }
  return n;
}

/** Parses a TTL in seconds (> 0, fractions allowed). */
export function ttlSeconds(text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError("expected a number of seconds > 0 (fractions allowed).");
  }
  return n;
}

/** Parses a TCP port (0 to 65535; 0 lets the system pick a free one). */
export function portNumber(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 65535)
    throw new InvalidArgumentError("expected a port from 0 to 65535.");
  return n;
}
