import type { DataStore, ScopedCommit } from "@dictstore/core";
import { closeStores, defineStep, type Pd, runStep } from "@dictstore/workflow";
import { afterEach, describe, expect, it } from "vitest";
import { viewStore } from "./support.ts";

afterEach(() => closeStores());

type Counter = { counter: number; visits: number };

/*
 * context.idempotency: a step run twice for one unit of work (a queue job run again) applies its
 * staged commit and its atomic operations once, and says which commits were answered from before.
 */

describe("runStep with context.idempotency", () => {
  it("applies a second run under the same key not again, and reports it replayed", async () => {
    const store = await viewStore<Counter>();
    const step = defineStep(
      async (pd: Pd<{ data_store: DataStore<Counter> }>) => {
        const dataStore = pd.inputs.data_store;
        const visits = await dataStore.increment("visits");
        dataStore.counter = dataStore.get("counter", 0) + 1;
        return visits;
      },
      { isolation: "serializable" },
    );
    const run = async (key: string) => {
      const commits: ScopedCommit[] = [];
      const result = await runStep(step, {
        stores: { data_store: store },
        idempotency: { key, onCommit: (commit) => commits.push(commit) },
      });
      return { result, replayed: commits.map((c) => [c.operation, c.replayed]) };
    };
    const first = await run("job-1");
    expect(first.result).toMatchObject({ ok: true, value: 1 });
    expect(first.replayed).toEqual([
      ["increment", false],
      ["transaction", false],
    ]);
    const again = await run("job-1");
    // The increment answers with the first run's number; the commit lands as it did.
    expect(again.result).toMatchObject({ ok: true, value: 1 });
    expect(again.replayed).toEqual([
      ["increment", true],
      ["transaction", true],
    ]);
    expect(store.toObject()).toEqual({ visits: 1, counter: 1 });
    await run("job-2");
    expect(store.toObject()).toEqual({ visits: 2, counter: 2 });
  });

  it("counts pd.meta.attempt on from the tool's own count", async () => {
    const result = await runStep((pd: Pd) => pd.meta.attempt, { meta: { attempt: 3 } });
    expect(result).toMatchObject({ ok: true, value: 3 });
  });

  it("refuses an empty key as an input error, running nothing", async () => {
    let ran = false;
    const result = await runStep(
      () => {
        ran = true;
      },
      { idempotency: { key: "" } },
    );
    expect(result).toMatchObject({ ok: false, error: { kind: "input", retryable: false } });
    expect(ran).toBe(false);
  });
});
