import { createStore, type DataStore, memoryBackend, StoreError } from "@dictstore/core";
import { closeStores, defineStep, type Pd, runStep } from "@dictstore/workflow";
import { afterEach, describe, expect, it, vi } from "vitest";
import { failingCommits, memoryStore, pause } from "./support.ts";

afterEach(() => closeStores());

type Records = Record<string, unknown>;
type OneStore = Pd<{ data_store: DataStore<Records> }>;

describe("typed failures", () => {
  it("reports a handler error as kind handler, not retryable unless the error says so", async () => {
    const plain = await runStep(() => {
      throw new TypeError("bad item");
    }, {});
    expect(plain).toMatchObject({
      ok: false,
      error: { kind: "handler", retryable: false, message: "bad item", phase: "handler" },
      attempts: 1,
    });
    expect(!plain.ok && plain.error.cause).toBeInstanceOf(TypeError);

    const transient = await runStep(() => {
      throw Object.assign(new Error("rate limited"), { retryable: true });
    }, {});
    expect(transient).toMatchObject({ ok: false, error: { kind: "handler", retryable: true } });
  });

  it("reports a store error raised in the handler with its code", async () => {
    const result = await runStep(
      (pd: OneStore) => {
        pd.inputs.data_store.big = "x".repeat(100); // over the value limit: refused at assignment
      },
      {
        stores: {
          data_store: { backend: memoryBackend(undefined), options: { limits: { maxValueBytes: 10 } } },
        },
      },
    );
    expect(result).toMatchObject({
      ok: false,
      error: { kind: "store", code: "LIMIT_EXCEEDED", retryable: false, phase: "handler" },
    });
  });

  it("never marks a damaged store (CORRUPT) retryable: waiting cannot heal a file", async () => {
    const result = await runStep(() => {
      throw new StoreError("CORRUPT", 'the SQLite file "data.db" is damaged');
    }, {});
    expect(result).toMatchObject({ ok: false, error: { kind: "store", code: "CORRUPT", retryable: false } });
  });

  it("reports a limit the commit enforces in phase commit, with nothing written", async () => {
    const backend = memoryBackend(undefined);
    const result = await runStep(
      (pd: OneStore) => {
        pd.inputs.data_store.a = 1;
        pd.inputs.data_store.b = 2; // the store holds at most one key
      },
      { stores: { data_store: { backend, name: "limited", options: { limits: { maxKeys: 1 } } } } },
    );
    expect(result).toMatchObject({
      ok: false,
      error: { kind: "store", code: "LIMIT_EXCEEDED", retryable: false, phase: "commit" },
    });
    expect(createStore({ backend, name: "limited" }).toObject()).toEqual({});
  });

  it("reports a conflict as kind conflict, retryable", async () => {
    const result = await runStep(() => {
      throw new StoreError("CONFLICT", "kept conflicting");
    }, {});
    expect(result).toMatchObject({
      ok: false,
      error: { kind: "conflict", code: "CONFLICT", retryable: true },
    });
  });

  it("reports a failed commit in phase commit; an unreachable backend is retryable", async () => {
    const store = createStore<Records>({ backend: failingCommits("BACKEND_UNAVAILABLE") });
    const result = await runStep(
      (pd: OneStore) => {
        pd.inputs.data_store.a = 1;
        return "computed";
      },
      { stores: { data_store: store } },
    );
    expect(result).toMatchObject({
      ok: false,
      error: { kind: "store", code: "BACKEND_UNAVAILABLE", retryable: true, phase: "commit", committed: [] },
    });
    expect(store.toObject()).toEqual({});
  });

  it("never calls an unknown outcome retryable: the commit may have landed", async () => {
    const store = createStore<Records>({ backend: failingCommits("UNKNOWN_OUTCOME") });
    const result = await runStep(
      (pd: OneStore) => {
        pd.inputs.data_store.a = 1;
      },
      { stores: { data_store: store } },
    );
    expect(result).toMatchObject({ ok: false, error: { code: "UNKNOWN_OUTCOME", retryable: false } });
  });

  it("with two stores, commits each atomically, and says which landed when the second fails", async () => {
    const good = memoryStore<Records>();
    const bad = createStore<Records>({ backend: failingCommits("BACKEND_UNAVAILABLE") });
    const step = defineStep((pd: Pd<{ orders: DataStore<Records>; audit: DataStore<Records> }>) => {
      pd.inputs.orders.order = 1;
      pd.inputs.audit.entry = 1;
    });
    // The last store input commits first: audit (good) lands, then orders (bad) fails.
    const result = await runStep(step, { stores: { orders: bad, audit: good } });
    expect(result).toMatchObject({
      ok: false,
      error: { code: "BACKEND_UNAVAILABLE", phase: "commit", committed: ["audit"], retryable: false },
    });
    expect(good.toObject()).toEqual({ entry: 1 });
    expect(bad.toObject()).toEqual({});
  });

  it("reports a bad context as kind input before the handler runs", async () => {
    const handler = vi.fn();
    const badSpec = await runStep(handler, { stores: { data_store: { host: "x" } as never } });
    expect(badSpec).toMatchObject({ ok: false, error: { kind: "input", phase: "open" }, attempts: 0 });
    const badUrl = await runStep(handler, { stores: { data_store: { url: "nosuch://x" } } });
    expect(badUrl).toMatchObject({ ok: false, error: { kind: "input", phase: "open" } });
    const twice = await runStep(handler, {
      stores: { data_store: memoryStore() },
      inputs: { data_store: 1 } as never,
    });
    expect(twice).toMatchObject({ ok: false, error: { kind: "input", message: /both as a store/ } });
    const notAStep = await runStep({ handler: 1 } as never, {});
    expect(notAStep).toMatchObject({ ok: false, error: { kind: "input" } });
    expect(handler).not.toHaveBeenCalled();
  });

  it("refuses a serializable step over two stores (two commits cannot be one transaction)", async () => {
    const step = defineStep(() => 1, { isolation: "serializable" });
    const result = await runStep(step, { stores: { a: memoryStore(), b: memoryStore() } });
    expect(result).toMatchObject({ ok: false, error: { kind: "input", message: /one store/ } });
  });
});

