import { describe, expect } from "vitest";
import { ALL_MODES, modeTest, ttlModeTest } from "./harness.ts";
import { countingBackend, expectKeys } from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";
import type { Subject } from "./subject.ts";

/** Iterates a subject's keys one at a time, calling `visit` (which may write) between keys. */
async function walkKeys(
  store: Subject,
  visit: (key: string) => Promise<void>,
  guard: number,
): Promise<string[]> {
  const seen: string[] = [];
  const step = async (key: string) => {
    seen.push(key);
    if (seen.length > guard) throw new Error(`iteration did not end after ${guard} keys`);
    await visit(key);
  };
  if (store.dict !== undefined) {
    for (const key of store.dict.keys()) await step(key);
  } else if (store.async !== undefined) {
    for await (const key of store.async.keys()) await step(key);
  }
  return seen;
}

/** Checklist B (items 17–26): keys, iteration, size. */
export function registerIterationTests(env: SuiteEnv): void {
  describe("B. keys, iteration, size", () => {
    modeTest(
      env,
      ALL_MODES,
      "B17",
      "keys(), values(), entries() of an empty store are empty",
      async (run) => {
        const store = await run.open();
        expect(await store.keys()).toEqual([]);
        expect(await store.values()).toEqual([]);
        expect(await store.entries()).toEqual([]);
        expect(await store.toObject()).toEqual({});
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "B18",
      "keys() reflects a delete at once, and in another handle after flush/refresh",
      async (run) => {
        const writer = await run.open();
        const reader = await run.open();
        await writer.update({ a: 1, b: 2, c: 3 });
        await writer.flush();
        await reader.refresh();
        expectKeys(await reader.keys(), ["a", "b", "c"], run.backend.flags.ordered);
        await writer.delete("b");
        expectKeys(await writer.keys(), ["a", "c"], run.backend.flags.ordered);
        await writer.flush();
        await reader.refresh();
        expectKeys(await reader.keys(), ["a", "c"], run.backend.flags.ordered);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "B19",
      "iteration with concurrent writes yields each key once: stable keys always, keys deleted before never",
      async (run) => {
        const store = await run.open({ pageSize: 16 });
        const stable = Array.from({ length: 120 }, (_, i) => `stable-${i}`);
        await store.update(stable.map((k, i) => [k, i]));
        await store.update(Array.from({ length: 40 }, (_, i) => [`doomed-${i}`, i]));
        await store.update(Array.from({ length: 20 }, (_, i) => [`gone-${i}`, i]));
        for (let i = 0; i < 20; i++) await store.delete(`gone-${i}`);
        let n = 0;
        const seen = await walkKeys(
          store,
          async () => {
            // Churn: overwrite a stable key, add a brand-new key, delete a key that existed at the start.
            await store.set(stable[(n * 7) % stable.length] as string, n);
            await store.set(`new-${n}`, n);
            if (n < 40) await store.delete(`doomed-${n}`);
            n++;
          },
          1000,
        );
        expect(new Set(seen).size).toBe(seen.length);
        for (const key of stable) expect(seen).toContain(key);
        for (const key of seen) expect(key).toMatch(/^(stable|doomed|new)-\d+$/);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "B20",
      "a key present throughout is always listed; one deleted before is never listed",
      async (run) => {
        const store = await run.open({ pageSize: 7 });
        await store.update(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
        for (let i = 0; i < 50; i += 5) await store.delete(`k${i}`);
        const expected = Array.from({ length: 50 }, (_, i) => `k${i}`).filter((_, i) => i % 5 !== 0);
        expectKeys(await store.keys(), expected, run.backend.flags.ordered);
        expect(await store.size()).toBe(40);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "B21",
      "keys(), values(), entries(), toObject() and `for … of store` agree",
      async (run) => {
        const store = await run.open({ pageSize: 3 });
        const data: Record<string, unknown> = {
          a: 1,
          b: "two",
          c: [3],
          d: { four: 4 },
          e: null,
          f: new Date(5),
        };
        await store.update(data);
        const keys = await store.keys();
        const values = await store.values();
        const entries = await store.entries();
        expect(entries.map(([k]) => k)).toEqual(keys);
        expect(entries.map(([, v]) => v)).toEqual(values);
        expect(Object.fromEntries(entries)).toEqual(data);
        expect(await store.toObject()).toEqual(data);
        const iterated: string[] = [];
        if (store.dict !== undefined) for (const key of store.dict) iterated.push(key);
        if (store.async !== undefined) for await (const key of store.async) iterated.push(key);
        expect(iterated).toEqual(keys);
        expectKeys(keys, Object.keys(data), run.backend.flags.ordered);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "B22",
      "order: insertion order on ordered backends (overwrite keeps, delete + re-insert moves last)",
      async (run) => {
        const store = await run.open();
        for (const key of ["b", "a", "c", "d"]) await store.set(key, key);
        await store.set("a", "again");
        await store.delete("b");
        await store.set("b", "back");
        expectKeys(await store.keys(), ["a", "c", "d", "b"], run.backend.flags.ordered);
        if (run.backend.flags.ordered)
          expect((await store.entries()).map(([k]) => k)).toEqual(["a", "c", "d", "b"]);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "B23",
      "a 10,000-key store iterates all 10,000 keys (no page truncation)",
      async (run) => {
        const store = await run.open();
        const keys = Array.from({ length: 10_000 }, (_, i) => `key:${i}`);
        for (let i = 0; i < keys.length; i += 1000)
          await store.update(keys.slice(i, i + 1000).map((k, j) => [k, i + j]));
        await store.flush();
        const listed = await store.keys();
        expect(listed.length).toBe(10_000);
        expect(new Set(listed).size).toBe(10_000);
        expect(await store.size()).toBe(10_000);
        const entries = await store.entries();
        expect(entries.length).toBe(10_000);
        expect(entries.every(([k, v]) => k === `key:${v as number}`)).toBe(true);
        const reader = await run.open();
        await reader.refresh();
        expect((await reader.keys()).length).toBe(10_000);
      },
      60_000,
    );

    modeTest(env, ALL_MODES, "B24", "`break` out of keys() stops backend reads", async (run) => {
      const counting = countingBackend(run.backend);
      const store = await run.open({ backend: counting.backend, pageSize: 10 });
      await store.update(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
      await store.flush();
      const iterate = async (stopAfter: number) => {
        counting.reset();
        let n = 0;
        if (store.dict !== undefined) {
          for (const _ of store.dict.keys()) if (++n >= stopAfter) break;
        } else if (store.async !== undefined) {
          for await (const _ of store.async.keys()) if (++n >= stopAfter) break;
        }
        return { n, calls: counting.count() };
      };
      const whole = await iterate(Number.POSITIVE_INFINITY);
      expect(whole.n).toBe(100);
      const broken = await iterate(1);
      expect(broken.n).toBe(1);
      // A direct store pages (≥ 10 reads for 100 keys at 10 per page); a local view reads nothing at all.
      if (whole.calls > 0) expect(whole.calls).toBeGreaterThanOrEqual(10);
      expect(broken.calls).toBeLessThanOrEqual(Math.min(1, whole.calls));
      const partial = await iterate(15);
      expect(partial.calls).toBeLessThanOrEqual(Math.min(2, whole.calls));
    });

    modeTest(env, ALL_MODES, "B25", "writes during iteration neither throw nor loop forever", async (run) => {
      const store = await run.open({ pageSize: 10 });
      await store.update(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
      // Each visited key adds a new key: a live iteration that follows new keys would never end.
      const seen = await walkKeys(store, async (key) => store.set(`${key}!`, 1), 1000);
      expect(seen.length).toBeGreaterThanOrEqual(30);
      expect(new Set(seen).size).toBe(seen.length);
      for (let i = 0; i < 30; i++) expect(seen).toContain(`k${i}`);
      expect(await store.size()).toBe(30 + seen.length);
    });

    ttlModeTest(
      env,
      ALL_MODES,
      "B26",
      "expired keys never appear in keys(), entries(), values() or size",
      async (run, timing) => {
        const store = await run.open();
        await store.set("stays", 1);
        await store.set("expires", 2, { ttl: timing.seconds() });
        await store.set("expires-too", 3, { ttl: timing.seconds() });
        expect(await store.size()).toBe(3);
        await timing.wait();
        expect(await store.keys()).toEqual(["stays"]);
        expect(await store.entries()).toEqual([["stays", 1]]);
        expect(await store.values()).toEqual([1]);
        expect(await store.size()).toBe(1);
        expect(await store.toObject()).toEqual({ stays: 1 });
      },
    );
  });
}
