// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** What this example reads from the store. */
export type Records = { last_ran_at: string };

/** Seed, "Get a single record": read a record by key with dict syntax. */
export function handler(pd: Pipedream<Records>): void {
  // Access the data store under the pd.inputs
  const dataStore = pd.inputs["data_store"];

  // Retrieve the timestamp value by the key name
  const lastRanAt = dataStore["last_ran_at"];

  // Print the timestamp
  console.log(`Last ran at ${lastRanAt}`);
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Get a single record",
  handler,
  assumes: { last_ran_at: "2024-05-01T09:30:00.000Z" },
});

await runIfMain(example);
