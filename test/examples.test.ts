// biome-ignore-all lint/complexity/useLiteralKeys: the checks read the store with the same dict syntax as the examples
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { format, promisify } from "node:util";
import { close, type DataStore, isStore } from "@dictstore/core";
import { afterAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { openExampleStore } from "../examples/lib/open-example-store.ts";
import type { Pipedream, StepHandler } from "../examples/lib/pipedream.ts";
import { runOnStore } from "../examples/lib/run-on-store.ts";
import * as helloWorld from "../examples/seed/00-hello-world.ts";
import * as save from "../examples/seed/01-save.ts";
import * as keys from "../examples/seed/02-keys.ts";
import * as existence from "../examples/seed/03-existence.ts";
import * as get from "../examples/seed/04-get.ts";
import * as getWithDefault from "../examples/seed/05-get-with-default.ts";
import * as exportAllRecords from "../examples/seed/06-export-all-records.ts";
import * as updateAndEmptyString from "../examples/seed/07-update-and-empty-string.ts";
import * as nestedWrongWay from "../examples/seed/08-nested-wrong-way.ts";
import * as nestedRightWay from "../examples/seed/09-nested-right-way.ts";
import * as deleteRecord from "../examples/seed/10-delete.ts";
import * as clear from "../examples/seed/11-clear.ts";
import * as counter from "../examples/seed/12-counter.ts";
import * as dedupe from "../examples/seed/13-dedupe.ts";
import { seedExamples } from "../examples/seed/index.ts";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

// The examples' default backend is a SQLite file under the working directory; these tests (and the
// child processes they start, which inherit the environment) use a file of their own instead.
const tempDir = mkdtempSync(join(tmpdir(), "dictstore-examples-"));
process.env.DICTSTORE_URL = `sqlite:${join(tempDir, "data.db")}`;
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));
const seedDir = fileURLToPath(new URL("../examples/seed/", import.meta.url));
const run = promisify(execFile);

const EARLIER = "2024-05-01T09:30:00.000Z";

/** A fresh, empty store of the examples' backend, closed when the test ends. */
async function freshStore<T = Record<string, unknown>>(): Promise<DataStore<T>> {
  const store = await openExampleStore<T>(`examples-test-${randomUUID()}`);
  onTestFinished(() => close(store));
  return store;
}

/** Runs a step through the shim on `store`, capturing what it logs, one string per console.log call. */
async function runLogged<TRecords, TSteps, TResult>(
  handler: StepHandler<TRecords, TSteps, TResult>,
  store: DataStore<TRecords>,
  steps?: TSteps,
): Promise<{ result: TResult; logs: string[] }> {
  const spy = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    const result = await runOnStore(handler, store, steps);
    return { result, logs: spy.mock.calls.map((args) => format(...args)) };
  } finally {
    spy.mockRestore();
  }
}

describe("the seed catalogue", () => {
  it("lists every file of examples/seed once, in file order", () => {
    const files = readdirSync(seedDir)
      .filter((file) => /^\d{2}-.+\.ts$/.test(file))
      .sort();
    expect(seedExamples.map((example) => example.file)).toEqual(files);
    // The seed has 14 code examples; 04 and 05 are its two ways to get a single record.
    expect(files).toHaveLength(14);
  });
});

