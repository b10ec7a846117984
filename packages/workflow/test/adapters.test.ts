import { createStore, type DataStore, memoryBackend } from "@dictstore/core";
import {
  closeStores,
  codeNode,
  createWebhookHandler,
  defineStep,
  type Pd,
  runOnSchedule,
  runWorkflow,
  StepFailedError,
  type WorkflowStep,
} from "@dictstore/workflow";
import { afterEach, describe, expect, it } from "vitest";
import { memoryStore } from "./support.ts";

afterEach(() => closeStores());

type Emails = { emails: string[] };
type Signup = { trigger: { event: { body: { email?: unknown } } } };

// Step 1 checks the body and exports the normalised email; step 2 remembers it.
const normalise = defineStep((pd: Pd<Record<string, never>, Signup>) => {
  const email = pd.steps.trigger.event.body.email;
  if (typeof email !== "string" || !email.includes("@")) throw new Error("body.email is not an email");
  pd.export("email", email.trim().toLowerCase());
  return "checked";
});
const remember = defineStep(
  (pd: Pd<{ data_store: DataStore<Emails> }, { normalise: { email: string; $return_value: string } }>) => {
    const emails = pd.inputs.data_store.get("emails", []);
    const email = pd.steps.normalise.email;
    if (emails.includes(email)) return false;
    emails.push(email);
    pd.inputs.data_store.emails = emails;
    return email;
  },
  { isolation: "serializable" },
);

function signupWorkflow(store: DataStore<Emails>): WorkflowStep[] {
  return [
    { name: "normalise", step: normalise },
    { name: "remember", step: remember, stores: { data_store: store } },
  ];
}

describe("runWorkflow", () => {
  it("passes the trigger event and each step's exports and $return_value to the next step", async () => {
    const store = memoryStore<Emails>();
    const result = await runWorkflow(signupWorkflow(store), {
      event: { body: { email: " Ada@Example.com " } },
    });
    expect(result).toMatchObject({ ok: true, value: "ada@example.com" });
    expect(result.results.normalise).toMatchObject({
      ok: true,
      value: "checked",
      exports: { email: "ada@example.com" },
    });
    expect(store.emails).toEqual(["ada@example.com"]);
  });

  it("stops at the first failed step and names it", async () => {
    const store = memoryStore<Emails>();
    const result = await runWorkflow(signupWorkflow(store), { event: { body: {} } });
    expect(result).toMatchObject({ ok: false, failedStep: "normalise" });
    expect(Object.keys(result.results)).toEqual(["normalise"]);
    expect(store.toObject()).toEqual({});
  });

  it("refuses duplicate step names and the name trigger", async () => {
    await expect(runWorkflow([{ name: "trigger", step: () => 1 }], { event: null })).rejects.toThrow(
      /trigger/,
    );
    await expect(
      runWorkflow(
        [
          { name: "a", step: () => 1 },
          { name: "a", step: () => 2 },
        ],
        { event: null },
      ),
    ).rejects.toThrow(/unique/);
  });
});

