// biome-ignore-all lint/complexity/useLiteralKeys: written in the seed's dict syntax, data_store["key"], on purpose
import { defineExample } from "../lib/define-example.ts";
import type { Pipedream } from "../lib/pipedream.ts";
import { runIfMain } from "../lib/run-if-main.ts";

/** What this example keeps in the store: the seed's list of every email seen. */
export type Records = { emails: string[] };

/** The workflow's trigger: an HTTP request whose body carries a new customer's email. */
export type Steps = { trigger: { event: { body: { new_customer_email: string } } } };

/**
 * The seed's "Dedupe data example", race-free: the read of the list, the check and the write back
 * run as one transaction, committed only if "emails" did not change meanwhile, so two runs with the
 * same email cannot both find it new. The function may run more than once, so it only decides; the
 * step logs (and would send the welcome email) after it committed.
 */
export async function handler(pd: Pipedream<Records, Steps>): Promise<string | false> {
  // Access the data store
  const dataStore = pd.inputs["data_store"];

  // Reference the incoming email from the HTTP request
  const newEmail = pd.steps.trigger.event.body.new_customer_email;

  const isNew = await dataStore.transaction((tx) => {
    // Retrieve the emails stored in our data store
    const emails: string[] = tx.get("emails", []);

    // If this email has been seen before, nothing to write
    if (emails.includes(newEmail)) return false;

    // This email is new, append it to our list
    emails.push(newEmail);
    tx["emails"] = emails;
    return true;
  });

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
  title: "Dedupe data example, race-free in a transaction",
  note: "the second run finds the email already stored and returns false, even when both run at once.",
  handler,
  steps: sampleSteps,
  demoRuns: 2,
});

await runIfMain(example);