describe("retries", () => {
  it("runs a retryable failure again, up to `retries` times, logging each attempt", async () => {
    let calls = 0;
    const step = defineStep(
      (pd: Pd) => {
        calls++;
        console.log(`attempt ${pd.meta.attempt}`);
        if (calls < 3) throw Object.assign(new Error("flaky"), { retryable: true });
        return "finally";
      },
      { retries: 2, retryDelayMs: 1 },
    );
    const result = await runStep(step, {});
    expect(result).toMatchObject({ ok: true, value: "finally", attempts: 3 });
    expect(result.logs.map((l) => [l.attempt, l.message])).toEqual([
      [1, "attempt 1"],
      [2, "attempt 2"],
      [3, "attempt 3"],
    ]);
  });

  it("gives up after `retries` and does not retry what is not retryable", async () => {
    const flaky = vi.fn(() => {
      throw Object.assign(new Error("flaky"), { retryable: true });
    });
    expect(await runStep(defineStep(flaky, { retries: 1, retryDelayMs: 1 }), {})).toMatchObject({
      ok: false,
      attempts: 2,
    });
    const broken = vi.fn(() => {
      throw new Error("bug");
    });
    expect(await runStep(defineStep(broken, { retries: 3, retryDelayMs: 1 }), {})).toMatchObject({
      ok: false,
      attempts: 1,
    });
  });

  it("retries a commit that failed on an unreachable backend, and lands the writes once", async () => {
    let failures = 1;
    const backend = failingCommits("BACKEND_UNAVAILABLE", () => failures-- > 0);
    const store = createStore<Records>({ backend });
    const step = defineStep(
      (pd: OneStore) => {
        pd.inputs.data_store.hits = (pd.inputs.data_store.get("hits", 0) as number) + 1;
      },
      { retries: 1, retryDelayMs: 1 },
    );
    expect(await runStep(step, { stores: { data_store: store } })).toMatchObject({ ok: true, attempts: 2 });
    expect(store.toObject()).toEqual({ hits: 1 });
  });
});

describe("logs", () => {
  it("captures each step's console output, with levels, and keeps concurrent steps apart", async () => {
    const chatty = (name: string) => async () => {
      for (let i = 0; i < 3; i++) {
        console.log(`${name} %d`, i);
        await pause(1);
      }
      console.warn(`${name} done`);
      setTimeout(() => console.error(`${name} too late`), 0); // after the step: not in its result
    };
    const [a, b] = await Promise.all([runStep(chatty("a"), {}), runStep(chatty("b"), {})]);
    expect(a?.logs.map((l) => `${l.level}:${l.message}`)).toEqual([
      "log:a 0",
      "log:a 1",
      "log:a 2",
      "warn:a done",
    ]);
    expect(b?.logs.map((l) => `${l.level}:${l.message}`)).toEqual([
      "log:b 0",
      "log:b 1",
      "log:b 2",
      "warn:b done",
    ]);
  });

  it("keeps capturing after something else swapped console.log for its own function", async () => {
    await runStep(() => console.log("first"), {});
    const before = console.log;
    const printed: string[] = [];
    // A logger or test tool putting in a method that does not delegate to the one it replaced.
    console.log = (...args: unknown[]) => {
      printed.push(args.join(" "));
    };
    try {
      const result = await runStep(() => console.log("second"), {});
      expect(result.logs.map((l) => l.message)).toEqual(["second"]);
      expect(printed).toEqual([]);
    } finally {
      console.log = before;
    }
  });

  it("keeps the logs of a failed step", async () => {
    const result = await runStep(() => {
      console.log("about to fail");
      throw new Error("x");
    }, {});
    expect(result).toMatchObject({
      ok: false,
      logs: [{ level: "log", message: "about to fail", attempt: 1 }],
    });
  });
});
