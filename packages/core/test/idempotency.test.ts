import {
  createStore,
  memoryBackend,
  openStore,
  type ScopedCommit,
  withIdempotencyKey,
  withStagedWrites,
} from "@dictstore/core";
import { asAsyncBackend } from "@dictstore/testing";
import { describe, expect, it } from "vitest";

/*
 * Idempotency scopes: a unit of work (a queue job) run twice under the same key applies its store
 * effects once; the tokens are derived from the key, the operation, the key written and its ordinal.
 */

describe("withIdempotencyKey", () => {
  it("applies the atomic operations of a re-run once, answering them from the first run", async () => {
    const store = createStore({ backend: memoryBackend(undefined), name: "s" });
    const job = async () => ({
      a: await store.increment("n"),
      b: await store.increment("n", 10),
      added: await store.setIfAbsent("once", 1),
      length: await store.append("log", "x"),
      updated: await store.update(
        "obj",
        (draft: { hits: number }) => {
          draft.hits++;
        },
        { hits: 0 },
      ),
    });
    const first = await withIdempotencyKey("job-1", job);
    const second = await withIdempotencyKey("job-1", job);
    expect(first).toEqual({ a: 1, b: 11, added: true, length: 1, updated: { hits: 1 } });
    // Nothing applied again. increment and setIfAbsent answer with the first run's results; update
    // and append answer with what their recipe makes of the current value (documented).
    expect(second).toMatchObject({ a: 1, b: 11, added: true });
    expect(store.toObject()).toEqual({ n: 11, once: 1, log: ["x"], obj: { hits: 1 } });

    // Another job is another unit of work: it applies.
    expect(await withIdempotencyKey("job-2", () => store.increment("n"))).toBe(12);
    // Outside a scope, every call applies (random tokens).
    expect(await store.increment("n")).toBe(13);
  });

  it("applies a staged commit of a re-run once", async () => {
    const store = createStore({ backend: memoryBackend(undefined), name: "s" });
    const step = () =>
      withStagedWrites(
        store,
        (dict) => {
          dict.counter = ((dict.counter as number | undefined) ?? 0) + 1;
        },
        { isolation: "serializable" },
      );
    await withIdempotencyKey("job-1", step);
    await withIdempotencyKey("job-1", step);
    await withIdempotencyKey("job-2", step);
    expect(store.counter).toBe(2);
  });

  it("gives the n-th operation on a key its own token, and reports replays through a local view", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined));
    const store = await openStore({ backend, name: "s" });
    const commits: ScopedCommit[] = [];
    const job = () =>
      withIdempotencyKey(
        "job-1",
        async () => {
          await store.increment("n");
          await store.increment("n");
          await withStagedWrites(store, (dict) => {
            dict.done = true;
          });
        },
        { onCommit: (commit) => commits.push(commit) },
      );
    await job();
    expect(store.n).toBe(2);
    expect(commits.map((c) => [c.operation, c.replayed])).toEqual([
      ["increment", false],
      ["increment", false],
      ["transaction", false],
    ]);
    commits.length = 0;
    await job();
    expect(store.n).toBe(2);
    expect(commits.map((c) => [c.operation, c.replayed])).toEqual([
      ["increment", true],
      ["increment", true],
      ["transaction", true],
    ]);
  });

  it("keeps an atomic operation inside a serializable transaction to one application across its re-runs", async () => {
    const store = createStore({ backend: memoryBackend(undefined), name: "s" });
    store.counter = 0;
    let runs = 0;
    await withIdempotencyKey("job-1", () =>
      withStagedWrites(
        store,
        async (dict) => {
          runs++;
          const seen = dict.counter as number;
          await store.increment("side");
          // The first run's read goes stale: the commit conflicts and the function runs again.
          if (runs === 1) store.counter = 100;
          dict.counter = seen + 1;
        },
        { isolation: "serializable" },
      ),
    );
    expect(runs).toBe(2);
    expect(store.counter).toBe(101);
    expect(store.side).toBe(1);
  });

  it("refuses a key that is not a non-empty string", () => {
    expect(() => withIdempotencyKey("", () => 1)).toThrow(/non-empty string/);
    expect(() => withIdempotencyKey(7 as unknown as string, () => 1)).toThrow(/non-empty string/);
  });
});
