// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
// biome-ignore-all lint/style/noNonNullAssertion: the else branch runs only when "counter" is stored
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** What this example keeps in the store. */
export type Records = { counter: number };

/**
 * Seed, "Workflow counter example": counts the runs of the workflow. A read, then a write: two
 * runs at the same moment can both read the same count and lose an increment; the race-free
 * version uses `dataStore.increment("counter")`.
 */
export function handler(pd: Pipedream<Records>): void {
  // Access the data store under the pd.inputs
  const dataStore = pd.inputs["data_store"];

  // if the counter doesn't exist yet, start it at one
  if (dataStore.get("counter") === undefined) {
    dataStore["counter"] = 1;
  }

  // Otherwise, increment it by one
  else {
    const count = dataStore["counter"]!;
    dataStore["counter"] = count + 1;
  }
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Workflow counter example",
  note: "each run adds one: 1, then 2.",
  handler,
  demoRuns: 2,
});

await runIfMain(example);
