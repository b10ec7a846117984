import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type CliIo, EXIT_CODES, redactText, redactUrl, runCli } from "@dictstore/cli";
import { close, createStore, encodeValue } from "@dictstore/core";
import { sqliteBackend } from "@dictstore/sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sink } from "./sink.ts";

// runCli in-process, with its streams injected: the import readers fed at every awkward chunk
// boundary, exit codes, and redaction. The end-to-end tests with real processes are in test/cli-*.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dictstore-cli-unit-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process on the test's SQLite file, with stdin delivered as `input` chunks. */
async function run(args: string[], input: Buffer[] = []): Promise<Captured> {
  const stdout = sink();
  const stderr = sink();
  const io: CliIo = {
    stdin: Readable.from(input),
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { DICTSTORE_URL: `sqlite:${join(dir, "data.db")}` },
    cwd: dir,
  };
  const code = await runCli(["node", "dictstore", ...args], io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Splits bytes into chunks of 1, 2, 3, … bytes, cycling, so boundaries fall everywhere (mid-character too). */
function awkwardChunks(text: string, maxSize: number): Buffer[] {
  const bytes = Buffer.from(text, "utf8");
  const chunks: Buffer[] = [];
  for (let at = 0, size = 1; at < bytes.length; at += size, size = (size % maxSize) + 1) {
    chunks.push(bytes.subarray(at, at + size));
  }
  return chunks;
}

async function storedTexts(store: string): Promise<Record<string, string>> {
  const backend = sqliteBackend({ path: join(dir, "data.db") });
  try {
    const page = backend.listEntries(store, { limit: 1000 });
    return Object.fromEntries(page.entries.map((e) => [e.key, e.value]));
  } finally {
    await backend.dispose?.();
  }
}

/** Checks that `store` holds exactly RECORDS, as stored text. */
async function expectImported(store: string): Promise<void> {
  const stored = await storedTexts(store);
  const expected = Object.fromEntries(
    RECORDS.map((r) => [r.key, "encoded" in r ? r.encoded : encodeValue(r.value)] as const),
  );
  expect(stored).toEqual(expected);
}

const RECORDS: ({ key: string; value: unknown } | { key: string; encoded: string })[] = [
  { key: "plain", value: { text: 'brackets ] } [ { , and "quotes" \\ and \\" escapes', n: [1, [2, [3]]] } },
  { key: "emoji 🦊 key", value: "ünïcödé ✓ 🦊 — split across chunks" },
  { key: "rich", encoded: encodeValue({ at: new Date(0), tags: new Set(["a"]), big: 10n ** 30n }) },
  { key: "", value: null },
  { key: "nested\nnewline", value: "line\nbreaks\r\nand tabs\t" },
];

describe("import reads its input at any chunk boundary", () => {
  for (const maxSize of [1, 3, 7, 64]) {
    it(`JSON (pretty-printed), chunks of 1..${maxSize} bytes`, async () => {
      const text = `\uFEFF${JSON.stringify(RECORDS, null, 2)}\n`;
      const result = await run(["import", "-", "--store", "json", "--json"], awkwardChunks(text, maxSize));
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ format: "json", read: 5, imported: 5 });
      await expectImported("json");
    });

    it(`NDJSON with CRLF and blank lines, chunks of 1..${maxSize} bytes`, async () => {
      const text = `${RECORDS.map((r) => JSON.stringify(r)).join("\r\n\r\n")}\r\n`;
      const result = await run(["import", "-", "--store", "nd", "--json"], awkwardChunks(text, maxSize));
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ format: "ndjson", read: 5, imported: 5 });
      await expectImported("nd");
    });
  }

  it("NDJSON errors name the line; an invalid record stops the import before its batch is written", async () => {
    const text = '{"key":"a","value":1}\n\n{"key":"b","value":2}\n{"key":"c" "value":3}\n';
    const result = await run(["import", "-", "--store", "broken"], awkwardChunks(text, 5));
    expect(result.code).toBe(EXIT_CODES.USAGE);
    expect(result.stderr).toContain("record 3 (line 4): not valid JSON");
    expect(result.stderr).toContain("Nothing was written.");
    expect(await storedTexts("broken")).toEqual({});
  });
});

describe("runCli", () => {
  it("resolves to the exit code and writes only to the streams it was given", async () => {
    const created = await run(["create", "s"]);
    expect(created).toEqual({ code: EXIT_CODES.OK, stdout: "Created store s.\n", stderr: "" });
    const again = await run(["create", "s", "--json"]);
    expect(again.code).toBe(EXIT_CODES.EXISTS);
    expect(JSON.parse(again.stderr)).toMatchObject({ error: { code: "EXISTS", exitCode: 4 } });
    expect((await run(["nope"])).code).toBe(EXIT_CODES.USAGE);
  });

  it("works on stores written by the library, and the library reads what it wrote", async () => {
    const backend = sqliteBackend({ path: join(dir, "data.db") });
    const store = createStore({ backend, name: "shared" });
    store.counter = 41;
    await close(store);
    await backend.dispose?.();
    expect((await run(["get", "counter", "--store", "shared"])).stdout).toBe("41\n");
    expect((await run(["set", "counter", "42", "--store", "shared"])).code).toBe(0);
    expect(await storedTexts("shared")).toEqual({ counter: "42" });
  });
});

describe("redaction", () => {
  it("masks URL passwords, keeping user names", () => {
    expect(redactUrl("redis://:s3cret@host:6379/0")).toBe("redis://:***@host:6379/0");
    expect(redactUrl("redis://ada:p%40ss@host:6379")).toBe("redis://ada:***@host:6379");
    expect(redactUrl("redis://host:6379")).toBe("redis://host:6379");
    expect(redactUrl("memory:")).toBe("memory:");
  });

  it("scrubs known secrets and any URL credentials from messages", () => {
    expect(redactText("failed for redis://u:pw@h:1 (pw rejected)", ["pw"])).toBe(
      "failed for redis://u:***@h:1 (*** rejected)",
    );
    expect(redactText("p@ss and p%40ss", ["p@ss", "p%40ss"])).toBe("*** and ***");
  });
});
