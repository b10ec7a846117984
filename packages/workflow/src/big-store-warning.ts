import type { DataStore } from "@dictstore/core";

/** Stores with more keys than this get the warning. */
const DEFAULT_THRESHOLD = 50_000;

let threshold: number | null = DEFAULT_THRESHOLD;
let warned = false;

/**
 * Sets how many keys a store may hold before opening it whole (a full view, over an asynchronous
 * backend) prints the warning; `null` turns it off. @default 50000
 */
export function setBigStoreWarning(keys: number | null): void {
  if (keys !== null && (!Number.isSafeInteger(keys) || keys < 0)) {
    throw new TypeError(
      `setBigStoreWarning() takes a whole number of keys ≥ 0, or null; got ${String(keys)}.`,
    );
  }
  threshold = keys;
  warned = false;
}

/**
 * Prints one warning per process when a step opens a whole store above the threshold: every run
 * then holds (and the first one loads) every key of it, though a step usually touches a few.
 * Printed with `process.emitWarning`, so it reaches the process's stderr, not the step's logs.
 */
export function warnIfBig(store: DataStore, name: string): void {
  if (warned || threshold === null) return;
  const size = store.size;
  if (size <= threshold) return;
  warned = true;
  process.emitWarning(
    `Store "${name}" holds ${size} keys and was opened whole: every worker holds all of it in memory and loads all of it first. A step that touches a few keys should use defineStep(handler, { workingSet: true }) (it loads only the keys the step touches), or open the store with the \`load\` filter (options: { load: { keys: [...], prefixes: [...] } }). setBigStoreWarning(null) silences this.`,
    { code: "DICTSTORE_BIG_STORE" },
  );
}
