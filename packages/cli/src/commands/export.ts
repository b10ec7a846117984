import { createWriteStream, openSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { type Command, Option } from "commander";
import { type Run, type StoreOption, storeOption } from "../command-kit.ts";
import type { CommandContext } from "../context.ts";
import { CliError } from "../exit-codes.ts";
import { recordLine } from "../format/record.ts";
import { writeChunk } from "../io.ts";
import { createProgress } from "../progress.ts";
import { displayName } from "../text.ts";
import { requireStore } from "./keys.ts";

interface ExportOptions extends StoreOption {
  format?: "json" | "ndjson";
  out?: string;
  prefix?: string;
}

const PAGE_SIZE = 1000;

/** The format a file name suggests: `.ndjson`/`.jsonl` → NDJSON, anything else JSON. */
export function formatOfPath(path: string | undefined): "json" | "ndjson" | undefined {
  if (path === undefined || path === "-") return undefined;
  return /\.(ndjson|jsonl)$/i.test(path) ? "ndjson" : /\.json$/i.test(path) ? "json" : undefined;
}

/** Registers `export`: streams a store's records, page by page, to stdout or a file. */
export function registerExportCommand(program: Command, run: Run): void {
  program
    .command("export")
    .description("write every record of a store (values exact, TTLs kept) as JSON or NDJSON")
    .addOption(storeOption())
    .addOption(
      new Option("-f, --format <format>", "json (an array) or ndjson (one record per line)").choices([
        "json",
        "ndjson",
      ]),
    )
    .option("-o, --out <file>", "write to this file (written whole or not at all) instead of stdout")
    .option("-p, --prefix <prefix>", "only keys starting with this text")
    .action(run(exportCommand));
}

async function exportCommand(ctx: CommandContext, options: ExportOptions): Promise<void> {
  const { output } = ctx;
  const format = options.format ?? formatOfPath(options.out) ?? "json";
  const backend = await ctx.backend();
  await requireStore(backend, options.store);
  const total = options.prefix === undefined ? await backend.count(options.store) : undefined;
  const target =
    options.out === undefined || options.out === "-" ? undefined : resolve(ctx.io.cwd, options.out);
  // No bar when the records themselves scroll by on the same terminal.
  const showProgress = target !== undefined || output.io.stdout.isTTY !== true;
  const progress = createProgress({
    stream: output.io.stderr,
    env: ctx.io.env,
    enabled: showProgress,
    style: output.err,
    unit: "records",
    ...(total === undefined ? {} : { total }),
  });
  // A file is written beside its final name and renamed at the end: no half-written export is left behind.
  const temporary =
    target === undefined ? undefined : join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  const sink: Writable = temporary === undefined ? output.io.stdout : openFile(temporary, options.out ?? "");
  let count = 0;
  try {
    if (format === "json") await writeChunk(sink, "[");
    let cursor: string | undefined;
    do {
      const page = await backend.listEntries(options.store, {
        limit: PAGE_SIZE,
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      if (page.entries.length > 0) {
        const separator = format === "json" ? (count === 0 ? "\n" : ",\n") : "";
        const lines = page.entries.map(recordLine).join(format === "json" ? ",\n" : "\n");
        await writeChunk(sink, separator + lines + (format === "ndjson" ? "\n" : ""));
        count += page.entries.length;
        progress.advance(page.entries.length);
      }
      cursor = page.cursor ?? undefined;
    } while (cursor !== undefined);
    if (format === "json") await writeChunk(sink, "\n]\n");
    if (temporary !== undefined && target !== undefined) {
      sink.end();
      await finished(sink);
      renameSync(temporary, target);
    }
  } catch (error) {
    if (temporary !== undefined) {
      sink.destroy();
      rmSync(temporary, { force: true });
    }
    throw error;
  } finally {
    progress.done();
  }
  const summary = { exported: count, store: options.store, format, out: target ?? null };
  const text = `Exported ${count} record${count === 1 ? "" : "s"} of store ${displayName(options.store)} as ${format.toUpperCase()}${target === undefined ? "" : ` to ${target}`}.`;
  // When the records went to stdout, the summary must not mix with them: it goes to stderr.
  if (target === undefined) output.note(output.json ? JSON.stringify(summary) : output.err.dim(text));
  else await output.result(summary, () => text);
}

// Opening synchronously turns a missing directory or a permission problem into a clear error up front.
function openFile(path: string, shown: string): Writable {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (cause) {
    throw new CliError("USAGE", `Cannot write ${shown}: ${(cause as Error).message}`, { cause });
  }
  const stream = createWriteStream(path, { fd });
  // Write errors surface through writeChunk/finished; this listener keeps them from crashing the process.
  stream.on("error", () => {});
  return stream;
}
