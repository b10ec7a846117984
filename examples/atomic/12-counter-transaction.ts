// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
// biome-ignore-all lint/style/noNonNullAssertion: the else branch runs only when "counter" is stored
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** What this example keeps in the store. */
export type Records = { counter: number };

/**
 * The seed's "Workflow counter example" with its code unchanged, inside `transaction`: the read and
 * the write commit together only if "counter" did not change meanwhile; otherwise the function runs
 * again on the new value. It may run more than once, so it does nothing but read and write the store.
 */
export async function handler(pd: Pipedream<Records>): Promise<void> {
  // Access the data store under the pd.inputs
  const store = pd.inputs["data_store"];

  await store.transaction((dataStore) => {
    // if the counter doesn't exist yet, start it at one
    if (dataStore.get("counter") === undefined) {
      dataStore["counter"] = 1;
    }

    // Otherwise, increment it by one
    else {
      const count = dataStore["counter"]!;
      dataStore["counter"] = count + 1;
    }
  });
}

/** This example, for standalone runs and the tests. */
export const example = defineExample(import.meta.url, {
  title: "Workflow counter example, race-free in a transaction",
  note: "the seed's code as it is, committed only if the counter did not change meanwhile.",
  handler,
  demoRuns: 2,
});

await runIfMain(example);
