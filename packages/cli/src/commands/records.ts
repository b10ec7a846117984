import { inspect } from "node:util";
import { encodeValue, RICH_ENCODING_MARK } from "@dictstore/core";
import { type Command, Option } from "commander";
import { type Run, type StoreOption, storeOption, ttlSeconds, yesOption } from "../command-kit.ts";
import { confirmDestructive } from "../confirm.ts";
import type { CommandContext } from "../context.ts";
import { CliError } from "../exit-codes.ts";
import { displayName, formatDuration, safeJson } from "../text.ts";
import { requireStore } from "./keys.ts";

const MISSING: unique symbol = Symbol("missing");

function notFound(key: string, store: string): CliError {
  return new CliError("NOT_FOUND", `Key ${displayName(key)} is not in store ${displayName(store)}.`);
}

/** Registers `get`, `set`, `del`, `ttl` and `clear`: reads and writes through the public async store API. */
export function registerRecordCommands(program: Command, run: Run): void {
  program
    .command("get")
    .description("print a value: plain values as JSON, rich values (Date, Map, Set, BigInt, ...) inspected")
    .argument("<key>", "the key")
    .addOption(storeOption())
    .action(run(getCommand));

  program
    .command("set")
    .description("write a value given as JSON (a write without --ttl clears any expiry)")
    .argument("<key>", "the key")
    .argument("<json>", "the value as JSON (strings need quotes: '\"text\"'), or - to read it from stdin")
    .addOption(storeOption())
    .addOption(new Option("-t, --ttl <seconds>", "expire after this many seconds").argParser(ttlSeconds))
    .action(run(setCommand));

  program
    .command("del")
    .description("delete a key")
    .argument("<key>", "the key")
    .addOption(storeOption())
    .action(
      run(async (ctx, key: string, options: StoreOption) => {
        const store = await ctx.store(options.store);
        if (!(await store.delete(key))) throw notFound(key, options.store);
        await ctx.output.result({ deleted: key }, () => `Deleted ${displayName(key)}.`);
      }),
    );

  program
    .command("ttl")
    .description("show a key's time to live; with <seconds>, set it; with --remove, make the key permanent")
    .argument("<key>", "the key")
    .argument("[seconds]", "the new time to live, in seconds (fractions allowed)", ttlSeconds)
    .addOption(storeOption())
    .option("-r, --remove", "remove the expiry")
    .action(run(ttlCommand));

  program
    .command("clear")
    .description("delete every key of a store (asks you to type its name, or --yes)")
    .addOption(storeOption())
    .addOption(yesOption())
    .action(
      run(async (ctx, options: StoreOption & { yes?: boolean }) => {
        const backend = await ctx.backend();
        await requireStore(backend, options.store);
        const keys = await backend.count(options.store);
        await confirmDestructive(ctx.output, {
          action: `delete all ${keys} key${keys === 1 ? "" : "s"} of store ${displayName(options.store)}`,
          expected: options.store,
          yes: options.yes === true,
        });
        await (await ctx.store(options.store)).clear();
        await ctx.output.result(
          { cleared: options.store, keys },
          () => `Cleared store ${displayName(options.store)} (${keys} keys deleted).`,
        );
      }),
    );
}

async function getCommand(ctx: CommandContext, key: string, options: StoreOption): Promise<void> {
  const store = await ctx.store(options.store);
  const value = await store.get(key, MISSING);
  if (value === MISSING) throw notFound(key, options.store);
  const ttl = (await store.getTtl(key)) ?? null;
  // The stored form tells plain JSON from rich values; --json carries rich ones in that exact encoding.
  const encoded = encodeValue(value);
  const rich = encoded.startsWith(RICH_ENCODING_MARK);
  const { output } = ctx;
  await output.result(rich ? { key, encoded, ttl } : { key, value, ttl }, () =>
    rich
      ? inspect(value, {
          depth: null,
          colors: output.out.enabled,
          maxArrayLength: null,
          maxStringLength: null,
        })
      : safeJson(JSON.stringify(value, null, 2)),
  );
}

async function setCommand(
  ctx: CommandContext,
  key: string,
  json: string,
  options: StoreOption & { ttl?: number },
): Promise<void> {
  const text = json === "-" ? await readAll(ctx.io.stdin) : json;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new CliError(
      "USAGE",
      `The value is not valid JSON (${(cause as Error).message}). Strings need quotes, e.g. '"text"'.`,
      { cause },
    );
  }
  const store = await ctx.store(options.store);
  await store.set(key, value, options.ttl === undefined ? undefined : { ttl: options.ttl });
  const ttl = options.ttl ?? null;
  await ctx.output.result(
    { set: key, ttl },
    () => `Set ${displayName(key)}${ttl === null ? "" : ` (expires in ${formatDuration(ttl)})`}.`,
  );
}

async function ttlCommand(
  ctx: CommandContext,
  key: string,
  seconds: number | undefined,
  options: StoreOption & { remove?: boolean },
): Promise<void> {
  if (seconds !== undefined && options.remove === true) {
    throw new CliError("USAGE", "Give either <seconds> or --remove, not both.");
  }
  const store = await ctx.store(options.store);
  const { output } = ctx;
  if (seconds === undefined && options.remove !== true) {
    const ttl = await store.getTtl(key);
    if (ttl === undefined) throw notFound(key, options.store);
    await output.result({ key, ttl }, () =>
      ttl === null ? "no expiry" : `expires in ${formatDuration(ttl)}`,
    );
    return;
  }
  const ttl = seconds ?? null;
  if (!(await store.setTtl(key, ttl))) throw notFound(key, options.store);
  await output.result({ key, ttl }, () =>
    ttl === null
      ? `${displayName(key)} no longer expires.`
      : `${displayName(key)} expires in ${formatDuration(ttl)}.`,
  );
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}
