import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// scripts/summarize-tests.mjs writes CI's closing line from vitest JSON reports: tests only, and a
// file that failed outside its tests fails CI without being counted as a test.

const script = fileURLToPath(new URL("../scripts/summarize-tests.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "dictstore-summary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function report(name: string, body: object): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(body));
  return path;
}

function summarize(...args: string[]): { code: number; lines: string[] } {
  try {
    const out = execFileSync(process.execPath, [script, ...args], { cwd: dir, encoding: "utf8" });
    return { code: 0, lines: out.trim().split("\n") };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { code: failed.status, lines: failed.stdout.trim().split("\n") };
  }
}

const test = (status: string) => ({ status, title: "t" });

describe("summarize-tests", () => {
  it("counts failed tests, not failed files: two failed tests in two files print as 2", () => {
    const path = report("two.json", {
      numPassedTests: 5,
      numFailedTests: 2,
      numFailedTestSuites: 2,
      numPendingTests: 0,
      testResults: [
        {
          name: join(dir, "a.test.ts"),
          status: "failed",
          assertionResults: [test("failed"), test("passed")],
        },
        { name: join(dir, "b.test.ts"), status: "failed", assertionResults: [test("failed")] },
      ],
    });
    const { code, lines } = summarize(`src=${path}`);
    expect(lines.at(-1)).toBe("5 passed, 2 failed");
    expect(code).toBe(1);
  });

  it("fails CI for a file that failed with no failed test, and names it without counting it as a test", () => {
    const path = report("broken.json", {
      numPassedTests: 3,
      numFailedTests: 0,
      numFailedTestSuites: 1,
      testResults: [
        { name: join(dir, "ok.test.ts"), status: "passed", assertionResults: [test("passed")] },
        {
          name: join(dir, "broken.test.ts"),
          status: "failed",
          message: "Error: hook threw\n at x",
          assertionResults: [],
        },
      ],
    });
    const { code, lines } = summarize(`src=${path}`);
    expect(lines).toContain("!! src: broken.test.ts failed outside its tests: Error: hook threw");
    expect(lines.at(-1)).toBe("3 passed, 0 failed");
    expect(code).toBe(1);
  });

  it("adds up several runs, fails on a missing report, and ignores what a filtered run left out", () => {
    const a = report("a.json", { numPassedTests: 2, numFailedTests: 0, numPendingTests: 1, testResults: [] });
    const b = report("b.json", {
      numPassedTests: 4,
      numFailedTests: 0,
      numPendingTests: 500,
      testResults: [],
    });
    expect(summarize(`src=${a}`, `diff:filtered=${b}`)).toEqual({
      code: 0,
      lines: [
        "src: 2 passed, 0 failed, 1 skipped",
        "diff: 4 passed, 0 failed",
        "6 passed, 0 failed, 1 skipped",
      ],
    });
    const { code, lines } = summarize(`src=${a}`, `loaded=${join(dir, "missing.json")}`);
    expect(code).toBe(1);
    expect(lines.some((line) => line.startsWith("!! loaded: no report"))).toBe(true);
  });
});
