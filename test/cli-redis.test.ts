import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeValue } from "@dictstore/core";
import { freePort, type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltCli, buildCli, type CliRun, jsonOf, runCli, tempWorkspace } from "./cli-helpers.ts";

// End to end on Redis: a redis-server started here, protected by a password. Every command runs as
// a child process, and no output of any run (stdout or stderr, success or failure) shows the password.

const PASSWORD = "Sup3r-secret+pw@work";
const ENCODED = encodeURIComponent(PASSWORD);

let cli: BuiltCli;
let server: RedisServer;
let url: string;
let workspace: ReturnType<typeof tempWorkspace>;
const runs: CliRun[] = [];

beforeAll(async () => {
  [cli, server] = await Promise.all([buildCli(), startRedisServer({ args: ["--requirepass", PASSWORD] })]);
  url = `redis://:${ENCODED}@127.0.0.1:${server.port}`;
  workspace = tempWorkspace();
}, 60_000);
afterAll(async () => {
  cli?.remove();
  workspace?.remove();
  await server?.stop();
});

/** Runs the CLI against the test's Redis (URL in DICTSTORE_URL unless `--url` is among the args). */
async function ds(args: string[], options: { input?: string; url?: string } = {}): Promise<CliRun> {
  const run = await runCli(cli, args, {
    url: options.url ?? url,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  runs.push(run);
  return run;
}

function expectNoPassword(run: CliRun): void {
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(ENCODED);
  }
}

describe("every command on Redis", () => {
  it("manages stores", async () => {
    expect(jsonOf(await ds(["create", "orders", "--json"]))).toEqual({ created: "orders" });
    expect((await ds(["create", "orders"])).code).toBe(4);
    await ds(["set", "o1", '{"total":12.5}', "--store", "orders"]);
    expect(jsonOf(await ds(["stores", "--json"]))).toContainEqual({ name: "orders", keys: 1 });
    expect((await ds(["rename", "orders", "archive"])).code).toBe(0);
    expect(jsonOf(await ds(["get", "o1", "--store", "archive", "--json"]))).toMatchObject({
      value: { total: 12.5 },
    });
    expect((await ds(["delete", "archive"])).code).toBe(5);
    expect(jsonOf(await ds(["delete", "archive", "--yes", "--json"]))).toEqual({
      deleted: "archive",
      keys: 1,
    });
    expect((await ds(["get", "o1", "--store", "archive"])).code).toBe(3);
  });

  it("reads and writes keys, TTLs and pages", async () => {
    expect((await ds(["set", "session", '"abc"', "--ttl", "300"])).code).toBe(0);
    const ttl = jsonOf(await ds(["ttl", "session", "--json"])) as { ttl: number };
    expect(ttl.ttl).toBeGreaterThan(200);
    expect(jsonOf(await ds(["ttl", "session", "--remove", "--json"]))).toEqual({ key: "session", ttl: null });
    expect((await ds(["del", "session"])).code).toBe(0);
    expect((await ds(["del", "session"])).code).toBe(3);

    const records = Array.from({ length: 1200 }, (_, i) => JSON.stringify({ key: `k${i}`, value: i })).join(
      "\n",
    );
    expect((await ds(["import", "-", "--store", "paged"], { input: records })).code).toBe(0);
    const all = await ds(["keys", "--store", "paged"]);
    expect(new Set(all.stdout.trim().split("\n")).size).toBe(1200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const args = ["keys", "--store", "paged", "--limit", "500", "--json"];
      const page = jsonOf(await ds(cursor === null ? args : [...args, "--cursor", cursor])) as {
        keys: string[];
        cursor: string | null;
      };
      seen.push(...page.keys);
      cursor = page.cursor;
    } while (cursor !== null && seen.length <= 1200);
    expect(new Set(seen).size).toBe(1200);
    expect(seen).toHaveLength(1200);
    expect(jsonOf(await ds(["clear", "--store", "paged", "--yes", "--json"]))).toEqual({
      cleared: "paged",
      keys: 1200,
    });
  });

  it("exports and imports rich values exactly, both ways", async () => {
    const value = {
      when: new Date("2024-05-01T09:30:00Z"),
      tags: new Set(["a"]),
      n: 2n ** 64n,
      m: new Map([[1, -0]]),
    };
    const file = join(workspace.dir, "rich.ndjson");
    writeFileSync(file, `${JSON.stringify({ key: "rich", encoded: encodeValue(value), ttl: 3600 })}\n`);
    expect((await ds(["import", file, "--store", "rich"])).code).toBe(0);
    const exported = await ds(["export", "--store", "rich", "--format", "ndjson"]);
    const record = JSON.parse(exported.stdout) as { key: string; encoded: string; expiresAt: string };
    expect(record.encoded).toBe(encodeValue(value));
    expect(Date.parse(record.expiresAt) - Date.now()).toBeGreaterThan(3_000_000);
    // Redis → SQLite and back: the stored text is the same on every backend.
    const sqliteUrl = workspace.url;
    expect(
      (await ds(["import", "-", "--store", "rich"], { input: exported.stdout, url: sqliteUrl })).code,
    ).toBe(0);
    const fromSqlite = await ds(["export", "--store", "rich", "--format", "ndjson"], { url: sqliteUrl });
    expect((JSON.parse(fromSqlite.stdout) as { encoded: string }).encoded).toBe(record.encoded);
    expect(jsonOf(await ds(["get", "rich", "--store", "rich", "--json"]))).toMatchObject({
      encoded: record.encoded,
    });
  });
});

describe("Redis passwords are never printed", () => {
  it("info shows the URL with the password masked, from DICTSTORE_URL and from --url", async () => {
    const fromEnv = jsonOf(await ds(["info", "--json"])) as { url: string; backend: string };
    expect(fromEnv).toMatchObject({ backend: "redis", url: `redis://:***@127.0.0.1:${server.port}` });
    const fromFlag = await ds(["--url", url, "info"], { url: "memory:" });
    expect(fromFlag.stdout).toContain(`redis://:***@127.0.0.1:${server.port}`);
  });

  it("a wrong password fails with exit 6 and shows neither password", async () => {
    const wrong = `redis://:${ENCODED}-wrong@127.0.0.1:${server.port}`;
    for (const args of [["stores"], ["--url", wrong, "get", "k", "--json"]]) {
      const run = await ds(args, { url: wrong });
      expect(run.code, run.stderr).toBe(6);
      expect(run.stderr).toMatch(/AUTH|password|auth/i);
      expect(run.stderr).not.toContain("-wrong");
    }
  });

  it("an unreachable server fails fast with exit 6, password masked", async () => {
    const closed = `redis://user:${ENCODED}@127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const run = await ds(["--url", closed, "stores"]);
    expect(run.code, run.stderr).toBe(6);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stderr).toContain("127.0.0.1");
  });

  it("no run of this file printed the password", () => {
    expect(runs.length).toBeGreaterThan(20);
    for (const run of runs) expectNoPassword(run);
  });
});
