// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** What this example keeps in the store. */
export type Records = { counter: number };

/**
 * The seed's "Workflow counter example", race-free: one atomic `increment` instead of a read and a
 * write, so runs at the same moment never lose a count. A missing counter starts at 0, so the first
 * run stores 1, as the seed's does.
 */
export async function handler(pd: Pipedream<Records>): Promise<number> {
  // Access the data store under the pd.inputs
  const dataStore = pd.inputs["data_store"];

  // Add one, atomically; the new count comes back
  const count = await dataStore.increment("counter");
  console.log(`This workflow has run ${count} time(s)`);
  return count;
}

/** This example, for standalone runs and the tests. */
export const example = defineExample(import.meta.url, {
  title: "Workflow counter example, race-free with increment",
  note: "each run adds one atomically: concurrent runs never lose a count.",
  handler,
  demoRuns: 2,
});

await runIfMain(example);
