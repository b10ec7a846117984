/*
 * A child process for the SQLite multi-process and crash tests (run with `node --import tsx`):
 *   increment <db> <store> <n>          n × store.increment("counter")
 *   distinct  <db> <store> <prefix> <n> n plain writes store[`${prefix}-${i}`] = i
 *   crash     <db> <store> <prefix>     writes forever, printing each key once its write returned
 * The first two print "ready", wait for a "go" line on stdin (so both children really overlap),
 * then print "done". Any error is printed to stderr and ends the process with code 1.
 */
import { once } from "node:events";
import { createInterface } from "node:readline";
import { createStore, type DataStore } from "@dictstore/core";
import { sqliteBackend } from "@dictstore/sqlite";

const [mode, path, name, ...rest] = process.argv.slice(2);
if (mode === undefined || path === undefined || name === undefined) {
  throw new Error("usage: sqlite-child.ts <increment|distinct|crash> <db> <store> ...");
}
const store: DataStore = createStore({ backend: sqliteBackend({ path }), name });

async function waitForGo(): Promise<void> {
  process.stdout.write("ready\n");
  const lines = createInterface({ input: process.stdin });
  await once(lines, "line");
  lines.close();
}

async function main(): Promise<void> {
  if (mode === "increment") {
    const n = Number(rest[0]);
    await waitForGo();
    for (let i = 0; i < n; i++) await store.increment("counter");
  } else if (mode === "distinct") {
    const [prefix, count] = rest;
    await waitForGo();
    for (let i = 0; i < Number(count); i++) store[`${prefix}-${i}`] = i;
  } else if (mode === "crash") {
    const prefix = rest[0] as string;
    const payload = { text: "x".repeat(2000), list: Array.from({ length: 50 }, (_, i) => i) };
    process.stdout.write("ready\n");
    for (let i = 0; ; i++) {
      if (i % 10 === 9) {
        // A batch of five keys in one transaction: all or none may survive, never some.
        const batch = Object.fromEntries(
          Array.from({ length: 5 }, (_, j) => [`${prefix}-${i}-${j}`, { i, j }]),
        );
        store.update(batch);
        process.stdout.write(`${Object.keys(batch).join("\n")}\n`);
      } else {
        store[`${prefix}-${i}`] = { i, payload };
        process.stdout.write(`${prefix}-${i}\n`);
      }
    }
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  process.stdout.write("done\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
