import { type Backend, close, memoryBackend, openStore } from "@dictstore/core";
import { asAsyncBackend } from "@dictstore/testing";
import { expect, it } from "vitest";

// The core vitest project runs with --expose-gc (root vitest.config.ts).
const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use after forced collections, so only what is still referenced counts. */
async function heapAfterGc(): Promise<number> {
  for (let round = 0; round < 4; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc?.();
  }
  return process.memoryUsage().heapUsed;
}

/**
 * An asynchronous backend whose loads hand out fresh strings, as a network reply does: otherwise a
 * view would share its strings with the in-process backend and look smaller than it is.
 */
function remote(): Backend<false> {
  const inner = asAsyncBackend(memoryBackend());
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== "load") return Reflect.get(target, property, receiver);
      return async (...args: Parameters<typeof inner.load>) =>
        JSON.parse(JSON.stringify(await target.load(...args))) as unknown;
    },
  });
}

it("a local view holds each key in at most 2x (key + encoded value bytes) + 64 bytes", async () => {
  expect(gc, "the core project runs with --expose-gc").toBeDefined();
  const backend = remote();
  const count = 20_000;
  let dataBytes = 0;
  const entries = Array.from({ length: count }, (_, i) => {
    const key = `user:${String(i).padStart(6, "0")}`;
    const value = JSON.stringify({ id: i, name: `name ${i}`, tags: ["a", "b"] });
    dataBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    return { key, value };
  });
  for (let i = 0; i < count; i += 1000) await backend.setMany("big", entries.slice(i, i + 1000));
  entries.length = 0;

  const before = await heapAfterGc();
  const store = await openStore({ backend, name: "big" });
  const after = await heapAfterGc();
  expect(store.size).toBe(count);
  const perKey = (after - before) / count;
  const bound = (2 * dataBytes) / count + 64;
  console.info(
    `[view memory] ${perKey.toFixed(0)} B per key for ${(dataBytes / count).toFixed(0)} B of data (bound ${bound.toFixed(0)} B)`,
  );
  expect(perKey).toBeLessThanOrEqual(bound);
  await close(store);
});
