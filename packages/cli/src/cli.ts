#!/usr/bin/env node
import { runCli } from "./run-cli.ts";

// `dictstore keys | head` closes the pipe early: that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

void runCli(process.argv).then((code) => {
  // Exit once stdout has taken everything, even if a client library left a timer or socket behind.
  process.stdout.write("", () => process.exit(code));
});
