import { Command, Option } from "commander";
import { createRun } from "./command-kit.ts";
import { registerDashboardCommand } from "./commands/dashboard.ts";
import { registerExportCommand } from "./commands/export.ts";
import { registerImportCommand } from "./commands/import.ts";
import { registerKeysCommand } from "./commands/keys.ts";
import { registerRecordCommands } from "./commands/records.ts";
import { registerStoreCommands } from "./commands/stores.ts";
import type { CliIo } from "./io.ts";
import { colorEnabled } from "./style.ts";

/** The CLI's version, printed by `--version`. */
export const CLI_VERSION = "0.1.0";

const FOOTER = `
Backend:
  --url, else DICTSTORE_URL, else the embedded SQLite file .dictstore/data.db under the current directory.
  memory:   sqlite:<path>   redis://[user:password@]host:port[/db]   rediss://...

Exit codes:
  0 ok   1 error   2 usage (bad option, JSON, key, value or TTL)   3 key or store not found
  4 store exists   5 not confirmed (no --yes without a terminal)   6 backend unavailable or auth failed`;

/** Builds the `dictstore` command tree for one run. */
export function createProgram(io: CliIo): Command {
  const program = new Command("dictstore");
  const run = createRun(io);
  program
    .description("See and manage dictstore data stores.")
    .version(CLI_VERSION, "-v, --version")
    .addOption(new Option("-u, --url <url>", "the backend URL (memory:, sqlite:<path>, redis://...)"))
    .option("-j, --json", "print results as JSON, for scripts")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", FOOTER)
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHasColors: () => colorEnabled(io.stdout, io.env),
      getErrHasColors: () => colorEnabled(io.stderr, io.env),
    })
    .exitOverride();
  registerStoreCommands(program, run);
  registerKeysCommand(program, run);
  registerRecordCommands(program, run);
  registerExportCommand(program, run);
  registerImportCommand(program, run);
  registerDashboardCommand(program, run);
  // Every subcommand reports errors the same way and returns instead of exiting.
  for (const command of program.commands)
    command.exitOverride().showHelpAfterError("(run with --help for usage)");
  return program;
}
