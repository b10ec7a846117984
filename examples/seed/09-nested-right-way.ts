// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
// biome-ignore-all lint/style/noNonNullAssertion: the seed takes the "pokemon" record as stored (see `assumes`)
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";
import type { Records } from "./08-nested-wrong-way.ts";

export type { Records };

/** Seed, "Working with nested dictionaries", the right way: read the record, change it, assign it back whole. */
export function handler(pd: Pipedream<Records>): string {
  // retrieve the record item by it's key first
  const pokemon = pd.inputs["data_store"]["pokemon"]!;

  // now update the record's attribute
  pokemon["name"] = "Bulbasaur";

  // and out right replace the record with the new modified dictionary
  pd.inputs["data_store"]["pokemon"] = pokemon;

  // Now we'll see "Bulbasaur" exported
  return pd.inputs["data_store"]["pokemon"]!["name"];
}

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Working with nested dictionaries: the right way (replace the whole record)",
  note: "assigning the whole record back stores Bulbasaur.",
  handler,
  assumes: { pokemon: { name: "Charmander", type: "fire" } },
});

await runIfMain(example);
