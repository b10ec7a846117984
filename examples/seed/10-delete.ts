// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** Seed, "Deleting specific records": the `delete` operator (Python's `del`) on one key. */
export function handler(pd: Pipedream): void {
  // Access the data store under the pd.inputs
  const dataStore = pd.inputs["data_store"];

  // Delete the last_ran_at timestamp key
  delete dataStore["last_ran_at"];
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Deleting specific records",
  note: "last_ran_at is gone; every other record stays.",
  handler,
  assumes: { last_ran_at: "2024-05-01T09:30:00.000Z" },
});

await runIfMain(example);
