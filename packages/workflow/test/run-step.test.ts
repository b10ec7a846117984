// biome-ignore-all lint/complexity/useLiteralKeys: pd.inputs["data_store"] is the seed's (Python) spelling, tested on purpose
import { createStore, type DataStore, isStore, memoryBackend } from "@dictstore/core";
import { closeStores, defineStep, type Pd, runStep } from "@dictstore/workflow";
import { afterEach, describe, expect, it } from "vitest";
import { delayedReplies, memoryStore, pause, viewStore } from "./support.ts";

afterEach(() => closeStores());

type Counter = { counter: number };
type Trigger = { trigger: { event: { body: { email: string } } } };

describe("pd", () => {
  it("gives the store under pd.inputs, earlier steps under pd.steps, both in Python spelling too", async () => {
    const store = memoryStore<Counter>();
    store.counter = 41;
    const step = defineStep((pd: Pd<{ data_store: DataStore<Counter> }, Trigger>) => {
      const dataStore = pd.inputs["data_store"];
      dataStore.counter = (dataStore.counter ?? 0) + 1;
      return { email: pd.steps["trigger"]["event"]["body"]["email"], count: pd.inputs.data_store.counter };
    });
    const result = await runStep(step, {
      stores: { data_store: store },
      steps: { trigger: { event: { body: { email: "ada@example.com" } } } },
    });
    expect(result).toMatchObject({ ok: true, value: { email: "ada@example.com", count: 42 }, attempts: 1 });
    expect(store.counter).toBe(42);
  });

  it("collects pd.export values beside the return value", async () => {
    const result = await runStep((pd: Pd) => {
      pd.export("first", 1);
      pd.export("second", { nested: true });
      return "done";
    }, {});
    expect(result).toEqual({
      ok: true,
      value: "done",
      exports: { first: 1, second: { nested: true } },
      logs: [],
      attempts: 1,
    });
  });

  it("passes plain inputs beside the stores, and the tool's meta with the attempt number", async () => {
    const step = defineStep((pd: Pd<{ data_store: DataStore<Counter>; start: number }>) => {
      pd.inputs.data_store.counter = pd.inputs.start;
      return pd.meta;
    });
    const store = memoryStore<Counter>();
    const result = await runStep(step, {
      stores: { data_store: store },
      inputs: { start: 7 },
      meta: { runId: "run_1" },
    });
    expect(result).toMatchObject({ ok: true, value: { runId: "run_1", attempt: 1 } });
    expect(store.counter).toBe(7);
  });

  it("opens a store from a spec once per process and reuses it on later runs", async () => {
    const step = defineStep((pd: Pd<{ data_store: DataStore<Counter> }>) => {
      pd.inputs.data_store.counter = (pd.inputs.data_store.counter ?? 0) + 1;
    });
    const backend = memoryBackend(undefined);
    for (let run = 0; run < 3; run++)
      await runStep(step, { stores: { data_store: { backend, name: "runs" } } });
    const check = createStore<Counter>({ backend, name: "runs" });
    expect(check.counter).toBe(3);
    // Another name is another store of the same backend.
    await runStep(step, { stores: { data_store: { backend, name: "other" } } });
    expect(check.counter).toBe(3);
    expect(createStore<Counter>({ backend, name: "other" }).counter).toBe(1);
  });

  it("names the store after its input when the spec gives no name", async () => {
    const backend = memoryBackend(undefined);
    await runStep(
      (pd: Pd<{ audit: DataStore }>) => {
        pd.inputs.audit.seen = true;
      },
      { stores: { audit: { backend } } },
    );
    expect(createStore({ backend, name: "audit" }).toObject()).toEqual({ seen: true });
  });

  it("opens `memory:` URLs as one process-wide memory backend until closeStores", async () => {
    const step = defineStep((pd: Pd<{ data_store: DataStore<Counter> }>) => {
      pd.inputs.data_store.counter = (pd.inputs.data_store.counter ?? 0) + 1;
      return pd.inputs.data_store.counter;
    });
    const spec = { data_store: { url: "memory:", name: "c" } };
    expect(await runStep(step, { stores: spec })).toMatchObject({ value: 1 });
    expect(await runStep(step, { stores: spec })).toMatchObject({ value: 2 });
    await closeStores();
    expect(await runStep(step, { stores: spec })).toMatchObject({ value: 1 });
  });
});

