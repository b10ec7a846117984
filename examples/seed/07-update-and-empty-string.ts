// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** What this example keeps in the store. */
export type Records = { myKey: string };

/** Seed, "Deleting or updating values within a record": assign a new value, then `""` to empty it but keep the key. */
export function handler(pd: Pipedream<Records>): void {
  // Access the data store under the pd.inputs
  const dataStore = pd.inputs["data_store"];

  // Assign a new value to the key
  dataStore["myKey"] = "newValue";

  // Remove the value but retain the key
  dataStore["myKey"] = "";
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Deleting or updating values within a record",
  note: "myKey stays in the store, holding an empty string.",
  handler,
});

await runIfMain(example);
