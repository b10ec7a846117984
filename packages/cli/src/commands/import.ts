import { createReadStream, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { type AsyncDataStore, createAsyncStore, withStagedWrites } from "@dictstore/core";
import { type Command, Option } from "commander";
import { positiveInteger, type Run, type StoreOption, storeOption } from "../command-kit.ts";
import type { CommandContext } from "../context.ts";
import { CliError, exitCodeNameOf } from "../exit-codes.ts";
import {
  jsonArrayRecords,
  ndjsonRecords,
  type RecordText,
  sniffFormat,
  textChunks,
} from "../format/readers.ts";
import { type ImportItem, importItem } from "../format/record.ts";
import { createProgress } from "../progress.ts";
import { displayName } from "../text.ts";

interface ImportOptions extends StoreOption {
  format?: "json" | "ndjson";
  batchSize: number;
}

interface PendingItem extends ImportItem {
  readonly where: string;
}

/** What an import did, printed at the end (and in the error when it stops part way). */
interface ImportSummary {
  store: string;
  format: "json" | "ndjson" | null;
  /** Records read from the input. */
  read: number;
  /** Records written to the store. */
  imported: number;
  /** Records skipped because their expiry had passed. */
  expired: number;
  /** Atomic batches committed. */
  batches: number;
}

/** Registers `import`: reads an export (JSON or NDJSON) as a stream and writes it in atomic batches. */
export function registerImportCommand(program: Command, run: Run): void {
  program
    .command("import")
    .description(
      "write the records of an export file (JSON or NDJSON, detected) into a store, atomically per batch",
    )
    .argument("<file>", "a file written by export, or - to read stdin")
    .addOption(storeOption())
    .addOption(
      new Option(
        "-f, --format <format>",
        "json or ndjson (default: detected from the first character)",
      ).choices(["json", "ndjson"]),
    )
    .addOption(
      new Option("-b, --batch-size <n>", "records per atomic batch").argParser(positiveInteger).default(500),
    )
    .action(run(importCommand));
}

function openInput(ctx: CommandContext, file: string): { stream: Readable; size: number | undefined } {
  if (file === "-") return { stream: ctx.io.stdin, size: undefined };
  const path = resolve(ctx.io.cwd, file);
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new CliError("USAGE", `${file} is not a file.`);
    size = stat.size;
  } catch (cause) {
    if (cause instanceof CliError) throw cause;
    throw new CliError("USAGE", `Cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  return { stream: createReadStream(path), size };
}

async function importCommand(ctx: CommandContext, file: string, options: ImportOptions): Promise<void> {
  const { output } = ctx;
  const input = openInput(ctx, file);
  const backend = await ctx.backend();
  const progress = createProgress({
    stream: output.io.stderr,
    env: ctx.io.env,
    style: output.err,
    unit: "records",
    ...(input.size === undefined ? {} : { totalBytes: input.size }),
  });
  const summary: ImportSummary = {
    store: options.store,
    format: null,
    read: 0,
    imported: 0,
    expired: 0,
    batches: 0,
  };
  try {
    let bytes = 0;
    const sniffed = await sniffFormat(textChunks(input.stream, (n) => (bytes += n)));
    const format = options.format ?? sniffed.format;
    if (format === undefined) {
      throw new CliError(
        "USAGE",
        "The input is neither a JSON array nor NDJSON records (it must start with [ or {).",
      );
    }
    summary.format = format;
    // A view that loads no key: each batch is staged on it and committed as one atomic backend commit.
    const store = createAsyncStore({ backend, name: options.store, load: { keys: [] } });
    const records = format === "json" ? jsonArrayRecords(sniffed.chunks) : ndjsonRecords(sniffed.chunks);
    let batch: PendingItem[] = [];
    let reported = 0;
    for await (const record of records) {
      summary.read++;
      batch.push(parseRecord(record));
      if (batch.length >= options.batchSize) {
        await commitBatch(store, batch, summary);
        batch = [];
      }
      progress.advance(1, bytes - reported);
      reported = bytes;
    }
    await commitBatch(store, batch, summary);
    // Batches create the store as they land; an import with no record still leaves it existing.
    await backend.createStore(options.store);
  } catch (error) {
    throw stopped(error, summary);
  } finally {
    progress.done();
  }
  const text = `Imported ${summary.imported} record${summary.imported === 1 ? "" : "s"} into store ${displayName(options.store)} in ${summary.batches} atomic batch${summary.batches === 1 ? "" : "es"}${summary.expired > 0 ? `; skipped ${summary.expired} already expired` : ""}.`;
  await output.result(summary, () => text);
}

function parseRecord(record: RecordText): PendingItem {
  const where = `record ${record.index}${record.line === undefined ? "" : ` (line ${record.line})`}`;
  let raw: unknown;
  try {
    raw = JSON.parse(record.text);
  } catch (cause) {
    throw new CliError("USAGE", `${where}: not valid JSON (${(cause as Error).message}).`, { cause });
  }
  return { ...importItem(raw, where, Date.now()), where };
}

async function commitBatch(
  store: AsyncDataStore,
  batch: PendingItem[],
  summary: ImportSummary,
): Promise<void> {
  if (batch.length === 0) return;
  let written = 0;
  let expired = 0;
  await withStagedWrites(store, (dict) => {
    // The public API takes relative TTLs: computing them right before the commit keeps expiry times exact
    // to within one batch's commit.
    const now = Date.now();
    written = 0;
    expired = 0;
    for (const item of batch) {
      const ttl = item.expiresAt === undefined ? undefined : (item.expiresAt - now) / 1000;
      if (ttl !== undefined && ttl <= 0) {
        expired++;
        continue;
      }
      try {
        dict.set(item.key, item.value, ttl === undefined ? undefined : { ttl });
      } catch (cause) {
        throw new CliError(exitCodeNameOf(cause), `${item.where}: ${(cause as Error).message}`, { cause });
      }
      written++;
    }
  });
  summary.imported += written;
  summary.expired += expired;
  if (written > 0) summary.batches++;
}

function stopped(error: unknown, summary: ImportSummary): CliError {
  const message = error instanceof Error ? error.message : String(error);
  const done =
    summary.batches === 0
      ? "Nothing was written."
      : `${summary.imported} records in ${summary.batches} batches were written before; the failing batch wrote nothing.`;
  return new CliError(exitCodeNameOf(error), `${message}\nImport stopped. ${done}`, {
    cause: error,
    details: { summary },
  });
}
