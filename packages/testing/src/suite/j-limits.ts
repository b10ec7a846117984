import { isStoreError } from "@dictstore/core";
import { describe, expect } from "vitest";
import { ALL_MODES, modeTest } from "./harness.ts";
import {
  expectStoreError,
  expectWriteRefused,
  failingBackend,
  rawEntries,
  unhandledRejectionsDuring,
} from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";

/** Checklist J (items 94–98): limits, errors, batches. */
export function registerLimitTests(env: SuiteEnv): void {
  describe("J. limits, errors, batches", () => {
    modeTest(
      env,
      ALL_MODES,
      "J94",
      "key-count limit: the N-th key is fine, N+1 is LIMIT_EXCEEDED with nothing written; overwrites at the limit work",
      async (run) => {
        const limits = { maxKeys: 3 };
        const store = await run.open({ limits });
        await store.update({ a: 1, b: 2 });
        await store.set("c", 3);
        await store.flush();
        let writer = store;
        await expectWriteRefused(writer, () => writer.set("d", 4), "LIMIT_EXCEEDED");
        writer = await run.open({ limits });
        await expectWriteRefused(writer, () => writer.update({ c: 30, e: 5 }), "LIMIT_EXCEEDED");
        writer = await run.open({ limits });
        await expectWriteRefused(writer, () => writer.setdefault("f", 6), "LIMIT_EXCEEDED");
        expect(await rawEntries(run.backend, "default")).toEqual(
          new Map([
            ["a", "1"],
            ["b", "2"],
            ["c", "3"],
          ]),
        );
        writer = await run.open({ limits });
        await writer.set("c", 33);
        await writer.update({ a: 11, b: 22 });
        await writer.flush();
        expect(await writer.delete("a")).toBe(true);
        await writer.set("d", 4);
        await writer.flush();
        const reader = await run.open();
        await reader.refresh();
        expect(await reader.toObject()).toEqual({ b: 22, c: 33, d: 4 });
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "J95",
      "value limit on encoded UTF-8 bytes: the limit is fine, one byte more is refused, the old value stays",
      async (run) => {
        const store = await run.open({ limits: { maxValueBytes: 42 } });
        const atLimit = "😀".repeat(10); // '"' + 40 bytes + '"' = 42 bytes encoded
        await store.set("k", atLimit);
        expect(await store.read("k")).toBe(atLimit);
        await expectStoreError(store.set("k", `${atLimit}a`), "LIMIT_EXCEEDED");
        await expectStoreError(store.set("k", "😀".repeat(11)), "LIMIT_EXCEEDED");
        await expectStoreError(store.set("fresh", { big: "x".repeat(40) }), "LIMIT_EXCEEDED");
        await expectStoreError(store.update({ ok: 1, fresh: "x".repeat(41) }), "LIMIT_EXCEEDED");
        expect(await store.read("k")).toBe(atLimit);
        expect(await store.has("fresh")).toBe(false);
        expect(await store.has("ok")).toBe(false);
        await store.flush();
        expect(await rawEntries(run.backend, "default")).toEqual(new Map([["k", JSON.stringify(atLimit)]]));
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "J96",
      "a write the backend fails surfaces as a typed error at a defined point, never as an unhandled rejection",
      async (run) => {
        const store = await run.open();
        await store.set("kept", 1);
        await store.flush();
        const broken = await run.open({ backend: failingBackend(run.backend) });
        await broken.refresh();
        const unhandled = await unhandledRejectionsDuring(async () => {
          let error: unknown;
          try {
            await broken.set("lost", 2);
            await broken.flush();
          } catch (caught) {
            error = caught;
          }
          expect(isStoreError(error, "BACKEND_UNAVAILABLE")).toBe(true);
          await expectStoreError(
            (async () => {
              await broken.delete("kept");
              await broken.flush();
            })(),
            "BACKEND_UNAVAILABLE",
          );
        });
        expect(unhandled).toEqual([]);
        expect(await rawEntries(run.backend, "default")).toEqual(new Map([["kept", "1"]]));
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "J97",
      "same-key writes made in one step apply in program order (last write wins)",
      async (run) => {
        const store = await run.open();
        await Promise.all([store.set("k", 1), store.set("k", 2), store.set("other", "x"), store.set("k", 3)]);
        await store.flush();
        expect(await store.read("k")).toBe(3);
        const reader = await run.open();
        await reader.refresh();
        expect(await reader.read("k")).toBe(3);
        await Promise.all([
          store.set("j", "a"),
          store.delete("j"),
          store.set("i", "b"),
          store.delete("i"),
          store.set("i", "c"),
        ]);
        await store.flush();
        await reader.refresh();
        expect(await reader.has("j")).toBe(false);
        expect(await reader.read("i")).toBe("c");
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "J98",
      "empty batches are no-ops: update([]), update(new Map()), update({})",
      async (run) => {
        const store = await run.open();
        await store.set("k", 1);
        await store.update([]);
        await store.update(new Map());
        await store.update({});
        await store.flush();
        expect(await store.toObject()).toEqual({ k: 1 });
        expect(await rawEntries(run.backend, "default")).toEqual(new Map([["k", "1"]]));
      },
    );
  });
}
