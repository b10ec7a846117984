// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** Seed, "Deleting all records from a specific Data Store": `clear()`, which cannot be undone. */
export function handler(pd: Pipedream): void {
  // Access the data store under the pd.inputs
  const dataStore = pd.inputs["data_store"];

  // Delete the entire contents of the data store
  dataStore.clear();
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Deleting all records from a specific Data Store",
  note: "every record is gone, and cannot be brought back.",
  handler,
});

await runIfMain(example);
