import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
// Tests import packages by name; by default they run against src, with DICTSTORE_TEST_DIST=1 against the built dist.
const entry = process.env.DICTSTORE_TEST_DIST === "1" ? "dist/index.js" : "src/index.ts";
const alias = Object.fromEntries(
  readdirSync(`${root}packages`).map((name) => [`@dictstore/${name}`, `${root}packages/${name}/${entry}`]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      ...readdirSync(`${root}packages`).map((name) => ({
        resolve: { alias },
        // --expose-gc lets core's leak test force a collection (forks pool: a real node flag per worker).
        test: {
          name,
          root: `${root}packages/${name}`,
          include: ["test/**/*.test.ts"],
          ...(name === "core" ? { execArgv: ["--expose-gc"] } : {}),
        },
      })),
      {
        resolve: { alias },
        test: { name: "repo", root: `${root}test`, include: ["**/*.test.ts"], testTimeout: 60_000 },
      },
    ],
  },
});
