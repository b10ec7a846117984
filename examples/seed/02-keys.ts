// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** Seed, "Retrieving keys": print every key of the store, comma separated. */
export function handler(pd: Pipedream): void {
  // Access the data store under the pd.inputs
  const dataStore = pd.inputs["data_store"];

  // Retrieve all keys in the data store (a lazy iterable, like Python's Keys object)
  const keys = dataStore.keys();

  // Print a comma separated string of all keys
  console.log([...keys].join(","));
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Retrieving keys",
  note: "the keys come out as one comma-separated line.",
  handler,
});

await runIfMain(example);
