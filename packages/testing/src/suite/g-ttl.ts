import { describe, expect } from "vitest";
import { ALL_MODES, backendTest, modeTest, ttlModeTest } from "./harness.ts";
import { expectStoreError, rawEntries } from "./helpers.ts";
import type { SuiteEnv } from "./registry.ts";

/** Checklist G (items 73–80): per-key TTL, in seconds (fractions allowed). */
export function registerTtlTests(env: SuiteEnv): void {
  describe("G. TTL", () => {
    ttlModeTest(
      env,
      ALL_MODES,
      "G73",
      "a key set with a TTL is readable before and missing after it",
      async (run, timing) => {
        const store = await run.open();
        await store.set("k", { v: 1 }, { ttl: timing.seconds() });
        await store.set("forever", 1);
        expect(await store.read("k")).toEqual({ v: 1 });
        expect(await store.has("k")).toBe(true);
        await store.flush();
        const reader = await run.open();
        await reader.refresh();
        await timing.wait();
        for (const handle of [store, reader]) {
          expect(await handle.read("k")).toBeUndefined();
          expect(await handle.has("k")).toBe(false);
          expect(await handle.get("k", "gone")).toBe("gone");
          expect(await handle.getTtl("k")).toBeUndefined();
          expect(await handle.read("forever")).toBe(1);
        }
        expect(await store.delete("k")).toBe(false);
        expect(await store.setTtl("k", 10)).toBe(false);
      },
    );

    modeTest(
      env,
      ALL_MODES,
      "G74",
      "a TTL of 0 never persists; a negative or non-finite TTL is INVALID_ARGUMENT, nothing written",
      async (run) => {
        const store = await run.open();
        await store.set("zero", 1, { ttl: 0 });
        expect(await store.has("zero")).toBe(false);
        expect(await store.read("zero")).toBeUndefined();
        await store.set("k", "old");
        for (const ttl of [-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expectStoreError(store.set("k", "new", { ttl }), "INVALID_ARGUMENT");
          await expectStoreError(store.set("fresh", 1, { ttl }), "INVALID_ARGUMENT");
          await expectStoreError(store.setTtl("k", ttl), "INVALID_ARGUMENT");
        }
        expect(await store.read("k")).toBe("old");
        expect(await store.getTtl("k")).toBeNull();
        expect(await store.has("fresh")).toBe(false);
        await store.setTtl("k", 0);
        expect(await store.has("k")).toBe(false);
        await store.flush();
        expect(await rawEntries(run.backend, "default")).toEqual(new Map());
      },
    );

    ttlModeTest(
      env,
      ALL_MODES,
      "G75",
      "fractional seconds work: getTtl reports seconds with a fraction",
      async (run, timing) => {
        const store = await run.open();
        const long = timing.seconds(1.5);
        await store.set("k", 1, { ttl: long });
        const ttl = await store.getTtl("k");
        expect(typeof ttl).toBe("number");
        expect(ttl as number).toBeGreaterThan(long / 3);
        expect(ttl as number).toBeLessThanOrEqual(long);
        await store.set("short", 1, { ttl: timing.seconds(0.25) });
        expect(await store.has("short")).toBe(true);
        await timing.wait(550);
        expect(await store.has("short")).toBe(false);
        expect(await store.has("k")).toBe(true);
      },
    );

    ttlModeTest(
      env,
      ALL_MODES,
      "G76",
      "a plain overwrite drops the TTL; an overwrite with a TTL replaces the deadline",
      async (run, timing) => {
        const store = await run.open();
        await store.set("plain", 1, { ttl: timing.seconds() });
        await store.set("plain", 2);
        expect(await store.getTtl("plain")).toBeNull();
        await store.set("retimed", 1, { ttl: 100 });
        await store.set("retimed", 2, { ttl: timing.seconds() });
        expect(await store.getTtl("retimed")).toBeLessThanOrEqual(timing.seconds());
        await store.set("extended", 1, { ttl: timing.seconds() });
        await store.set("extended", 2, { ttl: 100 });
        await timing.wait();
        expect(await store.read("plain")).toBe(2);
        expect(await store.has("retimed")).toBe(false);
        expect(await store.read("extended")).toBe(2);
      },
    );

    ttlModeTest(env, ALL_MODES, "G77", "an atomic increment keeps the key's TTL", async (run, timing) => {
      const store = await run.open();
      await store.set("counter", 1, { ttl: 100 });
      expect(await store.increment("counter")).toBe(2);
      expect(await store.increment("counter", 5)).toBe(7);
      await store.refresh();
      expect(await store.read("counter")).toBe(7);
      const ttl = await store.getTtl("counter");
      expect(ttl).not.toBeNull();
      expect(ttl as number).toBeGreaterThan(50);
      await store.set("short", 1, { ttl: timing.seconds() });
      await store.increment("short");
      await timing.wait();
      await store.refresh();
      expect(await store.has("short")).toBe(false);
    });

    ttlModeTest(
      env,
      ALL_MODES,
      "G78",
      "setTtl(k, null) removes the expiry; setTtl(missing) is false",
      async (run, timing) => {
        const store = await run.open();
        await store.set("k", 1, { ttl: timing.seconds() });
        expect(await store.setTtl("k", null)).toBe(true);
        expect(await store.getTtl("k")).toBeNull();
        expect(await store.setTtl("missing", 10)).toBe(false);
        expect(await store.setTtl("missing", null)).toBe(false);
        expect(await store.has("missing")).toBe(false);
        await store.set("later", "v");
        expect(await store.setTtl("later", timing.seconds())).toBe(true);
        expect(await store.getTtl("later")).toBeGreaterThan(0);
        expect(await store.read("later")).toBe("v");
        await timing.wait();
        expect(await store.read("k")).toBe(1);
        expect(await store.has("later")).toBe(false);
      },
    );

    ttlModeTest(
      env,
      ALL_MODES,
      "G79",
      "keys written together with different TTLs expire individually",
      async (run, timing) => {
        const store = await run.open();
        // No await between them: a local view commits these in one batch.
        const writes = [
          store.set("short", 1, { ttl: timing.seconds() }),
          store.set("long", 2, { ttl: 100 }),
          store.set("none", 3),
        ];
        await Promise.all(writes);
        await store.flush();
        await timing.wait();
        expect(await store.has("short")).toBe(false);
        expect(await store.read("long")).toBe(2);
        expect(await store.read("none")).toBe(3);
        expect(await store.getTtl("none")).toBeNull();
      },
    );

    backendTest(
      env,
      "G80",
      "raw TTLs are relative milliseconds: getTtl never exceeds what was set",
      async (backend) => {
        await backend.set("s", "k", '"v"', { ttlMs: 60_000 });
        const left = await backend.getTtl("s", "k");
        expect(typeof left).toBe("number");
        expect(left as number).toBeGreaterThan(0);
        expect(left as number).toBeLessThanOrEqual(60_000);
        const entry = await backend.get("s", "k");
        expect(typeof entry?.expiresAt).toBe("number");
      },
    );
  });
}
