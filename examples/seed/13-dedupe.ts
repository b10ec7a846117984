// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** What this example keeps in the store. */
export type Records = { emails: string[] };

/** The workflow's trigger: an HTTP request whose body carries a new customer's email. */
export type Steps = { trigger: { event: { body: { new_customer_email: string } } } };

/**
 * Seed, "Dedupe data example": remember every email seen, so a welcome email is never sent twice.
 * Returns the email when it is new, `false` when it was seen before. Like the counter, it reads
 * then writes, so two runs at the same moment can both add an email; the race-free version comes later.
 */
export function handler(pd: Pipedream<Records, Steps>): string | false {
  // Access the data store
  const dataStore = pd.inputs["data_store"];

  // Reference the incoming email from the HTTP request
  const newEmail = pd.steps.trigger.event.body.new_customer_email;

  // Retrieve the emails stored in our data store
  const emails: string[] = dataStore.get("emails", []);

  // If this email has been seen before, exit early
  if (emails.includes(newEmail)) {
    console.log(`Already seen ${newEmail}, exiting`);
    return false;
  }

  // This email is new, append it to our list
  else {
    console.log(`Adding new email to data store ${newEmail}`);
    emails.push(newEmail);
    dataStore["emails"] = emails;
    return newEmail;
  }
}

/** A sample trigger event: the same email on every run, so the second run finds it already seen. */
export const sampleSteps: Steps = { trigger: { event: { body: { new_customer_email: "ada@example.com" } } } };

/** This example, for run-all.ts and standalone runs. */
export const example = defineExample(import.meta.url, {
  title: "Dedupe data example",
  note: "the second run finds the email already stored and returns false.",
  handler,
  steps: sampleSteps,
  demoRuns: 2,
});

await runIfMain(example);
