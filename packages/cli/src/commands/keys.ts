import type { Backend } from "@dictstore/core";
import { type Command, Option } from "commander";
import { positiveInteger, type Run, type StoreOption, storeOption } from "../command-kit.ts";
import type { CommandContext } from "../context.ts";
import { CliError } from "../exit-codes.ts";
import { displayName, safeJson } from "../text.ts";

interface KeysOptions extends StoreOption {
  prefix?: string;
  limit?: number;
  cursor?: string;
}

const PAGE_SIZE = 500;

/** Throws `NOT_FOUND` when the store does not exist, so a typo in `--store` is not an empty list. */
export async function requireStore(backend: Backend, name: string): Promise<void> {
  if (!(await backend.hasStore(name)))
    throw new CliError("NOT_FOUND", `Store ${displayName(name)} does not exist.`);
}

/** Registers `keys`: lists a store's keys page by page, all of them or `--limit` at a time with a cursor. */
export function registerKeysCommand(program: Command, run: Run): void {
  program
    .command("keys")
    .description("list the keys of a store (all, streamed; or --limit at a time, continued with --cursor)")
    .addOption(storeOption())
    .option("-p, --prefix <prefix>", "only keys starting with this text")
    .addOption(
      new Option("-l, --limit <n>", "at most this many keys, then print a cursor").argParser(positiveInteger),
    )
    .option("-c, --cursor <cursor>", "continue after a previous --limit page")
    .action(
      run(async (ctx, options: KeysOptions) => {
        const backend = await ctx.backend();
        await requireStore(backend, options.store);
        if (options.limit === undefined) await streamAll(ctx, backend, options);
        else await onePage(ctx, backend, options, options.limit);
      }),
    );
}

async function streamAll(ctx: CommandContext, backend: Backend, options: KeysOptions): Promise<void> {
  const { output } = ctx;
  let cursor = options.cursor;
  let first = true;
  if (output.json) await output.write('{"keys":[');
  do {
    const page = await backend.listKeys(options.store, listOptions(options, PAGE_SIZE, cursor));
    if (page.keys.length > 0) {
      const text = output.json
        ? (first ? "" : ",") + page.keys.map((k) => safeJson(JSON.stringify(k))).join(",")
        : `${page.keys.map(displayName).join("\n")}\n`;
      await output.write(text);
      first = false;
    }
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined);
  if (output.json) await output.write('],"cursor":null}\n');
}

async function onePage(
  ctx: CommandContext,
  backend: Backend,
  options: KeysOptions,
  limit: number,
): Promise<void> {
  const keys: string[] = [];
  let cursor: string | undefined = options.cursor;
  // A backend page may hold fewer keys than asked and still not be the last: keep asking for the rest.
  do {
    const page = await backend.listKeys(options.store, listOptions(options, limit - keys.length, cursor));
    keys.push(...page.keys);
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined && keys.length < limit);
  const { output } = ctx;
  await output.result({ keys, cursor: cursor ?? null }, () => keys.map(displayName).join("\n"));
  if (!output.json && cursor !== undefined) {
    output.note(output.err.dim(`more keys: continue with --cursor ${shellQuote(cursor)}`));
  }
}

function listOptions(options: KeysOptions, limit: number, cursor: string | undefined) {
  return {
    limit,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

function shellQuote(text: string): string {
  return /^[\w.:=@%+/-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
