import { format } from "node:util";
import type { DataStore } from "@dictstore/core";
import type { Example } from "./define-example.ts";

const INDENT = "   ";

/** Prints one labelled block; continuation lines line up under the first. */
function printLabelled(label: string, lines: readonly string[]): void {
  lines.forEach((line, index) => {
    console.log(`${INDENT}${(index === 0 ? label : "").padEnd(7)} ${line}`);
  });
}

/** A stored or returned value as the reader would write it: JSON, which is what a data store holds. */
function show(value: unknown): string {
  return typeof value === "string" || typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Runs `fn` with every `console.log` line shown as an indented `log` line of the current example. */
async function withIndentedLogs<T>(fn: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = (...args: unknown[]) => {
    for (const line of format(...args).split("\n")) original(`${INDENT}${"log".padEnd(7)} ${line}`);
  };
  try {
    return await fn();
  } finally {
    console.log = original;
  }
}

/** Writes the records the example takes as already stored, when they are missing, and says so. */
function applyAssumptions(store: DataStore, example: Example): void {
  for (const [key, value] of Object.entries(example.assumes)) {
    if (key in store) continue;
    store[key] = value;
    printLabelled("setup", [`${key} = ${show(value)}   (the example expects this record to exist already)`]);
  }
}

/** Runs one example on `store` and prints its header, its logs, its return value and the store afterwards. */
export async function runAndReport(store: DataStore, example: Example, run = 1, runs = 1): Promise<unknown> {
  const counter = runs > 1 ? `  (run ${run} of ${runs})` : "";
  console.log(`\n── ${example.file} · ${example.title}${counter}`);
  if (example.note !== undefined && run === 1) printLabelled("note", [example.note]);
  if (run === 1) applyAssumptions(store, example);
  const result = await withIndentedLogs(() => example.run(store));
  if (result !== undefined) printLabelled("return", [show(result)]);
  const records = Object.entries(store.toObject());
  printLabelled(
    "store",
    records.length === 0 ? ["(empty)"] : records.map(([key, value]) => `${key} = ${show(value)}`),
  );
  return result;
}
