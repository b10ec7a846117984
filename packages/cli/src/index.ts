export type { ExitCodeName } from "./exit-codes.ts";
export { CliError, EXIT_CODES } from "./exit-codes.ts";
export type { ExportRecord } from "./format/record.ts";
export type { CliIo } from "./io.ts";
export { processIo } from "./io.ts";
export { CLI_VERSION, createProgram } from "./program.ts";
export { redactText, redactUrl } from "./redact.ts";
export { runCli } from "./run-cli.ts";
