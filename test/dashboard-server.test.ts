import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Backend, createAsyncStore, memoryBackend } from "@dictstore/core";
import { type DashboardServer, type RecordsResponse, startDashboard } from "@dictstore/dashboard";
import { redisBackend } from "@dictstore/redis";
import { sqliteBackend } from "@dictstore/sqlite";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { ensureUiBuilt } from "./dashboard-support.ts";

/*
 * The dashboard's Node server over real sockets: binding, the printed URL, the Host check on what
 * really arrives, the cookie login, Origin checks, streamed bodies over the limit, read-only mode;
 * and the same API flow on the memory, SQLite and Redis backends.
 */

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with full control over the headers (fetch would not send a foreign Host). */
function raw(
  origin: string,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    chunks?: string[];
    noHost?: boolean;
  } = {},
): Promise<RawAnswer> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port,
        path: url.pathname + url.search,
        method: options.method ?? "GET",
        headers: options.headers,
        setHost: options.noHost !== true,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    if (options.chunks !== undefined) {
      for (const chunk of options.chunks) req.write(chunk);
    } else if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

async function start(options: Parameters<typeof startDashboard>[0]): Promise<DashboardServer> {
  const server = await startDashboard(options);
  onTestFinished(() => server.close());
  return server;
}

function tokenOf(server: DashboardServer): string {
  return new URL(server.url).searchParams.get("token") as string;
}

beforeAll(() => ensureUiBuilt(), 120_000);

