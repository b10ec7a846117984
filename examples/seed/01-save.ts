// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** What this example keeps in the store. */
export type Records = { last_ran_at: string };

/** Seed, "Saving data": save the time of this run, like setting a property on a dictionary. */
export function handler(pd: Pipedream<Records>): void {
  // Access the data store under the pd.inputs
  const dataStore = pd.inputs["data_store"];

  // Store a timestamp
  dataStore["last_ran_at"] = new Date().toISOString();
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Saving data",
  note: "the store now holds last_ran_at, the time of this run.",
  handler,
});

await runIfMain(example);
