import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendFromUrl, close, openStore } from "@dictstore/core";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { closeStores, codeNode } from "@dictstore/workflow";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runForAllItems } from "../examples/workflow/code-node.ts";
import { type Records, welcomeOnce } from "../examples/workflow/welcome-once.ts";

/*
 * The code-node adapter (n8n style) end to end: items in, items out, over the store DICTSTORE_URL
 * names; and the side-effect guard (setIfAbsent) under concurrent runs on Redis.
 */

let server: RedisServer;
let dir: string;

beforeAll(async () => {
  server = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), "dictstore-code-node-"));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await closeStores();
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const item = (email: string) => ({ json: { body: { new_customer_email: email } } });

describe.each([
  { label: "embedded SQLite file", url: () => `sqlite:${join(dir, "n8n.db")}` },
  { label: "Redis", url: () => server.url },
])("n8n-style code node on $label", ({ url }) => {
  it("dedupes and welcomes each customer once across items and batches", async () => {
    vi.stubEnv("DICTSTORE_URL", url());
    vi.spyOn(console, "log").mockImplementation(() => {}); // the code node prints its steps' logs
    const outbox = join(dir, `outbox-${randomUUID()}.txt`);
    const storeName = `customers-${randomUUID()}`;
    const first = await runForAllItems(
      [item("ada@example.com"), item("grace@example.com"), item("ada@example.com")],
      {
        outbox,
        storeName,
      },
    );
    expect(first.map((i) => i.json)).toEqual([
      { email: "ada@example.com", isNew: true, welcomed: true },
      { email: "grace@example.com", isNew: true, welcomed: true },
      { email: "ada@example.com", isNew: false, welcomed: false },
    ]);
    // A later batch (a later execution of the n8n workflow) remembers both.
    const second = await runForAllItems([item("grace@example.com")], { outbox, storeName });
    expect(second.map((i) => i.json)).toEqual([
      { email: "grace@example.com", isNew: false, welcomed: false },
    ]);
    expect(readFileSync(outbox, "utf8")).toBe("welcome ada@example.com\nwelcome grace@example.com\n");
    vi.restoreAllMocks();
  });
});

describe("the side-effect guard under concurrency", () => {
  it("sends one welcome however many runs race for the same address (Redis, separate connections)", async () => {
    const outbox = join(dir, `outbox-${randomUUID()}.txt`);
    const name = `welcome-${randomUUID()}`;
    const node = codeNode(welcomeOnce, { inputs: { outbox }, printLogs: false });
    // Eight runners, each with its own backend and view, as eight processes would have.
    const runners = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const backend = await backendFromUrl(server.url);
        return { backend, store: await openStore<Records>({ backend, name }) };
      }),
    );
    try {
      const sent = await Promise.all(
        runners.map(({ store }) => node({ body: { new_customer_email: "ada@example.com" } }, store)),
      );
      expect(sent.filter(Boolean)).toHaveLength(1);
      expect(readFileSync(outbox, "utf8")).toBe("welcome ada@example.com\n");
    } finally {
      for (const { store, backend } of runners) {
        await close(store);
        await backend.dispose?.();
      }
    }
  });
});
