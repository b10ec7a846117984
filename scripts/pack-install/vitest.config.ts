import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Its own vitest run (not a project of the root config): it needs the packages built and packed,
// and it installs them with npm outside the workspace, so `vitest run` of the suites never starts it.
export default defineConfig({
  test: {
    name: "pack-install",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
