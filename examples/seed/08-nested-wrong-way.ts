// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
// biome-ignore-all lint/style/noNonNullAssertion: the seed takes the "pokemon" record as stored (see `assumes`)
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** The nested record of the two "nested dictionaries" examples. */
export type Records = { pokemon: { name: string; type: string } };

/**
 * Seed, "Working with nested dictionaries", the wrong way: changing an attribute of a record you
 * read changes only your copy, never the stored record.
 */
export function handler(pd: Pipedream<Records>): string {
  // The current dictionary looks like this:
  // pokemon: {
  //  "name": "Charmander"
  //  "type": "fire"
  // }

  // You'll see "Charmander" in the logs
  console.log(pd.inputs["data_store"]["pokemon"]!["name"]);

  // attempting to overwrite the pokemon's name will not apply
  pd.inputs["data_store"]["pokemon"]!["name"] = "Bulbasaur";

  // Exports "Charmander"
  return pd.inputs["data_store"]["pokemon"]!["name"];
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Working with nested dictionaries: the wrong way (the change is lost)",
  note: "the change went to a copy: the stored pokemon is still Charmander.",
  handler,
  assumes: { pokemon: { name: "Charmander", type: "fire" } },
});

await runIfMain(example);
