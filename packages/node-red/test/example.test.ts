import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { tempDir } from "./support.ts";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const tsxLoader = new URL("../../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

function runExample(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", tsxLoader, join(repoRoot, "examples/integrations/node-red.ts")],
      { cwd: repoRoot, env: { ...process.env, DICTSTORE_URL: url }, timeout: 120_000 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

// The example loads the built package, as Node-RED loads an installed one (CI builds before testing).
it("examples/integrations/node-red.ts runs, exits on its own, and a second run continues the count", async () => {
  const url = `sqlite:${tempDir()}/example.db`;
  const first = await runExample(url);
  expect(first.stderr).not.toMatch(/Error/);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain(
    "The increment node answered 1, 2, 3, 4, 5, 6, 7, 8, 9, 10: no update lost.",
  );
  expect(first.stdout).toMatch(/shop\/lastOrder = "order-\d+"/);
  const second = await runExample(url);
  expect(second.code).toBe(0);
  expect(second.stdout).toContain("answered 11, 12, 13, 14, 15, 16, 17, 18, 19, 20");
}, 240_000);
