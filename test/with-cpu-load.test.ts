import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// scripts/with-cpu-load.mjs, which CI wraps around the loaded re-run of these tests: it passes the
// command's exit code through and never outlives its bounds.

const script = fileURLToPath(new URL("../scripts/with-cpu-load.mjs", import.meta.url));

function withLoad(args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { encoding: "utf8", timeout: 60_000 });
}

describe("with-cpu-load", () => {
  it("runs the command under load, stops the load when it exits, and exits with its code", () => {
    const run = withLoad(["--workers", "2", "--", process.execPath, "-e", "process.exit(3)"]);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain("2 busy threads");
    expect(run.stderr).toContain("load stopped (command exited)");
  });

  it("stops the load at its time limit while the command goes on", () => {
    // No race: the 1 s limit starts before the command is spawned, and the command's own 1.5 s timer
    // only once it runs, so the limit always comes first, however slow the machine.
    const run = withLoad(["--max-seconds", "1", "--", process.execPath, "-e", "setTimeout(() => {}, 1500)"]);
    expect(run.status).toBe(0);
    const limit = run.stderr.indexOf("load stopped (1 s limit)");
    expect(limit, run.stderr).toBeGreaterThan(-1);
    expect(run.stderr).not.toContain("load stopped (command exited)");
  });

  it("refuses a bad option with exit 2", () => {
    expect(withLoad(["--workers", "zero", "--", "true"]).status).toBe(2);
    expect(withLoad(["true"]).status).toBe(2);
  });
});