describe("refreshing before each run", () => {
  const read = defineStep(
    (pd: Pd<{ data_store: DataStore<Record<string, string>> }>) => pd.inputs.data_store.key,
  );

  it("shares refreshes between runs that start together", async () => {
    const calls: string[] = [];
    const inner = memoryBackend(undefined);
    const view = await viewStore<Record<string, string>>(delayedReplies(inner, 2, (m) => calls.push(m)));
    calls.length = 0;
    const results = await Promise.all(
      Array.from({ length: 16 }, () => runStep(read, { stores: { data_store: view } })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls.filter((m) => m === "changes").length).toBeLessThanOrEqual(2);
  });

  it("never lets a run rely on a refresh sent before the run started", async () => {
    const inner = memoryBackend(undefined);
    const direct = createStore<Record<string, string>>({ backend: inner });
    direct.key = "old";
    // Waits for the first run's refresh to be sent (not for a guessed number of milliseconds): the
    // reply is then 10 ms away, and a timer cannot fire before this continuation runs.
    let armed = false;
    let refreshSent: () => void = () => {};
    const sent = new Promise<void>((resolve) => {
      refreshSent = resolve;
    });
    const view = await viewStore<Record<string, string>>(
      delayedReplies(inner, 10, () => {
        if (armed) refreshSent();
      }),
    );
    armed = true;
    const first = runStep(read, { stores: { data_store: view } }); // its refresh reads "old", replies 10 ms later
    await sent;
    direct.key = "new"; // committed while that refresh is on its way back
    const second = runStep(read, { stores: { data_store: view } });
    expect(await first).toMatchObject({ ok: true, value: "old" });
    expect(await second).toMatchObject({ ok: true, value: "new" });
  });
});

describe("commit on success (the default)", () => {
  it("discards every write of a handler that throws, even after awaits", async () => {
    const store = memoryStore<Record<string, number>>();
    store.kept = 1;
    const result = await runStep(
      async (pd: Pd<{ data_store: DataStore<Record<string, number>> }>) => {
        pd.inputs.data_store.a = 1;
        await pause(1);
        pd.inputs.data_store.b = 2;
        delete pd.inputs.data_store.kept;
        throw new Error("payment API down");
      },
      { stores: { data_store: store } },
    );
    expect(result).toMatchObject({ ok: false, error: { kind: "handler", phase: "handler", committed: [] } });
    expect(store.toObject()).toEqual({ kept: 1 });
  });

  it("holds writes back until the handler returns, then commits them together", async () => {
    const store = memoryStore<Record<string, number>>();
    let seenOutside: unknown = "unset";
    const result = await runStep(
      async (pd: Pd<{ data_store: DataStore<Record<string, number>> }>) => {
        pd.inputs.data_store.a = 1;
        await pause(1);
        seenOutside = store.a; // the shared store does not see the step's writes yet
        return pd.inputs.data_store.a; // the step itself reads its own writes
      },
      { stores: { data_store: store } },
    );
    expect(seenOutside).toBeUndefined();
    expect(result).toMatchObject({ ok: true, value: 1 });
    expect(store.a).toBe(1);
  });

  it("works the same over a local view (the shape of Redis): nothing lands when the handler throws", async () => {
    const store = await viewStore<Record<string, number>>();
    const step = defineStep(async (pd: Pd<{ data_store: DataStore<Record<string, number>> }>) => {
      pd.inputs.data_store.x = 1;
      await pause(1);
      if (pd.meta.fail === true) throw new Error("fail");
    });
    await runStep(step, { stores: { data_store: store }, meta: { fail: true } });
    expect(store.toObject()).toEqual({});
    await runStep(step, { stores: { data_store: store }, meta: { fail: false } });
    expect(store.toObject()).toEqual({ x: 1 });
  });
});

describe("atomic operations in a step", () => {
  it("commit at once, not with the held-back writes: a guard claimed before a failure stays claimed", async () => {
    const store = await viewStore<Record<string, unknown>>();
    const result = await runStep(
      async (pd: Pd<{ data_store: DataStore<Record<string, unknown>> }>) => {
        pd.inputs.data_store.draft = "held back";
        expect(await pd.inputs.data_store.setIfAbsent("claimed", true)).toBe(true);
        expect(await pd.inputs.data_store.increment("attempts")).toBe(1);
        throw new Error("the side effect failed");
      },
      { stores: { data_store: store } },
    );
    expect(result.ok).toBe(false);
    expect(store.toObject()).toEqual({ claimed: true, attempts: 1 });
  });
});

describe('commit: "always"', () => {
  it("lets the writes made before a failure land, and still reports the failure", async () => {
    const store = memoryStore<Record<string, number>>();
    const step = defineStep(
      (pd: Pd<{ data_store: DataStore<Record<string, number>> }>) => {
        pd.inputs.data_store.before = 1;
        throw new Error("late failure");
      },
      { commit: "always" },
    );
    const result = await runStep(step, { stores: { data_store: store } });
    expect(result).toMatchObject({ ok: false, error: { kind: "handler", message: "late failure" } });
    expect(store.toObject()).toEqual({ before: 1 });
  });

  it("flushes a local view before resolving (the output gate)", async () => {
    const backend = memoryBackend(undefined);
    const view = await viewStore<Record<string, number>>(
      (await import("@dictstore/testing")).asAsyncBackend(backend),
    );
    const step = defineStep(
      (pd: Pd<{ data_store: DataStore<Record<string, number>> }>) => {
        pd.inputs.data_store.gated = 1;
      },
      { commit: "always" },
    );
    await runStep(step, { stores: { data_store: view } });
    // Read straight from the backend, not through the view: the write is there already.
    expect(createStore({ backend }).toObject()).toEqual({ gated: 1 });
  });
});

describe('isolation: "serializable"', () => {
  // Read, await, then write: the race the seed's counter has, made certain by the await.
  const slowCounter = async (pd: Pd<{ data_store: DataStore<Counter> }>) => {
    const count = pd.inputs.data_store.get("counter", 0);
    await pause(2);
    pd.inputs.data_store.counter = count + 1;
  };

  it("makes a read-modify-write handler exact under concurrency", async () => {
    const store = await viewStore<Counter>();
    const step = defineStep(slowCounter, { isolation: "serializable" });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => runStep(step, { stores: { data_store: store } })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(store.counter).toBe(6);
    // Conflicting runs were run again: more handler runs than steps.
    expect(results.reduce((sum, r) => sum + r.attempts, 0)).toBeGreaterThan(6);
  });

  it("is needed: the same handler without it loses increments", async () => {
    const store = await viewStore<Counter>();
    const step = defineStep(slowCounter);
    await Promise.all(Array.from({ length: 6 }, () => runStep(step, { stores: { data_store: store } })));
    expect(store.counter).toBeLessThan(6);
  });

  it("discards the exports of a run that was run again", async () => {
    const store = memoryStore<Counter>();
    let runs = 0;
    const step = defineStep(
      async (pd: Pd<{ data_store: DataStore<Counter> }>) => {
        runs++;
        pd.export(`run${runs}`, true);
        const count = pd.inputs.data_store.get("counter", 0);
        await pause(2);
        // A competing write lands between the read and the commit of the first run only.
        if (runs === 1) store.counter = 100;
        pd.inputs.data_store.counter = count + 1;
      },
      { isolation: "serializable" },
    );
    const result = await runStep(step, { stores: { data_store: store } });
    expect(result).toMatchObject({ ok: true, exports: { run2: true }, attempts: 2 });
    expect(result.ok && Object.keys(result.exports)).toEqual(["run2"]);
    expect(store.counter).toBe(101);
  });
});

describe("defineStep", () => {
  it("resolves the defaults", () => {
    expect(defineStep(() => 1).options).toEqual({
      commit: "on-success",
      isolation: "none",
      workingSet: false,
      retries: 0,
      retryDelayMs: 100,
    });
  });

  it("refuses unknown options and serializable steps that commit always", () => {
    expect(() => defineStep(() => 1, { commit: "sometimes" as never })).toThrow(/commit/);
    expect(() => defineStep(() => 1, { isolation: "snapshot" as never })).toThrow(/isolation/);
    expect(() => defineStep(() => 1, { retries: -1 })).toThrow(/retries/);
    expect(() => defineStep(() => 1, { isolation: "serializable", commit: "always" })).toThrow(/on-success/);
    expect(() => defineStep("handler" as never)).toThrow(/handler/);
  });

  it("hands the handler the stores themselves (not copies) when it commits always", async () => {
    const store = memoryStore();
    const result = await runStep(
      defineStep((pd: Pd<{ data_store: DataStore }>) => pd.inputs.data_store === store, { commit: "always" }),
      { stores: { data_store: store } },
    );
    expect(result).toMatchObject({ ok: true, value: true });
    expect(isStore(store)).toBe(true);
  });
});
