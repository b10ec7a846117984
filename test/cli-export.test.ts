import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { close, createStore, type SyncBackend } from "@dictstore/core";
import { sqliteBackend } from "@dictstore/sqlite";
import { beforeAll, describe, expect, it } from "vitest";
import { jsonOf, useCliSuite } from "./cli-helpers.ts";

// End to end: export and import (JSON and NDJSON), exact round trips of rich values, TTLs,
// atomic batches and the summary, on SQLite.

const suite = useCliSuite();
const { ds } = suite;

function path(name: string): string {
  return join(suite.workspace.dir, name);
}

/** Runs `fn` on the test's SQLite database from this process, then closes it. */
async function withBackend<T>(fn: (backend: SyncBackend) => T | Promise<T>): Promise<T> {
  const backend = sqliteBackend({ path: path("data.db") });
  try {
    return await fn(backend);
  } finally {
    await backend.dispose?.();
  }
}

/** Every record of a store, decoded, read through the library. */
function contents(store: string): Promise<Record<string, unknown>> {
  return withBackend(async (backend) => {
    const dict = createStore({ backend, name: store });
    const out = dict.toObject();
    await close(dict);
    return out as Record<string, unknown>;
  });
}

/** The stored text of every record of a store: equal texts mean exactly equal values. */
function storedTexts(store: string): Promise<Record<string, string>> {
  return withBackend(async (backend) => {
    const page = await backend.listEntries(store, { limit: 1000 });
    return Object.fromEntries(page.entries.map((e) => [e.key, e.value]));
  });
}

/** Checks that a copy holds exactly the source's records, both as stored text and as decoded values. */
async function expectSameRecords(copy: string, source: string): Promise<void> {
  const texts = await storedTexts(copy);
  expect(Object.keys(texts)).toHaveLength(15);
  expect(texts).toEqual(await storedTexts(source));
  const values = await contents(copy);
  const { protoKeys, ...rest } = richRecords();
  const { protoKeys: copiedProtoKeys, ...copiedRest } = values;
  expect(copiedRest).toStrictEqual(rest);
  expect(Object.is((values.specials as { negZero: number }).negZero, -0)).toBe(true);
  // Prototype-named keys are data: own properties, equal, and nothing polluted.
  const proto = copiedProtoKeys as Record<string, unknown>;
  expect(Object.keys(proto)).toEqual(["__proto__", "constructor"]);
  expect(JSON.stringify(proto)).toBe(JSON.stringify(protoKeys));
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/** Values JSON cannot hold, and the awkward ones it can. */
function richRecords(): Record<string, unknown> {
  const withProtoKeys = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}');
  return {
    date: new Date("2024-05-01T09:30:00.000Z"),
    map: new Map<unknown, unknown>([
      ["a", 1],
      [2, new Set([3n])],
    ]),
    set: new Set(["x", "y"]),
    bigint: 2n ** 80n,
    specials: { nan: Number.NaN, inf: Number.NEGATIVE_INFINITY, negZero: -0, missing: undefined },
    regexp: /a+b/giu,
    bytes: new Uint8Array([0, 1, 255]),
    protoKeys: withProtoKeys,
    plain: { list: [1, "two", null, true], nested: { deep: ["x"] } },
    text: 'quotes " and \\ backslash, newline\n, emoji 🦊, ] , { brackets',
    'key with "quotes", ] and, {braces}': "awkward key",
    "🗝️ unicode key": 42,
    zero: 0,
    empty: "",
    nothing: null,
  };
}

async function seed(store: string, records: Record<string, unknown>, ttls: Record<string, number> = {}) {
  await withBackend(async (backend) => {
    const dict = createStore({ backend, name: store });
    for (const [key, value] of Object.entries(records)) {
      const ttl = ttls[key];
      dict.set(key, value, ttl === undefined ? undefined : { ttl });
    }
    await close(dict);
  });
}

