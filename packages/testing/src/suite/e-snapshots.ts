import { describe, expect } from "vitest";
import { ALL_MODES, DICT_MODES, modeTest } from "./harness.ts";
import type { SuiteEnv } from "./registry.ts";

/** Checklist E (items 51–55): reads are copies; assignment serializes at once. */
export function registerSnapshotTests(env: SuiteEnv): void {
  describe("E. snapshot semantics", () => {
    modeTest(env, ALL_MODES, "E51", "mutating a read value does not change the stored value", async (run) => {
      const store = await run.open();
      await store.set("pokemon", { name: "Charmander", type: "fire" });
      const read = (await store.read("pokemon")) as Record<string, unknown>;
      read.name = "Bulbasaur";
      read.extra = 1;
      expect(await store.read("pokemon")).toEqual({ name: "Charmander", type: "fire" });
      if (store.dict !== undefined) {
        // The seed's "wrong way": assigning into a read changes nothing stored.
        (store.dict.pokemon as Record<string, unknown>).name = "Squirtle";
        expect((store.dict.pokemon as Record<string, unknown>).name).toBe("Charmander");
      }
    });

    modeTest(env, DICT_MODES, "E52", "store.list.push(1) neither throws nor persists", async (run) => {
      const store = await run.dict<{ list: number[] }>();
      store.list = [0];
      expect(() => store.list?.push(1)).not.toThrow();
      expect(store.list).toEqual([0]);
    });

    modeTest(env, ALL_MODES, "E53", "two reads return distinct objects", async (run) => {
      const store = await run.open();
      await store.set("obj", { a: [1] });
      const first = await store.read("obj");
      const second = await store.read("obj");
      expect(first).not.toBe(second);
      expect(first).toEqual(second);
      expect(await store.get("obj")).not.toBe(await store.get("obj"));
    });

    modeTest(
      env,
      ALL_MODES,
      "E54",
      "mutating an object after assigning it does not change the stored value",
      async (run) => {
        const store = await run.open();
        const value = { list: [1], nested: { n: 1 } };
        await store.set("obj", value);
        value.list.push(2);
        value.nested.n = 2;
        expect(await store.read("obj")).toEqual({ list: [1], nested: { n: 1 } });
        await store.flush();
        value.list.push(3);
        const reader = await run.open();
        await reader.refresh();
        expect(await reader.read("obj")).toEqual({ list: [1], nested: { n: 1 } });
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "E55",
      "the dedupe pattern (get with [] default, push, assign back) persists",
      async (run) => {
        const store = await run.open();
        for (const email of ["a@x.io", "b@x.io", "a@x.io", "c@x.io"]) {
          const emails = (await store.get("emails", [])) as string[];
          if (emails.includes(email)) continue;
          emails.push(email);
          await store.set("emails", emails);
        }
        expect(await store.read("emails")).toEqual(["a@x.io", "b@x.io", "c@x.io"]);
        await store.flush();
        const reader = await run.open();
        await reader.refresh();
        expect(await reader.read("emails")).toEqual(["a@x.io", "b@x.io", "c@x.io"]);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "E-frozen",
      "snapshots: 'frozen' returns deeply frozen values; mutation throws, nothing changes",
      async (run) => {
        const store = await run.open({ snapshots: "frozen" });
        await store.set("obj", { list: [1], nested: { n: 1 } });
        const read = (await store.read("obj")) as { list: number[]; nested: { n: number } };
        expect(Object.isFrozen(read)).toBe(true);
        expect(Object.isFrozen(read.nested)).toBe(true);
        expect(() => read.list.push(2)).toThrow(TypeError);
        expect(() => {
          read.nested.n = 2;
        }).toThrow(TypeError);
        expect(await store.read("obj")).toEqual({ list: [1], nested: { n: 1 } });
        await store.set("obj", { list: [9], nested: { n: 9 } });
        expect(await store.read("obj")).toEqual({ list: [9], nested: { n: 9 } });
      },
    );
  });
}
