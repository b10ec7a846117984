import { join } from "node:path";
import { close, createStore, decodeValue } from "@dictstore/core";
import { sqliteBackend } from "@dictstore/sqlite";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonOf, useCliSuite } from "./cli-helpers.ts";

// End to end: keys, get, set, del, ttl and clear, on SQLite, as child processes.

const suite = useCliSuite();
const { ds } = suite;

/** Writes records straight through the library (a second process on the same SQLite file). */
async function seed(store: string, records: Record<string, unknown>, ttl?: number): Promise<void> {
  const backend = sqliteBackend({ path: join(suite.workspace.dir, "data.db") });
  const dict = createStore({ backend, name: store });
  for (const [key, value] of Object.entries(records))
    dict.set(key, value, ttl === undefined ? undefined : { ttl });
  await close(dict);
  await backend.dispose?.();
}

describe("set and get", () => {
  it("round-trips JSON values; text output is the value as JSON", async () => {
    const value = { name: "Ada", tags: ["x", "y"], nested: { n: 1.5, ok: true, none: null } };
    expect(jsonOf(await ds(["set", "user", JSON.stringify(value), "--json"]))).toEqual({
      set: "user",
      ttl: null,
    });
    expect(jsonOf(await ds(["get", "user", "--json"]))).toEqual({ key: "user", value, ttl: null });
    const text = await ds(["get", "user"]);
    expect(text.code).toBe(0);
    expect(JSON.parse(text.stdout)).toEqual(value);
    // Strings print as JSON strings, so `set k "$(get k)"` round-trips.
    await ds(["set", "greeting", '"hello\\nworld"']);
    expect((await ds(["get", "greeting"])).stdout).toBe('"hello\\nworld"\n');
  });

  it("reads the value from stdin with -", async () => {
    expect((await ds(["set", "piped", "-"], { input: '{"from":"stdin"}\n' })).code).toBe(0);
    expect(jsonOf(await ds(["get", "piped", "--json"]))).toMatchObject({ value: { from: "stdin" } });
  });

  it("invalid JSON, a bad TTL or an over-long key exit 2 and write nothing", async () => {
    const [json, ttl, key] = await Promise.all([
      ds(["set", "bad", "not json"]),
      ds(["set", "bad", "1", "--ttl", "-5"]),
      ds(["set", "k".repeat(3000), "1"]),
    ]);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("not valid JSON");
    expect(json.stderr).toContain("Strings need quotes");
    expect(ttl.code).toBe(2);
    expect(key.code).toBe(2);
    expect(key.stderr).toContain("limit is 2048");
    expect((await ds(["get", "bad"])).code).toBe(3);
  });

  it("a missing key exits 3", async () => {
    const run = await ds(["get", "never-set"]);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("Key never-set is not in store default.");
  });

  it("prints rich values inspected, and their exact encoding with --json", async () => {
    const value = {
      when: new Date("2024-05-01T09:30:00Z"),
      seen: new Set(["a", "b"]),
      counts: new Map([["x", 1n]]),
      big: 2n ** 70n,
    };
    await seed("rich", { value });
    const text = await ds(["get", "value", "--store", "rich"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("2024-05-01T09:30:00.000Z");
    expect(text.stdout).toContain("Set(2) { 'a', 'b' }");
    expect(text.stdout).toContain("Map(1) { 'x' => 1n }");
    expect(text.stdout).toContain("1180591620717411303424n");
    const json = jsonOf(await ds(["get", "value", "--store", "rich", "--json"])) as { encoded: string };
    expect(json).not.toHaveProperty("value");
    expect(decodeValue(json.encoded)).toEqual(value);
  });

  it("--store keeps stores apart", async () => {
    await ds(["set", "shared", '"in a"', "--store", "a"]);
    expect((await ds(["get", "shared", "--store", "b"])).code).toBe(3);
    expect(jsonOf(await ds(["get", "shared", "--store", "a", "--json"]))).toMatchObject({ value: "in a" });
  });

  it("keys and values with control characters never reach the terminal raw", async () => {
    const key = "bell\u0007\u001b]0;title\u0007";
    await seed("controls", { [key]: "\u009b31m red \u202e" });
    const keys = await ds(["keys", "--store", "controls"]);
    expect(keys.stdout).not.toContain("\u0007");
    expect(keys.stdout).not.toContain("\u001b");
    expect(keys.stdout.trim()).toBe(JSON.stringify(key));
    const value = await ds(["get", key, "--store", "controls"]);
    expect(value.stdout).not.toContain("\u009b");
    expect(value.stdout).not.toContain("\u202e");
    expect(JSON.parse(value.stdout)).toBe("\u009b31m red \u202e");
  });
});

describe("del, ttl, clear", () => {
  it("del removes a key; a missing key exits 3", async () => {
    await ds(["set", "gone", "1"]);
    expect(jsonOf(await ds(["del", "gone", "--json"]))).toEqual({ deleted: "gone" });
    expect((await ds(["del", "gone"])).code).toBe(3);
  });

  it("ttl shows, sets and removes an expiry", async () => {
    await ds(["set", "session", '"s"', "--ttl", "600"]);
    const shown = jsonOf(await ds(["ttl", "session", "--json"])) as { ttl: number };
    expect(shown.ttl).toBeGreaterThan(500);
    expect(shown.ttl).toBeLessThanOrEqual(600);
    expect((await ds(["ttl", "session"])).stdout).toMatch(/^expires in \d+m \d+s$/m);

    expect(jsonOf(await ds(["ttl", "session", "7200", "--json"]))).toEqual({ key: "session", ttl: 7200 });
    expect((jsonOf(await ds(["ttl", "session", "--json"])) as { ttl: number }).ttl).toBeGreaterThan(7000);

    expect(jsonOf(await ds(["ttl", "session", "--remove", "--json"]))).toEqual({ key: "session", ttl: null });
    expect((await ds(["ttl", "session"])).stdout.trim()).toBe("no expiry");
    // A plain set without --ttl clears an expiry too (the write replaces the record).
    await ds(["set", "session", '"s"', "--ttl", "600"]);
    await ds(["set", "session", '"t"']);
    expect(jsonOf(await ds(["ttl", "session", "--json"]))).toEqual({ key: "session", ttl: null });
  });

  it("ttl on a missing key exits 3; seconds with --remove exits 2", async () => {
    const [missing, both, zero] = await Promise.all([
      ds(["ttl", "nope"]),
      ds(["ttl", "nope", "5", "--remove"]),
      ds(["ttl", "nope", "0"]),
    ]);
    expect(missing.code).toBe(3);
    expect(both.code).toBe(2);
    expect(zero.code).toBe(2);
  });

  it("a key past its TTL is gone", async () => {
    await ds(["set", "brief", "1", "--ttl", "0.2"]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await ds(["get", "brief"])).code).toBe(3);
  });

  it("clear needs --yes without a terminal, then empties only that store", async () => {
    await seed("to-clear", { a: 1, b: 2, c: 3 });
    await seed("neighbour", { a: 1 });
    const refused = await ds(["clear", "--store", "to-clear"]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain("--yes");
    expect(jsonOf(await ds(["clear", "--store", "to-clear", "--yes", "--json"]))).toEqual({
      cleared: "to-clear",
      keys: 3,
    });
    const stores = jsonOf(await ds(["stores", "--json"])) as { name: string; keys: number }[];
    expect(stores).toContainEqual({ name: "to-clear", keys: 0 });
    expect(stores).toContainEqual({ name: "neighbour", keys: 1 });
    expect((await ds(["clear", "--store", "no-such-store", "--yes"])).code).toBe(3);
  });
});

describe("keys", () => {
  const COUNT = 1234; // more than two of the CLI's 500-key pages
  const all = Array.from({ length: COUNT }, (_, i) => `item:${String(i).padStart(4, "0")}`);

  beforeAll(async () => {
    const records = Object.fromEntries(all.map((key, i) => [key, i]));
    await seed("many", { ...records, "other:1": 1, "other:2": 2 });
  });

  it("lists every key of a store, page after page", async () => {
    const run = await ds(["keys", "--store", "many"]);
    expect(run.code).toBe(0);
    const keys = run.stdout.trim().split("\n");
    expect(keys).toHaveLength(COUNT + 2);
    expect(new Set(keys)).toEqual(new Set([...all, "other:1", "other:2"]));
    const json = jsonOf(await ds(["keys", "--store", "many", "--json"])) as { keys: string[]; cursor: null };
    expect(json.cursor).toBeNull();
    expect(json.keys).toEqual(keys);
  });

  it("--prefix filters", async () => {
    const json = jsonOf(await ds(["keys", "--store", "many", "--prefix", "other:", "--json"])) as {
      keys: string[];
    };
    expect(json.keys.sort()).toEqual(["other:1", "other:2"]);
  });

  it("--limit pages with a cursor that --cursor continues, each key exactly once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const args = ["keys", "--store", "many", "--prefix", "item:", "--limit", "500", "--json"];
      const page = jsonOf(await ds(cursor === null ? args : [...args, "--cursor", cursor])) as {
        keys: string[];
        cursor: string | null;
      };
      expect(page.keys.length).toBeLessThanOrEqual(500);
      seen.push(...page.keys);
      cursor = page.cursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(all);
    // Text mode tells how to continue, on stderr.
    const text = await ds(["keys", "--store", "many", "--limit", "2"]);
    expect(text.stdout.trim().split("\n")).toHaveLength(2);
    expect(text.stderr).toContain("more keys: continue with --cursor");
  });

  it("a missing store exits 3 (a typo is not an empty list)", async () => {
    expect((await ds(["keys", "--store", "mnay"])).code).toBe(3);
  });
});