describe("seed examples, each on a fresh store", () => {
  it("00 stores a value under a key and prints it", async () => {
    const store = await freshStore();
    const { result, logs } = await runLogged(helloWorld.handler, store);
    expect(logs).toEqual(["Hello World"]);
    expect(result).toBeUndefined();
    expect(store.toObject()).toEqual({ key: "Hello World" });
  });

  it("01 saves the time of the run as an ISO timestamp", async () => {
    const store = await freshStore<save.Records>();
    const before = Date.now();
    const { logs } = await runLogged(save.handler, store);
    const after = Date.now();
    expect(logs).toEqual([]);
    expect(Object.keys(store.toObject())).toEqual(["last_ran_at"]);
    const saved = store["last_ran_at"];
    expect(saved).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const savedAt = Date.parse(saved ?? "");
    expect(savedAt).toBeGreaterThanOrEqual(before);
    expect(savedAt).toBeLessThanOrEqual(after);
  });

  it("02 prints every key on one line, comma separated", async () => {
    const store = await freshStore();
    store["key"] = "Hello World";
    store["last_ran_at"] = EARLIER;
    store["pokemon"] = { name: "Charmander" };
    const { logs } = await runLogged(keys.handler, store);
    expect(logs).toHaveLength(1);
    // Key order is the backend's; the set of keys and the separator are what the seed promises.
    expect(logs[0]?.split(",").sort()).toEqual(["key", "last_ran_at", "pokemon"]);
  });

  it("02 prints an empty line for an empty store", async () => {
    const { logs } = await runLogged(keys.handler, await freshStore());
    expect(logs).toEqual([""]);
  });

  it("03 prints the timestamp only when last_ran_at exists", async () => {
    const store = await freshStore<existence.Records>();
    expect((await runLogged(existence.handler, store)).logs).toEqual([]);
    store["last_ran_at"] = EARLIER;
    expect((await runLogged(existence.handler, store)).logs).toEqual([`Last ran at ${EARLIER}`]);
  });

  it("04 reads a record by key with dict syntax", async () => {
    const store = await freshStore<get.Records>();
    store["last_ran_at"] = EARLIER;
    expect((await runLogged(get.handler, store)).logs).toEqual([`Last ran at ${EARLIER}`]);
  });

  it("04 reads a missing key as undefined (the store's default missingKey policy)", async () => {
    const { logs } = await runLogged(get.handler, await freshStore<get.Records>());
    expect(logs).toEqual(["Last ran at undefined"]);
  });

  it("05 reads with get(), gets undefined for a missing key, or the default, and inserts nothing", async () => {
    const store = await freshStore();
    store["last_ran_at"] = EARLIER;
    const { logs } = await runLogged(getWithDefault.handler, store);
    expect(logs).toEqual([
      `Last ran at ${EARLIER}`,
      'get("missing_key") gives undefined',
      'get("missing_key", "default_value") gives default_value',
    ]);
    expect(store.toObject()).toEqual({ last_ran_at: EARLIER });
  });

  it("06 returns every record as a plain object that can be exported", async () => {
    const store = await freshStore();
    const records = {
      key: "Hello World",
      counter: 3,
      empty: "",
      emails: ["ada@example.com"],
      pokemon: { name: "Bulbasaur", type: "grass" },
    };
    store.update(records);
    const { result } = await runLogged(exportAllRecords.handler, store);
    expect(result).toEqual(records);
    expect(isStore(result)).toBe(false);
    expect(JSON.parse(JSON.stringify(result))).toEqual(records);
  });

  it('07 updates a value, then empties it with "" while keeping the key', async () => {
    const store = await freshStore<updateAndEmptyString.Records>();
    store["myKey"] = "oldValue";
    await runLogged(updateAndEmptyString.handler, store);
    expect(store.toObject()).toEqual({ myKey: "" });
    expect("myKey" in store).toBe(true);
    expect(store.get("myKey", "default")).toBe("");
  });

  it("08 the wrong way: changing an attribute of a read record is lost, Charmander stays", async () => {
    const store = await freshStore<nestedWrongWay.Records>();
    store["pokemon"] = { name: "Charmander", type: "fire" };
    const { result, logs } = await runLogged(nestedWrongWay.handler, store);
    expect(logs).toEqual(["Charmander"]);
    expect(result).toBe("Charmander");
    expect(store.toObject()).toEqual({ pokemon: { name: "Charmander", type: "fire" } });
  });

  it("09 the right way: assigning the whole record back stores Bulbasaur", async () => {
    const store = await freshStore<nestedRightWay.Records>();
    store["pokemon"] = { name: "Charmander", type: "fire" };
    const { result, logs } = await runLogged(nestedRightWay.handler, store);
    expect(logs).toEqual([]);
    expect(result).toBe("Bulbasaur");
    expect(store.toObject()).toEqual({ pokemon: { name: "Bulbasaur", type: "fire" } });
  });

  it("10 deletes last_ran_at and nothing else", async () => {
    const store = await freshStore();
    store["last_ran_at"] = EARLIER;
    store["key"] = "Hello World";
    await runLogged(deleteRecord.handler, store);
    expect("last_ran_at" in store).toBe(false);
    expect(store.toObject()).toEqual({ key: "Hello World" });
  });

  it("11 clears every record of the store", async () => {
    const store = await freshStore();
    store.update({ key: "Hello World", last_ran_at: EARLIER, counter: 2 });
    await runLogged(clear.handler, store);
    expect(store.toObject()).toEqual({});
    expect(store.size).toBe(0);
    expect([...store.keys()]).toEqual([]);
  });

  it("11 clears only its own store", async () => {
    const store = await freshStore();
    const other = await freshStore();
    store["key"] = "Hello World";
    other["key"] = "kept";
    await runLogged(clear.handler, store);
    expect(other.toObject()).toEqual({ key: "kept" });
  });

  it("12 counts runs: 1 after the first, 2 after the second", async () => {
    const store = await freshStore<counter.Records>();
    const first = await runLogged(counter.handler, store);
    expect(first.result).toBeUndefined();
    expect(store.toObject()).toEqual({ counter: 1 });
    await runLogged(counter.handler, store);
    expect(store.toObject()).toEqual({ counter: 2 });
  });

  it("13 returns a new email and stores it; returns false with 'Already seen' for it next time", async () => {
    const store = await freshStore<dedupe.Records>();
    const email = dedupe.sampleSteps.trigger.event.body.new_customer_email;

    const first = await runLogged(dedupe.handler, store, dedupe.sampleSteps);
    expect(first.result).toBe(email);
    expect(first.logs).toEqual([`Adding new email to data store ${email}`]);
    expect(store.toObject()).toEqual({ emails: [email] });

    const second = await runLogged(dedupe.handler, store, dedupe.sampleSteps);
    expect(second.result).toBe(false);
    expect(second.logs).toEqual([`Already seen ${email}, exiting`]);
    expect(store.toObject()).toEqual({ emails: [email] });

    const other = { trigger: { event: { body: { new_customer_email: "grace@example.com" } } } };
    const third = await runLogged(dedupe.handler, store, other);
    expect(third.result).toBe("grace@example.com");
    expect(store.toObject()).toEqual({ emails: [email, "grace@example.com"] });
  });
});

