// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** Seed, "Using Data Stores" (intro): store a value under a key, then print it. */
export function handler(pd: Pipedream): void {
  // Access the data store under the pd.inputs
  const dataStore = pd.inputs["data_store"];

  // Store a value under a key
  dataStore["key"] = "Hello World";

  // Retrieve the value and print it to the step's Logs
  console.log(dataStore["key"]);
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Using Data Stores: store a value under a key, print it",
  handler,
});

await runIfMain(example);
