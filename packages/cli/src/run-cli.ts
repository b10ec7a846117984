import { CommanderError } from "commander";
import { EXIT_CODES, exitCodeNameOf } from "./exit-codes.ts";
import { type CliIo, processIo } from "./io.ts";
import { createProgram } from "./program.ts";
import { redactText, secretsOf } from "./redact.ts";
import { colorEnabled, createStyle } from "./style.ts";

/**
 * Runs `dictstore` with `argv` (as `process.argv`: node and script first) and resolves to the exit
 * code; it never calls `process.exit`. Errors are printed on stderr, passwords masked.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv]);
    return EXIT_CODES.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      return error.exitCode === 0 ? EXIT_CODES.OK : EXIT_CODES.USAGE;
    }
    const name = exitCodeNameOf(error);
    const json = argv.includes("--json") || argv.includes("-j");
    printError(io, error, name, json, secretsIn(argv, io));
    return EXIT_CODES[name];
  }
}

// Any URL the run could have used: from the command line and the environment.
function secretsIn(argv: readonly string[], io: CliIo): string[] {
  const urls = [...argv, io.env.DICTSTORE_URL ?? ""].filter((text) => text.includes("://"));
  return urls.flatMap((url) => secretsOf(url));
}

function printError(
  io: CliIo,
  error: unknown,
  name: keyof typeof EXIT_CODES,
  json: boolean,
  secrets: readonly string[],
): void {
  const message = redactText(error instanceof Error ? error.message : String(error), secrets);
  if (json) {
    const details = typeof error === "object" && error !== null && "details" in error ? error.details : {};
    const storeCode = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
    const payload = {
      error: {
        code: name,
        exitCode: EXIT_CODES[name],
        ...(typeof storeCode === "string" && storeCode !== name ? { storeErrorCode: storeCode } : {}),
        message,
        ...(details as object),
      },
    };
    io.stderr.write(`${redactText(JSON.stringify(payload), secrets)}\n`);
    return;
  }
  const style = createStyle(colorEnabled(io.stderr, io.env));
  io.stderr.write(`${style.red("error:")} ${message}\n`);
}