describe("examples run through @dictstore/workflow's runStep", () => {
  it("gives the step its store, its steps and pd.export, and resolves with the return value", async () => {
    const store = await freshStore();
    const result = await runOnStore(
      (pd: Pipedream<Record<string, unknown>, { trigger: { event: number } }>) => {
        pd.inputs["data_store"]["seen"] = pd.steps.trigger.event;
        pd.export("answer", 42);
        return "done";
      },
      store,
      { trigger: { event: 7 } },
    );
    expect(result).toBe("done");
    expect(store.toObject()).toEqual({ seen: 7 });
  });

  it("gives a step without earlier steps an empty pd.steps", async () => {
    const result = await runOnStore((pd: Pipedream) => Object.keys(pd.steps).length, await freshStore());
    expect(result).toBe(0);
  });

  it("rejects with the step's error and commits none of its writes", async () => {
    const store = await freshStore();
    store["kept"] = "before the step";
    const failing = runOnStore((pd: Pipedream) => {
      pd.inputs["data_store"]["before"] = 1;
      throw new Error("step failed");
    }, store);
    await expect(failing).rejects.toThrow("step failed");
    expect(store.toObject()).toEqual({ kept: "before the step" });
  });
});

describe("the examples' main job", () => {
  it("pnpm examples runs every example in order and exits 0", async () => {
    const { stdout } = await run("pnpm", ["examples"], { cwd: repoRoot, timeout: 50_000 });
    const headers = stdout.split("\n").filter((line) => line.startsWith("── "));
    const expected = seedExamples.flatMap((example) =>
      Array.from({ length: example.demoRuns }, (_, index) => {
        const counterText = example.demoRuns > 1 ? `  (run ${index + 1} of ${example.demoRuns})` : "";
        return `── ${example.file} · ${example.title}${counterText}`;
      }),
    );
    expect(headers).toEqual(expected);
    expect(stdout).toContain("log     Already seen ada@example.com, exiting");
    expect(stdout).toContain('pokemon = {"name":"Bulbasaur","type":"fire"}');
    expect(stdout).toContain("Done: 14 examples, 16 step runs.");
  });

  it("an example file run alone runs its step once", async () => {
    const { stdout } = await run("pnpm", ["exec", "tsx", "examples/seed/12-counter.ts"], {
      cwd: repoRoot,
      // A fresh memory store: the default (a SQLite file under the working directory) keeps earlier runs' records.
      env: { ...process.env, DICTSTORE_URL: "memory:" },
      timeout: 50_000,
    });
    expect(stdout.trim().split("\n")).toEqual([
      `── 12-counter.ts · ${counter.example.title}`,
      `   note    ${counter.example.note}`,
      "   store   counter = 1",
    ]);
  });
});