describe("startDashboard", () => {
  it("listens on 127.0.0.1 with a fresh 256-bit token in the URL", async () => {
    const a = await start({ backend: memoryBackend() });
    const b = await start({ backend: memoryBackend() });
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(tokenOf(a)).not.toBe(tokenOf(b));
    expect(a.origin).toBe(new URL(a.url).origin);
  });

  it("serves the built page after the token login, with its assets, and 401 before", async () => {
    const server = await start({ backend: memoryBackend() });
    const anonymous = await raw(server.origin, "/");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).not.toContain("<script");
    const login = await raw(server.origin, `/?token=${tokenOf(server)}`);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe("/");
    const cookie = String(login.headers["set-cookie"]).split(";")[0] as string;
    const page = await raw(server.origin, "/", { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const asset = await raw(server.origin, script as string, { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers["content-type"]).toMatch(/^text\/javascript/);
    // No path leaves the built files.
    for (const path of ["/../package.json", "/%2e%2e/package.json", "/assets/../../src/index.ts"]) {
      expect((await raw(server.origin, path, { headers: { cookie } })).status, path).toBe(404);
    }
  });

  it("checks the Host header that actually arrives", async () => {
    const server = await start({ backend: memoryBackend() });
    const auth = { authorization: `Bearer ${tokenOf(server)}` };
    const port = new URL(server.origin).port;
    expect(
      (await raw(server.origin, "/api/stores", { headers: { ...auth, host: `localhost:${port}` } })).status,
    ).toBe(200);
    const rebound = await raw(server.origin, "/api/stores", {
      headers: { ...auth, host: `attacker.example:${port}` },
    });
    expect(rebound.status).toBe(403);
    // A request without any Host header is refused too (Node answers 400 before the handler runs).
    const hostless = await raw(server.origin, "/api/stores", { headers: auth, noHost: true });
    expect([400, 403]).toContain(hostless.status);
  });

  it("takes changes from its own origin only", async () => {
    const backend = memoryBackend();
    const server = await start({ backend });
    const login = await raw(server.origin, `/?token=${tokenOf(server)}`);
    const cookie = String(login.headers["set-cookie"]).split(";")[0] as string;
    const post = (origin: string) =>
      raw(server.origin, "/api/stores", {
        method: "POST",
        headers: { cookie, origin, "x-dictstore-csrf": "1", "content-type": "application/json" },
        body: JSON.stringify({ name: origin.includes("evil") ? "evil" : "mine" }),
      });
    expect((await post("http://evil.example")).status).toBe(403);
    expect((await post(server.origin)).status).toBe(201);
    expect(backend.listStores().map((s) => s.name)).toEqual(["mine"]);
  });

  it("stops reading a streamed body at the limit (no Content-Length)", async () => {
    const backend = memoryBackend();
    backend.createStore("s");
    const server = await start({ backend, limits: { maxValueBytes: 1000 } });
    const chunk = "x".repeat(16 * 1024);
    const answer = await raw(server.origin, "/api/record", {
      method: "PUT",
      headers: {
        authorization: `Bearer ${tokenOf(server)}`,
        "content-type": "application/json",
        "transfer-encoding": "chunked",
      },
      chunks: [
        `{"store":"s","key":"k","format":"json","text":"`,
        ...Array.from({ length: 8 }, () => chunk),
        `"}`,
      ],
    });
    expect(answer.status).toBe(413);
    expect(backend.count("s")).toBe(0);
  });

  it("refuses every change in read-only mode", async () => {
    const backend = memoryBackend();
    const server = await start({ backend, readOnly: true });
    const answer = await raw(server.origin, "/api/stores", {
      method: "POST",
      headers: { authorization: `Bearer ${tokenOf(server)}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "READ_ONLY" } });
    expect(backend.listStores()).toEqual([]);
  });

  it("uses a given token and refuses a weak one", async () => {
    const token = "given-token-abcdefghijklmnopqrstuvwxyz";
    const server = await start({ backend: memoryBackend(), token });
    expect(server.url).toBe(`${server.origin}/?token=${token}`);
    await expect(startDashboard({ backend: memoryBackend(), token: "1234" })).rejects.toThrow(/128 bits/);
  });

  it("closes: the port stops answering", async () => {
    const server = await startDashboard({ backend: memoryBackend() });
    await server.close();
    await expect(raw(server.origin, "/")).rejects.toThrow(/ECONNREFUSED/);
  });
});

/** The API flow a person goes through, over a real socket, on one backend. */
async function apiFlow(backend: Backend): Promise<void> {
  const server = await start({ backend });
  const token = tokenOf(server);
  const api = async (method: string, path: string, body?: unknown) => {
    const answer = await raw(server.origin, path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: answer.status, body: JSON.parse(answer.body) as Record<string, unknown> };
  };
  const name = `flow-${randomUUID()}`;
  expect((await api("POST", "/api/stores", { name })).status).toBe(201);
  const store = createAsyncStore({ backend, name });
  await store.update(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, { i }])));
  const put = await api("PUT", "/api/record", {
    store: name,
    key: "when",
    format: "superjson",
    text: '{"json":"2024-01-02T03:04:05.000Z","meta":{"values":["Date"]}}',
    ttl: 600,
  });
  expect(put.status).toBe(200);
  expect(await store.get("when")).toEqual(new Date("2024-01-02T03:04:05.000Z"));
  const ttl = await store.getTtl("when");
  expect(ttl).toBeGreaterThan(590);
  expect(ttl).toBeLessThanOrEqual(600);

  const keys = new Set<string>();
  let cursor: string | null = null;
  do {
    const query: string = new URLSearchParams({
      store: name,
      limit: "7",
      ...(cursor === null ? {} : { cursor }),
    }).toString();
    const page = (await api("GET", `/api/records?${query}`)).body as unknown as RecordsResponse;
    expect(page.total).toBe(31);
    for (const row of page.records) {
      expect(keys.has(row.key)).toBe(false);
      keys.add(row.key);
      if (row.key === "when") {
        expect(row.type).toBe("Date");
        expect(row.ttlMs).toBeGreaterThan(500_000);
      }
    }
    cursor = page.cursor;
  } while (cursor !== null);
  expect(keys.size).toBe(31);

  const search = (await api("GET", `/api/records?${new URLSearchParams({ store: name, q: '"i":17' })}`))
    .body as unknown as RecordsResponse;
  expect(search.records.map((r) => r.key)).toEqual(["k17"]);
  const renamed = `${name}-renamed`;
  expect((await api("POST", "/api/stores/rename", { from: name, to: renamed })).status).toBe(200);
  expect(
    (await api("DELETE", `/api/record?${new URLSearchParams({ store: renamed, key: "k0" })}`)).status,
  ).toBe(200);
  const stores = (await api("GET", "/api/stores")).body.stores as { name: string; size: number }[];
  expect(stores.find((s) => s.name === renamed)?.size).toBe(30);
  expect(
    (await api("DELETE", `/api/stores?${new URLSearchParams({ store: renamed, confirm: renamed })}`)).status,
  ).toBe(200);
  expect(await backend.hasStore(renamed)).toBe(false);
}

describe("the API flow on every backend", () => {
  let redis: RedisServer;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedisServer();
    dir = mkdtempSync(join(tmpdir(), "dictstore-dashboard-"));
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("memory", () => apiFlow(memoryBackend()));

  it("sqlite", async () => {
    const backend = sqliteBackend({ path: join(dir, "flow.db") });
    onTestFinished(() => backend.dispose?.());
    await apiFlow(backend);
  });

  it("redis", async () => {
    const backend = redisBackend({ url: redis.url, prefix: `dash-${randomUUID()}:` });
    onTestFinished(() => backend.dispose?.());
    await apiFlow(backend);
  });
});