describe("export → import round trip", () => {
  beforeAll(async () => {
    await seed("source", richRecords(), { plain: 3600, date: 7200 });
  });

  for (const format of ["json", "ndjson"] as const) {
    it(`${format}: every value comes back exactly, TTLs kept`, async () => {
      const file = path(`export.${format}`);
      const exported = await ds(["export", "--store", "source", "--out", file, "--json"]);
      expect(exported.code).toBe(0);
      expect(jsonOf(exported)).toEqual({ exported: 15, store: "source", format, out: file });
      // As packages/cli/README.md says: objects with __proto__/constructor keys are plain JSON, exported as `value`.
      const protoLine = readFileSync(file, "utf8")
        .split("\n")
        .find((line) => line.includes('"key":"protoKeys"'));
      expect(protoLine).toMatch(/^\{"key":"protoKeys","value":\{"__proto__":/);
      const imported = await ds(["import", file, "--store", `copy-${format}`, "--json"]);
      expect(imported.code).toBe(0);
      expect(jsonOf(imported)).toEqual({
        store: `copy-${format}`,
        format,
        read: 15,
        imported: 15,
        expired: 0,
        batches: 1,
      });

      await expectSameRecords(`copy-${format}`, "source");
      const ttls = await withBackend(async (backend) => ({
        source: await backend.getTtl("source", "plain"),
        copy: await backend.getTtl(`copy-${format}`, "plain"),
        copyOfPermanent: await backend.getTtl(`copy-${format}`, "set"),
      }));
      // Expiry is kept as an absolute time; it may move by the few milliseconds an import takes.
      expect(Math.abs((ttls.copy as number) - (ttls.source as number))).toBeLessThan(2000);
      expect(ttls.copyOfPermanent).toBeNull();
      // A second export of the copy is the same text, but for expiry instants shifted by those milliseconds.
      const again = await ds(["export", "--store", `copy-${format}`, "--format", format]);
      const stripExpiry = (text: string) => text.replace(/"expiresAt":"[^"]+"/g, '"expiresAt":"…"');
      expect(stripExpiry(again.stdout)).toBe(stripExpiry(readFileSync(file, "utf8")));
      expect(readdirSync(suite.workspace.dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    });
  }

  it("writes the documented format: plain values inline, rich values encoded, expiry as an ISO date", async () => {
    const run = await ds(["export", "--store", "source"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("Exported 15 records of store source as JSON.");
    const records = JSON.parse(run.stdout) as Record<string, unknown>[];
    const byKey = new Map(records.map((r) => [r.key, r]));
    expect(byKey.get("plain")).toEqual({
      key: "plain",
      value: { list: [1, "two", null, true], nested: { deep: ["x"] } },
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(byKey.get("zero")).toEqual({ key: "zero", value: 0 });
    expect(byKey.get("date")).toEqual({
      key: "date",
      encoded: expect.stringMatching(/^~sj1:/),
      expiresAt: expect.any(String),
    });
    // One record per line, for diffs and line-oriented tools.
    expect(run.stdout.split("\n")).toHaveLength(15 + 3);
  });

  it("ndjson streams through a pipe: export to stdout, import from stdin", async () => {
    const exported = await ds(["export", "--store", "source", "--format", "ndjson"]);
    expect(exported.stdout.trim().split("\n")).toHaveLength(15);
    const imported = await ds(["import", "-", "--store", "piped"], { input: exported.stdout });
    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe("Imported 15 records into store piped in 1 atomic batch.\n");
    await expectSameRecords("piped", "source");
  });
});

describe("import", () => {
  const lines = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n");

  it("reads JSON in any layout, and records written by hand (ttl in seconds, epoch expiresAt)", async () => {
    const file = path("hand.json");
    const records = [
      { key: "a", value: { "]": "[", ",": "{" } },
      { key: "b", value: 'tricky \\" string ]}', ttl: 3600 },
      { key: "c", value: [1, [2, [3]]], expiresAt: Date.now() + 3_600_000 },
    ];
    writeFileSync(file, `\uFEFF  ${JSON.stringify(records, null, 4)}  \n`);
    const run = await ds(["import", file, "--store", "hand", "--json"]);
    expect(run.code).toBe(0);
    expect(jsonOf(run)).toMatchObject({ format: "json", read: 3, imported: 3 });
    expect(await contents("hand")).toEqual({
      a: records[0]?.value,
      b: records[1]?.value,
      c: records[2]?.value,
    });
    const ttls = await withBackend(async (backend) => [
      await backend.getTtl("hand", "b"),
      await backend.getTtl("hand", "c"),
    ]);
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(3_500_000);
  });

  it("skips records whose expiry has passed, and says so", async () => {
    const file = path("expired.ndjson");
    writeFileSync(
      file,
      lines([
        { key: "old", value: 1, expiresAt: "2001-01-01T00:00:00.000Z" },
        { key: "new", value: 2 },
      ]),
    );
    const run = await ds(["import", file, "--store", "expiry"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "Imported 1 record into store expiry in 1 atomic batch; skipped 1 already expired.",
    );
    expect(await contents("expiry")).toEqual({ new: 2 });
  });

  it("is atomic per batch: a bad record stops the import, its batch writes nothing, earlier batches stay", async () => {
    const file = path("bad-record.ndjson");
    const good = Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: i }));
    // Record 8 is over the key limit: the store refuses it.
    writeFileSync(
      file,
      lines([...good, { key: "k6", value: 6 }, { key: "x".repeat(3000), value: 7 }, { key: "k8", value: 8 }]),
    );
    const run = await ds(["import", file, "--store", "batched", "--batch-size", "5", "--json"]);
    expect(run.code).toBe(2);
    const error = JSON.parse(run.stderr) as { error: { code: string; message: string; summary: unknown } };
    expect(error.error.code).toBe("USAGE");
    expect(error.error.message).toContain("record 8 (line 8)");
    expect(error.error.message).toContain(
      "5 records in 1 batches were written before; the failing batch wrote nothing",
    );
    expect(error.error.summary).toMatchObject({ read: 9, imported: 5, batches: 1 });
    expect(Object.keys(await contents("batched")).sort()).toEqual(["k0", "k1", "k2", "k3", "k4"]);
  });

  it("rejects malformed input with exit 2 and writes nothing", async () => {
    const cases: [string, string, RegExp][] = [
      ["not-json.txt", "hello", /neither a JSON array nor NDJSON/],
      ["unclosed.json", '[{"key":"a","value":1}', /the array is not closed/],
      ["garbage-line.ndjson", '{"key":"a","value":1}\n{oops}\n', /record 2 \(line 2\): not valid JSON/],
      ["no-key.ndjson", '{"value":1}', /"key" must be a string/],
      ["both.ndjson", '{"key":"a","value":1,"encoded":"~x"}', /exactly one of "value" and "encoded"/],
      ["unknown-field.ndjson", '{"key":"a","value":1,"extra":true}', /unknown field "extra"/],
      ["bad-encoding.ndjson", '{"key":"a","encoded":"~sj9:{}"}', /"encoded" could not be decoded/],
      ["trailing.json", '[{"key":"a","value":1}] x', /unexpected text after the closing \]/],
    ];
    const runs = await Promise.all(
      cases.map(([name, text], i) => {
        writeFileSync(path(name), text);
        return ds(["import", path(name), "--store", `malformed-${i}`]);
      }),
    );
    runs.forEach((run, i) => {
      const [name, , message] = cases[i] as [string, string, RegExp];
      expect(run.code, name).toBe(2);
      expect(run.stderr, name).toMatch(message);
      expect(run.stderr, name).toContain("Nothing was written.");
    });
    // Not even an empty store is left behind.
    const stores = jsonOf(await ds(["stores", "--json"])) as { name: string }[];
    expect(stores.filter((s) => s.name.startsWith("malformed-"))).toEqual([]);
  });

  it("a missing input file exits 2; an empty JSON array imports nothing", async () => {
    const missing = await ds(["import", path("no-such-file.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Cannot read");
    writeFileSync(path("empty.json"), "[ ]");
    expect(jsonOf(await ds(["import", path("empty.json"), "--store", "empty", "--json"]))).toMatchObject({
      read: 0,
      imported: 0,
      batches: 0,
    });
    expect(jsonOf(await ds(["stores", "--json"]))).toContainEqual({ name: "empty", keys: 0 });
  });
});

describe("export errors", () => {
  it("a missing store exits 3; an unwritable --out leaves no file behind", async () => {
    expect((await ds(["export", "--store", "nope"])).code).toBe(3);
    const run = await ds(["export", "--store", "source", "--out", path("no-such-dir/out.json")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cannot write");
    expect(readdirSync(suite.workspace.dir).filter((name) => name.includes("out.json"))).toEqual([]);
  });
});
