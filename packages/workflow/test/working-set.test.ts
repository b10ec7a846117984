import { type Backend, type DataStore, memoryBackend, type SyncBackend } from "@dictstore/core";
import { closeStores, defineStep, type Pd, runStep, setBigStoreWarning } from "@dictstore/workflow";
import { afterEach, describe, expect, it } from "vitest";
import { delayedReplies } from "./support.ts";

afterEach(async () => {
  await closeStores();
  setBigStoreWarning(50_000);
});

type Inputs = { data_store: DataStore; id: number };

/** A store of `size` users and a few other keys, on a synchronous memory backend. */
function seeded(size: number): SyncBackend {
  const backend = memoryBackend(undefined);
  backend.setMany(
    "data_store",
    Array.from({ length: size }, (_, i) => ({ key: `user:${i}`, value: JSON.stringify({ visits: i % 7 }) })),
  );
  backend.set("data_store", "config", JSON.stringify({ bonus: 3 }));
  return backend;
}

/** An asynchronous view of `inner` that counts round trips by method. */
function counted(inner: SyncBackend): { backend: Backend; inner: SyncBackend; calls: string[] } {
  const calls: string[] = [];
  return { backend: delayedReplies(inner, 0, (method) => calls.push(method)), inner, calls };
}

/** Reads the user the input names and a config key, writes two keys whose names depend on the input. */
const visit = (pd: Pd<Inputs>) => {
  const store = pd.inputs.data_store;
  const id = pd.inputs.id;
  console.log(`visit ${id}`);
  const user = (store[`user:${id}`] as { visits: number } | undefined) ?? { visits: 0 };
  const bonus = (store.config as { bonus: number }).bonus;
  user.visits += id % 2 === 0 ? bonus : 1;
  store[`user:${id}`] = user;
  store[`last:${id % 3}`] = id;
  store.total = ((store.total as number | undefined) ?? 0) + 1;
  return { id, visits: user.visits, last: store[`last:${(id + 1) % 3}`] ?? null };
};

