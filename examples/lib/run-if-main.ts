import { realpathSync } from "node:fs";
import { close } from "@dictstore/core";
import type { Example } from "./define-example.ts";
import { openExampleStore } from "./open-example-store.ts";
import { runAndReport } from "./report.ts";

/** True when the file at `path` is the script node was started with. */
function isEntryScript(path: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(path);
  } catch {
    return false;
  }
}

/** When the example's file was run directly (`tsx examples/seed/12-counter.ts`), runs its step once and reports it. */
export async function runIfMain(example: Example): Promise<void> {
  if (!isEntryScript(example.path)) return;
  const store = await openExampleStore();
  try {
    await runAndReport(store, example);
  } finally {
    await close(store);
  }
}
