import { close, createStore, isStoreError, memoryBackend, openStore } from "@dictstore/core";
import { asAsyncBackend } from "@dictstore/testing";
import { describe, expect, it } from "vitest";

/*
 * `in` on a store over memory answers from the entry reader the get trap uses (see dict-proxy.ts):
 * a present key is answered without a key check, and a miss only checks the key. These pin down that
 * every answer of the general path survives the shortcut.
 */

/** The error code `fn` throws, or "none". */
function codeOf(fn: () => unknown): string {
  try {
    fn();
    return "none";
  } catch (error) {
    return isStoreError(error) ? error.code : String(error);
  }
}

describe('"k" in store over memory', () => {
  it("a missing key that could never be stored still throws; a valid one answers false", () => {
    const store = createStore({ limits: { maxKeyBytes: 8 } });
    store.present = 1;
    expect("present" in store).toBe(true);
    expect("absent" in store).toBe(false);
    expect(codeOf(() => "\uD800" in store)).toBe("INVALID_KEY");
    expect(codeOf(() => "x".repeat(9) in store)).toBe("LIMIT_EXCEEDED");
    // Three UTF-16 units that take 9 UTF-8 bytes: over the limit though the text is short.
    expect(codeOf(() => "€€€" in store)).toBe("LIMIT_EXCEEDED");
    expect("€€" in store).toBe(false);
  });

  it("a key whose TTL ran out is not in the store, and a reserved name is in it only as data", () => {
    let now = 1_000_000;
    const store = createStore({ backend: memoryBackend({ now: () => now }) });
    store.set("k", 1, { ttl: 1 });
    expect("k" in store).toBe(true);
    now += 1_000;
    expect("k" in store).toBe(false);
    expect("get" in store).toBe(false);
    store.set("get", 1);
    expect("get" in store).toBe(true);
  });

  it("sees a key another store on the same backend writes, and throws once the store is closed", async () => {
    const backend = memoryBackend(undefined);
    const reader = createStore({ backend });
    const writer = createStore({ backend });
    expect("k" in reader).toBe(false);
    writer.k = 1;
    expect("k" in reader).toBe(true);
    await close(reader);
    expect(codeOf(() => "k" in reader)).toBe("CLOSED");
    expect(codeOf(() => "other" in reader)).toBe("CLOSED");
  });

  it("a partial view answers for its keys and throws NOT_LOADED outside them", async () => {
    const backend = asAsyncBackend(memoryBackend(undefined));
    const writer = await openStore({ backend, name: "partial" });
    writer.in = 1;
    writer.out = 2;
    await close(writer);
    const view = await openStore({ backend, name: "partial", load: { keys: ["in", "gone"] } });
    expect("in" in view).toBe(true);
    expect("gone" in view).toBe(false);
    expect(codeOf(() => "out" in view)).toBe("NOT_LOADED");
    await close(view);
    const whole = await openStore({ backend, name: "partial" });
    expect("out" in whole).toBe(true);
    expect("never" in whole).toBe(false);
    expect(codeOf(() => "\uDC00" in whole)).toBe("INVALID_KEY");
    await close(whole);
  });
});
