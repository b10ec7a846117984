// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** Seed, "Retrieving all records": iterate over the keys to build, and return, an object of every record. */
export function handler(pd: Pipedream): Record<string, unknown> {
  const dataStore = pd.inputs["data_store"];

  const records: Record<string, unknown> = {};
  const keys = dataStore.keys();

  // iterate through all keys within the Data Store to generate a new dictionary
  for (const key of keys) {
    records[key] = dataStore[key];
  }

  // (The seed's Python runtime cannot export the store itself, hence the loop. A dictstore store
  // serializes to JSON as every record, so a runtime that exports JSON could take it as is.)
  return records;
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Retrieving all records",
  note: "the return value is a plain object of every record, safe to export.",
  handler,
});

await runIfMain(example);