describe("working-set steps", () => {
  it("learn the keys a step touches over runs; every result equals the same step on a full view", async () => {
    const full = counted(seeded(500));
    const limited = counted(seeded(500));
    const onFull = defineStep(visit);
    const onSet = defineStep(visit, { workingSet: true });
    const ids = [4, 4, 9, 4, 120, 9, 9, 333, 4, 120];
    for (const [index, id] of ids.entries()) {
      const expected = await runStep(onFull, {
        stores: { data_store: { backend: full.backend } },
        inputs: { id },
      });
      limited.calls.length = 0;
      const got = await runStep(onSet, {
        stores: { data_store: { backend: limited.backend } },
        inputs: { id },
      });
      expect(got.ok && got.value).toEqual(expected.ok && expected.value);
      // Logs of aborted runs are dropped: one line, as on the full view.
      expect(got.logs.map((l) => l.message)).toEqual([`visit ${id}`]);
      // Never a listing or a full load: a load per new key (and the first open), one refresh, one commit.
      expect(limited.calls.filter((c) => c !== "load" && c !== "changes" && c !== "commit")).toEqual([]);
      expect(limited.calls.filter((c) => c === "commit")).toHaveLength(1);
      const loads = limited.calls.filter((c) => c === "load").length;
      // One load per re-run (plus the first open of the view).
      expect(loads).toBe(got.attempts - 1 + (index === 0 ? 1 : 0));
    }
    // Every write landed exactly once (the aborted runs' writes never did): same data as the full view.
    const dump = (b: SyncBackend) =>
      Object.fromEntries(b.load("data_store").entries.map((e) => [e.key, e.value] as const));
    expect(dump(limited.inner)).toEqual(dump(full.inner));
    expect(JSON.parse(dump(limited.inner).total as string)).toBe(ids.length);
  });

  it("converge: a repeated input costs one refresh and one commit, a new one a load per new key", async () => {
    const { backend, calls } = counted(seeded(200));
    const step = defineStep(visit, { workingSet: true });
    const run = (id: number) => runStep(step, { stores: { data_store: { backend } }, inputs: { id } });
    const first = await run(10);
    // Reads of user:10, config, total and last:2 each find a key the view lacks: one re-run each.
    // (A write needs no read: last:1 is written blind, without loading it.)
    expect(first).toMatchObject({ ok: true, attempts: 5 });
    // The first run's round trips: the open, one load per key it had not touched, the commit
    // (the bound: at most 3 plus one per new key).
    expect(calls).toEqual(["load", "load", "load", "load", "load", "commit"]);
    calls.length = 0;
    expect(await run(10)).toMatchObject({ ok: true, attempts: 1 });
    expect(calls).toEqual(["changes", "commit"]);
    calls.length = 0;
    // Only reads of user:12 and last:1 are new to this step (config and total were learned with 10).
    expect(await run(12)).toMatchObject({ ok: true, attempts: 3 });
    expect(calls.filter((c) => c === "load")).toHaveLength(2);
  });

  it("does not re-run a handler that fails for another reason", async () => {
    const { backend, inner } = counted(seeded(10));
    let runs = 0;
    const step = defineStep(
      (pd: Pd<Inputs>) => {
        runs++;
        pd.inputs.data_store.written = true;
        throw new Error("boom");
      },
      { workingSet: true },
    );
    const result = await runStep(step, { stores: { data_store: { backend } }, inputs: { id: 1 } });
    expect(result).toMatchObject({ ok: false, attempts: 1, error: { kind: "handler", message: "boom" } });
    expect(runs).toBe(1);
    expect(inner.has("data_store", "written")).toBe(false);
  });

  it("reports a failure that follows a learned key once, after the re-run that loaded it", async () => {
    const { backend } = counted(seeded(10));
    const step = defineStep(
      (pd: Pd<Inputs>) => {
        const user = pd.inputs.data_store["user:3"];
        throw new Error(`bad user ${JSON.stringify(user)}`);
      },
      { workingSet: true },
    );
    const result = await runStep(step, { stores: { data_store: { backend } }, inputs: { id: 1 } });
    expect(result).toMatchObject({ ok: false, attempts: 2, error: { message: 'bad user {"visits":3}' } });
  });

  it("gives a full view to a handler that lists the store", async () => {
    const { backend } = counted(seeded(5));
    const step = defineStep((pd: Pd<Inputs>) => [...pd.inputs.data_store.keys()].length, {
      workingSet: true,
    });
    const result = await runStep(step, { stores: { data_store: { backend } }, inputs: { id: 1 } });
    expect(result).toMatchObject({ ok: true, value: 6, attempts: 2 });
  });

  it("combines with isolation serializable: concurrent read-modify-write runs stay exact", async () => {
    const { backend, inner } = counted(seeded(50));
    const step = defineStep(
      (pd: Pd<Inputs>) => {
        const store = pd.inputs.data_store;
        store[`count:${pd.inputs.id % 2}`] =
          ((store[`count:${pd.inputs.id % 2}`] as number | undefined) ?? 0) + 1;
      },
      { workingSet: true, isolation: "serializable" },
    );
    const runner = async (lane: number) => {
      for (let i = 0; i < 10; i++) {
        const result = await runStep(step, { stores: { data_store: { backend } }, inputs: { id: lane + i } });
        expect(result).toMatchObject({ ok: true });
      }
    };
    await Promise.all([0, 1, 2, 3].map(runner));
    expect(
      JSON.parse(inner.get("data_store", "count:0")?.value ?? "0") +
        JSON.parse(inner.get("data_store", "count:1")?.value ?? "0"),
    ).toBe(40);
  });

  it("needs commit on-success", () => {
    expect(() => defineStep(() => 1, { workingSet: true, commit: "always" })).toThrow(/on-success/);
  });
});

describe("the big-store warning", () => {
  it("is printed once, naming the option and the load filter, when a step opens a big store whole", async () => {
    setBigStoreWarning(100);
    const warnings: Error[] = [];
    const listen = (warning: Error) => warnings.push(warning);
    process.on("warning", listen);
    try {
      const step = defineStep((pd: Pd<Inputs>) => pd.inputs.data_store.config);
      const small = counted(seeded(50)).backend;
      await runStep(step, { stores: { data_store: { backend: small } }, inputs: { id: 1 } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
      for (const size of [150, 300]) {
        const big = counted(seeded(size)).backend;
        await runStep(step, { stores: { data_store: { backend: big } }, inputs: { id: 1 } });
        await runStep(defineStep(visit, { workingSet: true }), {
          stores: { data_store: { backend: big } },
          inputs: { id: 1 },
        });
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toMatch(/workingSet: true/);
      expect(warnings[0]?.message).toMatch(/`load` filter/);
      expect((warnings[0] as Error & { code?: string }).code).toBe("DICTSTORE_BIG_STORE");
    } finally {
      process.off("warning", listen);
    }
  });
});
