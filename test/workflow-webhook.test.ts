import { backendFromUrl, close, openStore } from "@dictstore/core";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningChild, startScript } from "./workflow-support.ts";

/*
 * The HTTP adapter end to end: the Hono webhook server of examples/workflow runs as its own process
 * against Redis; the test sends it real HTTP requests.
 */

let redis: RedisServer;
let server: RunningChild;
let base: string;

beforeAll(async () => {
  redis = await startRedisServer();
  server = startScript("examples/workflow/webhook-server.ts", {
    env: { DICTSTORE_URL: redis.url, PORT: "0" },
  });
  const line = await server.waitForLine((l) => l.startsWith("listening on "));
  base = line.slice("listening on ".length);
});

afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

function signup(body: unknown, contentType = "application/json"): Promise<Response> {
  return fetch(`${base}/hooks/signup`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function storedEmails(): Promise<unknown> {
  const backend = await backendFromUrl(redis.url);
  const store = await openStore({ backend, name: "signups" });
  try {
    return store.emails;
  } finally {
    await close(store);
    await backend.dispose?.();
  }
}

describe("webhook → two-step workflow (validate, then the seed's dedupe)", () => {
  it("stores a new email once, and answers false for a repeat", async () => {
    const first = await signup({ new_customer_email: "ada@example.com" });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, value: "ada@example.com" });
    const repeat = await signup({ new_customer_email: "ada@example.com" });
    expect(await repeat.json()).toEqual({ ok: true, value: false });
    expect(await storedEmails()).toEqual(["ada@example.com"]);
    // The step's console output went to the server's log (printLogs), once per outcome.
    await server.waitForLine((l) => l.includes("Adding new email to data store ada@example.com"));
    await server.waitForLine((l) => l.includes("Already seen ada@example.com, exiting"));
  });

  it("keeps every email when requests arrive at the same moment (serializable dedupe)", async () => {
    const emails = Array.from({ length: 20 }, (_, i) => `user${i}@example.com`);
    // Each email twice, all forty requests in flight together.
    const responses = await Promise.all(
      [...emails, ...emails].map((email) => signup({ new_customer_email: email })),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { ok: boolean; value: unknown }[];
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(200));
    // Exactly one request per email saw it as new.
    const fresh = bodies.map((b) => b.value).filter((v) => v !== false);
    expect([...fresh].sort()).toEqual([...emails].sort());
    const stored = (await storedEmails()) as string[];
    expect([...stored].sort()).toEqual(["ada@example.com", ...emails].sort());
  });

  it("fails in step 1 for a body without an email (500), and rejects malformed JSON (400)", async () => {
    const missing = await signup({ name: "Ada" });
    expect(missing.status).toBe(500);
    expect(await missing.json()).toMatchObject({
      ok: false,
      step: "validate",
      error: { kind: "handler", retryable: false, message: expect.stringMatching(/new_customer_email/) },
    });
    const malformed = await signup("{not json");
    expect(malformed.status).toBe(400);
    // A form post works too: the body is parsed from the form.
    const form = await signup("new_customer_email=grace%40example.com", "application/x-www-form-urlencoded");
    expect(await form.json()).toEqual({ ok: true, value: "grace@example.com" });
  });
});