describe("createWebhookHandler (Fetch API)", () => {
  const post = (body: string, type = "application/json") =>
    new Request("http://localhost/hooks/signup?source=test", {
      method: "POST",
      body,
      headers: { "content-type": type },
    });

  it("runs the workflow with the request as the trigger event and answers with the last value", async () => {
    const store = memoryStore<Emails>();
    const handle = createWebhookHandler({ steps: signupWorkflow(store) });
    const first = await handle(post(JSON.stringify({ email: "ada@example.com" })));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, value: "ada@example.com" });
    const again = await handle(post(JSON.stringify({ email: "ada@example.com" })));
    expect(await again.json()).toEqual({ ok: true, value: false });
  });

  it("gives the step method, path, query, headers and a parsed form body", async () => {
    let seen: unknown;
    const handle = createWebhookHandler({
      steps: [
        {
          name: "look",
          step: (pd: Pd<Record<string, never>, { trigger: { event: unknown } }>) => pd.steps.trigger.event,
        },
      ],
      onResult: (result) => {
        seen = result.value;
      },
    });
    const response = await handle(
      post("email=ada%40example.com&plan=pro", "application/x-www-form-urlencoded"),
    );
    expect(response.status).toBe(200);
    expect(seen).toMatchObject({
      method: "POST",
      path: "/hooks/signup",
      query: { source: "test" },
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: { email: "ada@example.com", plan: "pro" },
    });
  });

  it("answers 500 for a failure that is not retryable, 503 for one that is, 400 and 413 for bad bodies", async () => {
    const handle = createWebhookHandler({ steps: signupWorkflow(memoryStore<Emails>()), maxBodyBytes: 100 });
    const failed = await handle(post(JSON.stringify({ email: "nope" })));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({
      ok: false,
      step: "normalise",
      error: { kind: "handler", retryable: false },
    });

    const flaky = createWebhookHandler({
      steps: [
        { name: "flaky", step: () => Promise.reject(Object.assign(new Error("later"), { retryable: true })) },
      ],
    });
    const unavailable = await flaky(post("{}"));
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("retry-after")).toBe("1");

    expect((await handle(post("{not json"))).status).toBe(400);
    expect((await handle(post(JSON.stringify({ email: "x".repeat(200) })))).status).toBe(413);
  });
});

describe("runOnSchedule", () => {
  it("runs the step `times` times at a fixed rate, one run at a time", async () => {
    const store = memoryStore<{ counter: number }>();
    let running = 0;
    let overlapped = false;
    const step = defineStep(async (pd: Pd<{ data_store: DataStore<{ counter: number }> }>) => {
      running++;
      if (running > 1) overlapped = true;
      pd.inputs.data_store.counter = pd.inputs.data_store.get("counter", 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, 3));
      running--;
    });
    const runs: number[] = [];
    const summary = await runOnSchedule(step, {
      everyMs: 2,
      times: 5,
      context: { stores: { data_store: store } },
      onResult: (result, run) => {
        if (result.ok) runs.push(run);
      },
    });
    expect(summary).toMatchObject({ runs: 5, succeeded: 5, failed: 0 });
    expect(runs).toEqual([1, 2, 3, 4, 5]);
    expect(store.counter).toBe(5);
    expect(overlapped).toBe(false);
  });

  it("stops when its signal aborts", async () => {
    const controller = new AbortController();
    let runs = 0;
    const summary = await runOnSchedule(
      () => {
        runs++;
        if (runs === 3) controller.abort();
      },
      { everyMs: 1, context: {}, signal: controller.signal },
    );
    expect(summary.runs).toBe(3);
  });

  it("refuses a schedule without a positive period", async () => {
    await expect(runOnSchedule(() => 1, { everyMs: 0, context: {} })).rejects.toThrow(/everyMs/);
  });
});

describe("codeNode", () => {
  const dedupe = (
    pd: Pd<{ data_store: DataStore<Emails> }, { trigger: { event: { body: { email: string } } } }>,
  ) => {
    const emails = pd.inputs.data_store.get("emails", []);
    const email = pd.steps.trigger.event.body.email;
    if (emails.includes(email)) return false;
    emails.push(email);
    pd.inputs.data_store.emails = emails;
    return email;
  };

  it("runs once per item, with the item as the trigger event and the store as data_store", async () => {
    const backend = memoryBackend(undefined);
    const node = codeNode(dedupe, { printLogs: false });
    const items = ["a@x.io", "b@x.io", "a@x.io"].map((email) => ({ body: { email } }));
    const out: unknown[] = [];
    for (const item of items) out.push(await node(item, { backend, name: "emails" }));
    expect(out).toEqual(["a@x.io", "b@x.io", false]);
    expect(createStore<Emails>({ backend, name: "emails" }).emails).toEqual(["a@x.io", "b@x.io"]);
  });

  it("throws a StepFailedError carrying the typed error and the logs", async () => {
    const node = codeNode(
      () => {
        console.log("checking");
        throw new Error("no email");
      },
      { printLogs: false },
    );
    const failure = await node({}, memoryStore()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StepFailedError);
    expect(failure).toMatchObject({
      error: { kind: "handler", retryable: false },
      logs: [{ message: "checking" }],
    });
  });
});
