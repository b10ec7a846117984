import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCliSuite } from "./cli-helpers.ts";

// A damaged database is its own exit code (7, CORRUPT), not "unavailable" (6), which scripts retry.

const suite = useCliSuite(120_000);

describe("dictstore on a damaged SQLite file", () => {
  it("exits 7 (CORRUPT) naming the file and how to recover, in text and in --json", async () => {
    const path = join(suite.workspace.dir, "notes.db");
    writeFileSync(path, "not a database\n".repeat(500));
    const text = await suite.ds(["--url", `sqlite:${path}`, "stores"]);
    expect(text.code, text.stderr).toBe(7);
    expect(text.stderr).toContain(path);
    expect(text.stderr).toContain(".recover");
    expect(text.stderr.trim().split("\n").length, text.stderr).toBeLessThan(5); // a message, not a stack
    const json = await suite.ds(["--url", `sqlite:${path}`, "get", "k", "--json"]);
    expect(json.code).toBe(7);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: "CORRUPT", exitCode: 7 } });
  });
});
