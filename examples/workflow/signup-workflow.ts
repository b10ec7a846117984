import { defineStep, type Pd, type WorkflowStep } from "@dictstore/workflow";
import * as dedupe from "../seed/13-dedupe.ts";

/** The trigger event of the signup webhook: the request, with its JSON body. */
export type SignupSteps = { trigger: { event: { body: { new_customer_email?: unknown } | null } } };

/**
 * Step 1 checks the request before anything is stored: a body without a plausible
 * `new_customer_email` fails here, and the workflow stops (the webhook answers 500).
 */
export const validate = defineStep((pd: Pd<Record<string, never>, SignupSteps>) => {
  const email = pd.steps.trigger.event.body?.new_customer_email;
  if (typeof email !== "string" || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    throw new Error('The body needs a new_customer_email, e.g. {"new_customer_email": "ada@example.com"}.');
  }
  pd.export("email", email);
  return true;
});

/**
 * Step 2 is the seed's dedupe, unchanged. It reads the list of emails and writes it back, so two
 * requests at the same moment could each add their email to the same old list and one would be
 * lost; `isolation: "serializable"` re-runs the loser on fresh data instead. The handler has no
 * side effect outside the store (its log line may print once per run), which that re-run requires.
 */
export const remember = defineStep(dedupe.handler, { isolation: "serializable" });

/** The workflow the webhook runs: validate, then dedupe into the store named "signups". */
export const signupWorkflow: readonly WorkflowStep[] = [
  { name: "validate", step: validate },
  // No URL: the store comes from DICTSTORE_URL (memory:, sqlite:<path>, redis://…) or the embedded default.
  { name: "dedupe", step: remember, stores: { data_store: { name: "signups" } } },
];
