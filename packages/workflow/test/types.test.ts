// biome-ignore-all lint/complexity/useLiteralKeys: pd.inputs["data_store"] is the seed's (Python) spelling, typed on purpose
/*
 * Type tests: the expectTypeOf lines and @ts-expect-error marks are checked by `tsc --noEmit` (the
 * root tsconfig includes packages/*\/test); the runtime expects check the typed calls run as typed.
 */
import { createStore, type DataStore } from "@dictstore/core";
import {
  closeStores,
  codeNode,
  defineStep,
  type Pd,
  runStep,
  type StepError,
  type StepResult,
} from "@dictstore/workflow";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";

afterEach(() => closeStores());

type Records = { emails: string[] };
type Steps = { trigger: { event: { body: { email: string } } } };
type Inputs = { data_store: DataStore<Records>; limit: number };

const dedupe = defineStep((pd: Pd<Inputs, Steps>) => {
  const emails = pd.inputs["data_store"].get("emails", []);
  expectTypeOf(emails).toEqualTypeOf<string[]>();
  expectTypeOf(pd.steps["trigger"]["event"]["body"]["email"]).toEqualTypeOf<string>();
  const email = pd.steps.trigger.event.body.email;
  if (emails.includes(email) || emails.length >= pd.inputs.limit) return false;
  pd.inputs.data_store.emails = [...emails, email];
  return email;
});

describe("typed steps", () => {
  it("keep the handler's result type, and the store's schema, in runStep", async () => {
    const store = createStore<Records>();
    const result = await runStep(dedupe, {
      stores: { data_store: store },
      inputs: { limit: 10 },
      steps: { trigger: { event: { body: { email: "ada@example.com" } } } },
    });
    expectTypeOf(result).toEqualTypeOf<StepResult<string | false>>();
    if (result.ok) {
      const value: string | false = result.value;
      // @ts-expect-error the value may be false
      const text: string = result.value;
      void [value, text];
    } else {
      expectTypeOf(result.error).toEqualTypeOf<StepError>();
    }
    expect(result).toMatchObject({ ok: true, value: "ada@example.com" });
  });

  it("require the stores, inputs and steps the handler declares", () => {
    void (() => {
      // @ts-expect-error the data_store store is missing
      void runStep(dedupe, { inputs: { limit: 1 }, steps: { trigger: { event: { body: { email: "a" } } } } });
      // @ts-expect-error the plain input `limit` is missing
      void runStep(dedupe, {
        stores: { data_store: {} },
        steps: { trigger: { event: { body: { email: "a" } } } },
      });
      // @ts-expect-error steps.trigger is missing
      void runStep(dedupe, { stores: { data_store: {} }, inputs: { limit: 1 } });
      void runStep(dedupe, {
        // @ts-expect-error a store of another schema
        stores: { data_store: createStore<{ emails: number }>() },
        inputs: { limit: 1 },
        steps: { trigger: { event: { body: { email: "a" } } } },
      });
    });
    // A step that declares nothing needs nothing.
    void runStep(
      defineStep(() => 1),
      {},
    );
  });

  it("type a code node's item and store from the step", async () => {
    const node = codeNode(
      defineStep((pd: Pd<{ data_store: DataStore<Records> }, Steps>) => pd.steps.trigger.event.body.email),
      { printLogs: false },
    );
    expectTypeOf(node).parameter(0).toEqualTypeOf<{ body: { email: string } }>();
    expectTypeOf(node).returns.toEqualTypeOf<Promise<string>>();
    expect(await node({ body: { email: "ada@example.com" } }, createStore<Records>())).toBe(
      "ada@example.com",
    );
    // @ts-expect-error the item lacks body.email
    void (() => node({ body: {} }, createStore<Records>()));
  });
});
