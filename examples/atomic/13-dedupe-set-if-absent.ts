// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** What this example keeps in the store: one `seen:<email>` record per email, holding when it was first seen. */
export type Records = Record<`seen:${string}`, string>;

/** The workflow's trigger: an HTTP request whose body carries a new customer's email. */
export type Steps = { trigger: { event: { body: { new_customer_email: string } } } };

/**
 * The seed's "Dedupe data example" with one record per email instead of one growing list:
 * `setIfAbsent` writes the record only when it is missing and says whether this call wrote it, so
 * among any number of runs with the same email exactly one finds it new. No list to read or rewrite,
 * however many emails there are.
 */
export async function handler(pd: Pipedream<Records, Steps>): Promise<string | false> {
  // Access the data store
  const dataStore = pd.inputs["data_store"];

  // Reference the incoming email from the HTTP request
  const newEmail = pd.steps.trigger.event.body.new_customer_email;

  // Claim the email: true only for the run that stored it first
  const isNew = await dataStore.setIfAbsent(`seen:${newEmail}`, new Date().toISOString());
  if (!isNew) {
    console.log(`Already seen ${newEmail}, exiting`);
    return false;
  }
  console.log(`Adding new email to data store ${newEmail}`);
  return newEmail;
}

/** A sample trigger event: the same email on every run, so the second run finds it already seen. */
export const sampleSteps: Steps = { trigger: { event: { body: { new_customer_email: "ada@example.com" } } } };

/** This example, for standalone runs and the tests. */
export const example = defineExample(import.meta.url, {
  title: "Dedupe data example, race-free with setIfAbsent",
  note: "one record per email; the run that stores it first is the only one that finds it new.",
  handler,
  steps: sampleSteps,
  demoRuns: 2,
});

await runIfMain(example);
