import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { CliError } from "../exit-codes.ts";

/** A piece of a record file: a JSON text of one record, with where it was found. */
export interface RecordText {
  readonly text: string;
  /** 1-based record number. */
  readonly index: number;
  /** 1-based line number (NDJSON only). */
  readonly line?: number;
}

/** Decodes a byte stream to text chunks (UTF-8, split characters kept whole), reporting bytes read. */
export async function* textChunks(stream: Readable, onBytes: (n: number) => void): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let first = true;
  for await (const chunk of stream) {
    const bytes: Buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    onBytes(bytes.length);
    let text = decoder.write(bytes);
    if (first && text !== "") {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text !== "") yield text;
  }
  const rest = decoder.end();
  if (rest !== "") yield rest;
}

/** The format of a record file, from its first non-blank character: `[` JSON, `{` NDJSON. */
export async function sniffFormat(
  chunks: AsyncGenerator<string>,
): Promise<{ format: "json" | "ndjson" | undefined; chunks: AsyncGenerator<string> }> {
  const seen: string[] = [];
  let format: "json" | "ndjson" | undefined;
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    seen.push(next.value);
    const first = next.value.trimStart()[0];
    if (first === undefined) continue;
    format = first === "[" ? "json" : first === "{" ? "ndjson" : undefined;
    break;
  }
  async function* replay(): AsyncGenerator<string> {
    yield* seen;
    yield* chunks;
  }
  return { format, chunks: replay() };
}

/** NDJSON: one record per non-blank line. */
export async function* ndjsonRecords(chunks: AsyncIterable<string>): AsyncGenerator<RecordText> {
  // A line may span many chunks: its pieces are joined once, at its end (no quadratic copying).
  let pieces: string[] = [];
  let line = 0;
  let index = 0;
  for await (const chunk of chunks) {
    let start = 0;
    for (let end = chunk.indexOf("\n"); end !== -1; end = chunk.indexOf("\n", start)) {
      line++;
      pieces.push(chunk.slice(start, end));
      const body = (pieces.length === 1 ? (pieces[0] as string) : pieces.join("")).trim();
      pieces = [];
      start = end + 1;
      if (body !== "") yield { text: body, index: ++index, line };
    }
    if (start < chunk.length) pieces.push(chunk.slice(start));
  }
  const body = pieces.join("").trim();
  if (body !== "") yield { text: body, index: ++index, line: line + 1 };
}

/**
 * JSON: the elements of one top-level array, cut out of the text as it streams in (strings and
 * nesting tracked), so a file of any size is read in flat memory, whatever its layout.
 */
export async function* jsonArrayRecords(chunks: AsyncIterable<string>): AsyncGenerator<RecordText> {
  // Widened on purpose: the scanner's transitions are too many for control-flow narrowing to follow.
  let state = "before" as "before" | "between" | "element" | "after";
  let pieces: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let index = 0;
  let expectMore = false;
  const syntax = (message: string) =>
    new CliError("USAGE", `Not a JSON export (an array of records): ${message}`);

  for await (const chunk of chunks) {
    let start = 0;
    for (let pos = 0; pos < chunk.length; pos++) {
      const c = chunk.charCodeAt(pos);
      if (state === "element") {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 92 /* \ */) escaped = true;
          else if (c === 34 /* " */) inString = false;
        } else if (c === 34) inString = true;
        else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
        else if ((c === 125 /* } */ || c === 93) /* ] */ && depth > 0) depth--;
        else if (depth === 0 && (c === 44 /* , */ || c === 93)) {
          pieces.push(chunk.slice(start, pos));
          const text = pieces.length === 1 ? (pieces[0] as string) : pieces.join("");
          pieces = [];
          yield { text, index: ++index };
          state = c === 44 ? "between" : "after";
          expectMore = c === 44;
        }
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (state === "before") {
        if (c !== 91) throw syntax("it does not start with [.");
        state = "between";
      } else if (state === "between") {
        if (c === 93 && !expectMore) state = "after";
        else if (c === 44 || c === 93)
          throw syntax(`unexpected ${String.fromCharCode(c)} after record ${index}.`);
        else {
          state = "element";
          start = pos;
          depth = 0;
          pos--; // rescan this character as part of the element
        }
      } else throw syntax("unexpected text after the closing ].");
    }
    if (state === "element") pieces.push(chunk.slice(start));
  }
  if (state !== "after")
    throw syntax(state === "before" ? "the input is empty." : "the array is not closed.");
}
