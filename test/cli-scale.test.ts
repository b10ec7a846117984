import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sqliteBackend } from "@dictstore/sqlite";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliRun, jsonOf, runInTerminal, useCliSuite } from "./cli-helpers.ts";

// End to end at scale: export and import of 100,000 keys stream page by page and batch by batch,
// so the CLI's memory does not grow with the store.
//
// V8 grows its heap lazily while there is garbage to spare, which would hide what the process keeps
// alive. So the child runs with a small heap (16 MB old space, 1 MB semi-space): a CLI that held the
// export in memory (≈ 45 MB) could not finish at all, and peak RSS reflects the working set. Flat
// means: 100,000 keys peak within a few MB of 25,000 keys, though they are 4 times the data.

const BIG = 100_000;
const SMALL = 25_000;
const VALUE_BYTES = 400;
const ALLOWED_GROWTH = 20 * 1024 * 1024; // the extra 75,000 records alone are ≈ 32 MB
const SMALL_HEAP = ["--max-old-space-size=16", "--max-semi-space-size=1"];

const suite = useCliSuite(120_000);
const { ds } = suite;
let probe: string;

beforeAll(async () => {
  const { workspace } = suite;
  // Loaded into the child with --import: samples RSS while it runs and reports the peak when it exits.
  probe = join(workspace.dir, "rss-probe.mjs");
  writeFileSync(
    probe,
    `import { writeFileSync } from "node:fs";
let peak = 0;
const sample = () => { peak = Math.max(peak, process.memoryUsage.rss()); };
setInterval(sample, 10).unref();
process.on("exit", () => { sample(); writeFileSync(process.env.RSS_PROBE_OUT, String(peak)); });
`,
  );
  const backend = sqliteBackend({ path: join(workspace.dir, "data.db") });
  const filler = "x".repeat(VALUE_BYTES);
  for (const [store, count] of [
    ["big", BIG],
    ["small", SMALL],
  ] as const) {
    for (let start = 0; start < count; start += 10_000) {
      const entries = Array.from({ length: Math.min(10_000, count - start) }, (_, j) => ({
        key: `key:${String(start + j).padStart(6, "0")}`,
        value: JSON.stringify(`${filler}${start + j}`),
      }));
      backend.setMany(store, entries);
    }
  }
  await backend.dispose?.();
}, 120_000);

/** Runs the CLI with the RSS probe; resolves to the run and its peak RSS in bytes. */
async function measured(args: string[]): Promise<{ run: CliRun; peak: number }> {
  const out = join(suite.workspace.dir, `rss-${Math.random().toString(36).slice(2)}.txt`);
  const run = await ds(args, {
    nodeArgs: [...SMALL_HEAP, "--import", probe],
    env: { RSS_PROBE_OUT: out },
    timeoutMs: 120_000,
  });
  return { run, peak: Number(readFileSync(out, "utf8")) };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

describe("100,000 keys", () => {
  const file = (name: string) => join(suite.workspace.dir, name);

  it("export streams with flat memory and writes every record once", async () => {
    const small = await measured(["export", "--store", "small", "--out", file("small.ndjson"), "--json"]);
    expect(small.run.code, small.run.stderr).toBe(0);
    const big = await measured(["export", "--store", "big", "--out", file("big.ndjson"), "--json"]);
    expect(big.run.code, big.run.stderr).toBe(0);
    expect(jsonOf(big.run)).toMatchObject({ exported: BIG, format: "ndjson" });
    const size = statSync(file("big.ndjson")).size;
    console.log(
      `export: ${BIG} keys, ${mib(size)} written, peak RSS ${mib(big.peak)}; ${SMALL} keys: ${mib(small.peak)}`,
    );
    expect(size).toBeGreaterThan(BIG * VALUE_BYTES);
    expect(big.peak - small.peak).toBeLessThan(ALLOWED_GROWTH);

    const lines = readFileSync(file("big.ndjson"), "utf8").split("\n");
    expect(lines).toHaveLength(BIG + 1);
    const keys = new Set(lines.slice(0, -1).map((line) => (JSON.parse(line) as { key: string }).key));
    expect(keys.size).toBe(BIG);
  }, 240_000);

  it("import streams with flat memory, in atomic batches", async () => {
    const small = await measured(["import", file("small.ndjson"), "--store", "small-copy", "--json"]);
    expect(small.run.code, small.run.stderr).toBe(0);
    const big = await measured(["import", file("big.ndjson"), "--store", "big-copy", "--json"]);
    expect(big.run.code, big.run.stderr).toBe(0);
    expect(jsonOf(big.run)).toEqual({
      store: "big-copy",
      format: "ndjson",
      read: BIG,
      imported: BIG,
      expired: 0,
      batches: BIG / 500,
    });
    console.log(`import: ${BIG} keys, peak RSS ${mib(big.peak)}; ${SMALL} keys: ${mib(small.peak)}`);
    expect(big.peak - small.peak).toBeLessThan(ALLOWED_GROWTH);
    const stores = jsonOf(await ds(["stores", "--json"])) as {
      name: string;
      keys: number;
    }[];
    expect(stores).toContainEqual({ name: "big-copy", keys: BIG });
  }, 240_000);

  it("draws a progress bar on a terminal during an export", async () => {
    // DICTSTORE_PROGRESS_DELAY_MS=0 draws from the first page on: the bar shows however fast the export runs.
    const run = await runInTerminal(suite.cli, ["export", "--store", "small", "--out", file("tty.json")], {
      url: suite.workspace.url,
      env: { DICTSTORE_PROGRESS_DELAY_MS: "0" },
      timeoutMs: 120_000,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`1000/${SMALL} records`);
    expect(run.stdout).toContain(`${SMALL}/${SMALL} records`);
    expect(run.stdout).toContain("\r\u001b[2K");
    expect(run.stdout).toContain(`Exported ${SMALL} records of store small as JSON`);
  }, 120_000);
});
