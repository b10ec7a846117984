// Runs a command while N busy threads keep the CPU cores loaded, so a test that assumes a fast or
// idle machine fails in CI rather than on a user's. The load is bounded: it stops when the command
// exits, after --max-seconds even if the command still runs, and with this process (threads die with it).
//
//   node scripts/with-cpu-load.mjs [--workers 2] [--max-seconds 1800] -- <command> [args...]
//
// Exits with the command's exit code (128 + signal number when a signal ended it).
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { Worker } from "node:worker_threads";

const args = process.argv.slice(2);
const split = args.indexOf("--");
if (split < 0 || split === args.length - 1) {
  console.error(
    "usage: node scripts/with-cpu-load.mjs [--workers N] [--max-seconds S] -- <command> [args...]",
  );
  process.exit(2);
}
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0 || at > split) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`with-cpu-load: ${name} takes a positive whole number`);
    process.exit(2);
  }
  return value;
};
const workers = option("--workers", 2);
const maxSeconds = option("--max-seconds", 1800);
const [command, ...commandArgs] = args.slice(split + 1);

// A loop that never yields: each worker keeps one core at 100% until it is terminated.
const busy = Array.from({ length: workers }, () => new Worker("for (;;) {}", { eval: true }));
let loaded = true;
const stopLoad = (why) => {
  if (!loaded) return;
  loaded = false;
  for (const worker of busy) void worker.terminate();
  console.error(`with-cpu-load: load stopped (${why})`);
};
console.error(
  `with-cpu-load: ${workers} busy threads for at most ${maxSeconds} s while: ${command} ${commandArgs.join(" ")}`,
);
const limit = setTimeout(() => stopLoad(`${maxSeconds} s limit`), maxSeconds * 1000);

const child = spawn(command, commandArgs, { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("error", (error) => {
  console.error(`with-cpu-load: could not start ${command}: ${error.message}`);
  stopLoad("command failed to start");
  process.exit(127);
});
child.on("exit", (code, signal) => {
  clearTimeout(limit);
  stopLoad("command exited");
  process.exitCode = code ?? 128 + (constants.signals[signal] ?? 0);
});
