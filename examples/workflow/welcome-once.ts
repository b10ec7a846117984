import { appendFileSync } from "node:fs";
import type { DataStore } from "@dictstore/core";
import { defineStep, type Pd } from "@dictstore/workflow";

/** What the step keeps: one `welcomed:<email>` record per welcomed customer. */
export type Records = Record<`welcomed:${string}`, string>;

/** The trigger event: the seed's dedupe shape, `event.body.new_customer_email`. */
export type Steps = { trigger: { event: { body: { new_customer_email: string } } } };

/** Inputs: the store, and the outbox file the "mailer" appends to (the side effect). */
export type Inputs = { data_store: DataStore<Records>; outbox: string };

/**
 * Sends each new customer one welcome email, however often (and however concurrently) the step
 * runs for the same address. Sending is a side effect outside the store, so this step must not be
 * serializable (a re-run would send again). Instead an atomic `setIfAbsent` claims the address
 * first: it commits at once, not with the step's held-back writes, and exactly one run gets `true`.
 * Claim-then-send is at-most-once: if sending fails after the claim, no other run sends it.
 */
export async function handler(pd: Pd<Inputs, Steps>): Promise<boolean> {
  const email = pd.steps.trigger.event.body.new_customer_email;
  const claimed = await pd.inputs.data_store.setIfAbsent(`welcomed:${email}`, new Date().toISOString());
  if (!claimed) {
    console.log(`Already welcomed ${email}`);
    return false;
  }
  appendFileSync(pd.inputs.outbox, `welcome ${email}\n`);
  console.log(`Welcomed ${email}`);
  return true;
}

/** The step, with the default options (commit on success, no isolation). */
export const welcomeOnce = defineStep(handler);
