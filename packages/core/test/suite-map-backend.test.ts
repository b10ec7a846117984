import { readFileSync } from "node:fs";
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
