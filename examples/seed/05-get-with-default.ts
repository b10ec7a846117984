// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/**
 * Seed, "Get a single record" with `get()`, and its tip: `get(key)` gives `undefined` (Python's
 * `None`) for a missing key, and `get(key, "default_value")` gives the default instead.
 */
export function handler(pd: Pipedream): void {
  // Access the data store under the pd.inputs
  const dataStore = pd.inputs["data_store"];

  // Retrieve the timestamp value by the key name
  const lastRanAt = dataStore.get("last_ran_at");

  // Print the timestamp
  console.log(`Last ran at ${lastRanAt}`);

  // A missing key: get() gives undefined, or the default when one is given. (A bracket read,
  // dataStore["missing_key"], is undefined too; open the store with { missingKey: "throw" } to get
  // an error instead, like Python.)
  console.log(`get("missing_key") gives ${dataStore.get("missing_key")}`);
  console.log(`get("missing_key", "default_value") gives ${dataStore.get("missing_key", "default_value")}`);
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Get a single record with get(), and get() with a default",
  note: "a missing key gives undefined, or the default you pass.",
  handler,
  assumes: { last_ran_at: "2024-05-01T09:30:00.000Z" },
});

await runIfMain(example);
