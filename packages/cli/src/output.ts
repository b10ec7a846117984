import type { CliIo } from "./io.ts";
import { writeChunk } from "./io.ts";
import { redactText } from "./redact.ts";
import { colorEnabled, createStyle, type Style } from "./style.ts";
import { safeJson } from "./text.ts";

/** How one command prints: results on stdout (JSON with `--json`), notes and errors on stderr. */
export class Output {
  /** Styles for stdout (plain unless stdout is a terminal). */
  readonly out: Style;
  /** Styles for stderr (plain unless stderr is a terminal). */
  readonly err: Style;

  constructor(
    readonly io: CliIo,
    readonly json: boolean,
    private readonly secrets: readonly string[],
  ) {
    this.out = createStyle(colorEnabled(io.stdout, io.env));
    this.err = createStyle(colorEnabled(io.stderr, io.env));
  }

  /** Writes raw text to stdout, waiting for the pipe when it is full. */
  write(text: string): Promise<void> {
    return writeChunk(this.io.stdout, text);
  }

  /** A command's result: `value` as one line of JSON with `--json`, else the text (a trailing newline is added). */
  async result(value: unknown, text: () => string): Promise<void> {
    if (this.json) await this.write(`${safeJson(JSON.stringify(value))}\n`);
    else {
      const body = text();
      if (body !== "") await this.write(`${body}\n`);
    }
  }

  /** A message for the person at the terminal (progress, summaries, warnings), on stderr, secrets masked. */
  note(text: string): void {
    this.io.stderr.write(`${this.redact(text)}\n`);
  }

  /** Masks the passwords of the URL in use (and any URL credentials) in `text`. */
  redact(text: string): string {
    return redactText(text, this.secrets);
  }
}
