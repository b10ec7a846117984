import { readFileSync } from "node:fs";
import { type Backend, completeBackend, createStore } from "@dictstore/core";
import { asAsyncBackend, runBackendSuite, runDifferentialTest } from "@dictstore/testing";
import { expect, it } from "vitest";
import { mapBackend } from "./map-backend.ts";

// The minimal backend of docs/custom-backend.md: the required members only, everything else derived.
runBackendSuite({ name: "map", create: () => mapBackend() });
runBackendSuite({ name: "map via local view", create: () => asAsyncBackend(mapBackend(), { latencyMs: 1 }) });
runDifferentialTest({ name: "map", create: () => mapBackend(), runs: 300 });

it("docs/custom-backend.md shows this backend verbatim, in under 150 lines", () => {
  const code = readFileSync(new URL("./map-backend.ts", import.meta.url), "utf8");
  const docs = readFileSync(new URL("../../../docs/custom-backend.md", import.meta.url), "utf8");
  expect(docs).toContain(code.trim());
  expect(code.trim().split("\n").length).toBeLessThan(150);
});

it("a completed backend keeps every member when spread into a wrapper, as users wrap backends", async () => {
  const backend = completeBackend(mapBackend());
  let listed = 0;
  const wrapped: Backend<true> = {
    ...backend,
    listEntries: (store, options) => {
      listed++;
      return backend.listEntries(store, options);
    },
  };
  const store = createStore({ backend: wrapped, name: "wrapped" });
  store.a = 1;
  store.b = 2;
  expect([...store.keys()]).toEqual(["a", "b"]);
  expect(wrapped.listStores()).toContainEqual(expect.objectContaining({ name: "wrapped" }));
  expect(wrapped.count("wrapped")).toBe(2);
  expect(wrapped.listEntries("wrapped").entries.map((entry) => entry.key)).toEqual(["a", "b"]);
  expect(listed).toBe(1);
});
