import { createAsyncStore, memoryBackend } from "@dictstore/core";
import { createDashboardHandler, type RecordResponse, type RecordsResponse } from "@dictstore/dashboard";
import { describe, expect, it } from "vitest";
import { call, callJson, qs, TOKEN } from "./dashboard-support.ts";

/*
 * The dashboard's HTTP API through its fetch handler: auth, the Host allow-list, Origin and CSRF
 * checks, headers, store management, record paging, search, edits, TTLs, errors, read-only mode.
 * The same API over a real server and over SQLite and Redis is in dashboard-server.test.ts.
 */

function setup(options: { readOnly?: boolean; maxValueBytes?: number } = {}) {
  const backend = memoryBackend();
  const handler = createDashboardHandler({
    backend,
    token: TOKEN,
    ...(options.readOnly === undefined ? {} : { readOnly: options.readOnly }),
    ...(options.maxValueBytes === undefined ? {} : { limits: { maxValueBytes: options.maxValueBytes } }),
  });
  return { backend, handler };
}

/** Logs in like the browser does: `?token=` on the page, then the session cookie. */
async function login(handler: ReturnType<typeof setup>["handler"]): Promise<string> {
  const response = await call(handler, `/?token=${TOKEN}`, { bearer: false });
  expect(response.status).toBe(303);
  const cookie = response.headers.get("set-cookie") ?? "";
  return cookie.split(";")[0] as string;
}

/** Headers of a same-origin state change from the dashboard page. */
function pageHeaders(cookie: string): Record<string, string> {
  return { cookie, origin: "http://127.0.0.1:4000", "x-dictstore-csrf": "1" };
}

describe("authentication", () => {
  it("answers 401 without credentials: JSON for the API, plain text for pages", async () => {
    const { handler } = setup();
    const api = await call(handler, "/api/stores", { bearer: false });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    expect(api.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const page = await call(handler, "/", { bearer: false });
    expect(page.status).toBe(401);
    expect(page.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await page.text()).toContain("401 Unauthorized");
  });

  it("accepts the token as Bearer and refuses a wrong one", async () => {
    const { handler } = setup();
    expect((await call(handler, "/api/stores")).status).toBe(200);
    const wrong = await call(handler, "/api/stores", {
      bearer: false,
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.status).toBe(401);
    const malformed = await call(handler, "/api/stores", {
      bearer: false,
      headers: { authorization: TOKEN },
    });
    expect(malformed.status).toBe(401);
  });

  it("exchanges ?token= for an HttpOnly SameSite=Strict cookie and a redirect that drops the token", async () => {
    const { handler } = setup();
    const response = await call(handler, `/?token=${TOKEN}&x=1`, { bearer: false });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/?x=1");
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^dictstore_session_[0-9a-f]{12}=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/");
    // The cookie carries a separate session secret, never the token itself.
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(";")[0] as string;
    expect((await call(handler, "/api/stores", { bearer: false, headers: { cookie: session } })).status).toBe(
      200,
    );
    const forged = `${session.split("=")[0]}=${"A".repeat(43)}`;
    expect((await call(handler, "/api/stores", { bearer: false, headers: { cookie: forged } })).status).toBe(
      401,
    );
  });

  it("refuses a wrong ?token= and does not take a token in API query strings", async () => {
    const { handler } = setup();
    expect((await call(handler, "/?token=nope", { bearer: false })).status).toBe(401);
    expect((await call(handler, `/api/stores?token=${TOKEN}`, { bearer: false })).status).toBe(401);
  });

  it("after 10 wrong tokens refuses wrong ones with 429, and still lets in the right token and cookie", async () => {
    const { handler } = setup();
    const cookie = await login(handler);
    for (let i = 0; i < 10; i++) {
      const wrong = await call(handler, "/api/stores", {
        bearer: false,
        headers: { authorization: `Bearer guess-${i}` },
      });
      expect(wrong.status).toBe(401);
    }
    const locked = await call(handler, "/api/stores", {
      bearer: false,
      headers: { authorization: "Bearer guess-11" },
    });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call(handler, "/?token=guess-12", { bearer: false })).status).toBe(429);
    // The owner is never locked out: Bearer, the page's ?token= and the session cookie all work.
    expect((await call(handler, "/api/stores")).status).toBe(200);
    expect((await call(handler, `/?token=${TOKEN}`, { bearer: false })).status).toBe(303);
    expect((await call(handler, "/api/stores", { bearer: false, headers: { cookie } })).status).toBe(200);
    // A right cookie beside a wrong token is the owner's request too.
    expect(
      (await call(handler, "/favicon.ico?token=x", { bearer: false, headers: { cookie } })).status,
    ).not.toBe(429);
    expect((await call(handler, "/api/stores", { bearer: false })).status).toBe(401);
  });

  it("does not count wrong tokens a foreign page made the browser send: no one can lock the owner out", async () => {
    const { handler } = setup();
    const foreign: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" }, // 127.0.0.1 on another port is the same site
      { origin: "http://127.0.0.1:5555" },
      { origin: "null" },
      { referer: "http://evil.example/page" },
    ];
    for (let i = 0; i < 50; i++) {
      const headers = foreign[i % foreign.length] as Record<string, string>;
      const page = await call(handler, `/favicon.ico?token=x${i}`, { bearer: false, headers });
      expect(page.status, JSON.stringify(headers)).toBe(401);
      const api = await call(handler, "/api/stores", {
        bearer: false,
        headers: { ...headers, authorization: `Bearer guess-${i}` },
      });
      expect(api.status, JSON.stringify(headers)).toBe(401);
    }
    // None of the 100 counted: a wrong token from a plain client still gets 401, not 429.
    expect(
      (await call(handler, "/api/stores", { bearer: false, headers: { authorization: "Bearer g" } })).status,
    ).toBe(401);
    // Same-origin and typed-in requests do count.
    for (const headers of [{ "sec-fetch-site": "same-origin" }, { "sec-fetch-site": "none" }, {}]) {
      for (let i = 0; i < 4; i++)
        await call(handler, "/api/stores", {
          bearer: false,
          headers: { ...headers, authorization: "Bearer g" },
        });
    }
    expect(
      (await call(handler, "/api/stores", { bearer: false, headers: { authorization: "Bearer g" } })).status,
    ).toBe(429);
    expect((await call(handler, "/api/stores")).status).toBe(200);
  });

  it("refuses tokens shorter than 128 bits", () => {
    expect(() => createDashboardHandler({ backend: memoryBackend(), token: "short" })).toThrow(
      /at least 128 bits/,
    );
    expect(() =>
      createDashboardHandler({ backend: memoryBackend(), token: `${"a".repeat(30)}<>` }),
    ).toThrow();
  });
});

describe("Host allow-list", () => {
  it("answers localhost, 127.0.0.1 and [::1] on any port", async () => {
    const { handler } = setup();
    for (const host of ["localhost:1234", "127.0.0.1", "[::1]:9", "LOCALHOST:80"]) {
      expect((await call(handler, "/api/stores", { host })).status, host).toBe(200);
    }
  });

  it("refuses any other Host before looking at credentials (DNS rebinding)", async () => {
    const { handler } = setup();
    for (const host of [
      "evil.example",
      "evil.example:4000",
      "127.0.0.1.nip.io",
      "localhost.",
      "[::2]:80",
      "127.0.0.1:x",
    ]) {
      const response = await call(handler, "/api/stores", { host });
      expect(response.status, host).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("HOST_NOT_ALLOWED");
    }
  });

  it("adds the hosts given in allowedHosts", async () => {
    const handler = createDashboardHandler({
      backend: memoryBackend(),
      token: TOKEN,
      allowedHosts: ["dash.lan"],
    });
    expect((await call(handler, "/api/stores", { host: "dash.lan:8080" })).status).toBe(200);
    expect((await call(handler, "/api/stores", { host: "other.lan" })).status).toBe(403);
  });
});

describe("state changes: methods, Origin and CSRF", () => {
  it("accepts a change from the dashboard's own page (cookie + same Origin + CSRF header)", async () => {
    const { handler, backend } = setup();
    const cookie = await login(handler);
    const response = await call(handler, "/api/stores", {
      method: "POST",
      bearer: false,
      headers: pageHeaders(cookie),
      body: { name: "ok" },
    });
    expect(response.status).toBe(201);
    expect(backend.hasStore("ok")).toBe(true);
  });

  it("refuses cookie-authenticated changes from another origin, without Origin, or without the CSRF header", async () => {
    const { handler, backend } = setup();
    const cookie = await login(handler);
    const cases: Record<string, string>[] = [
      { cookie, origin: "http://evil.example", "x-dictstore-csrf": "1" },
      { cookie, origin: "http://127.0.0.1:4001", "x-dictstore-csrf": "1" },
      { cookie, origin: "null", "x-dictstore-csrf": "1" },
      { cookie, "x-dictstore-csrf": "1" },
      { cookie, origin: "http://127.0.0.1:4000" },
      { cookie, origin: "http://127.0.0.1:4000", "x-dictstore-csrf": "1", "sec-fetch-site": "cross-site" },
      { cookie, "sec-fetch-site": "same-site", "x-dictstore-csrf": "1" },
    ];
    for (const headers of cases) {
      const response = await call(handler, "/api/stores", {
        method: "POST",
        bearer: false,
        headers,
        body: { name: "bad" },
      });
      expect(response.status, JSON.stringify(headers)).toBe(403);
    }
    expect(backend.hasStore("bad")).toBe(false);
    // Sec-Fetch-Site: same-origin stands in for a missing Origin.
    const fetchSite = await call(handler, "/api/stores", {
      method: "POST",
      bearer: false,
      headers: { cookie, "sec-fetch-site": "same-origin", "x-dictstore-csrf": "1" },
      body: { name: "fine" },
    });
    expect(fetchSite.status).toBe(201);
  });

  it("lets Bearer clients change state without Origin, but not with a foreign Origin", async () => {
    const { handler } = setup();
    expect((await call(handler, "/api/stores", { method: "POST", body: { name: "a" } })).status).toBe(201);
    const foreign = await call(handler, "/api/stores", {
      method: "POST",
      headers: { origin: "http://evil.example" },
      body: { name: "b" },
    });
    expect(foreign.status).toBe(403);
  });

  it("changes nothing on GET, and refuses other methods without any CORS header", async () => {
    const { handler } = setup();
    for (const method of ["OPTIONS", "PATCH", "PROPFIND"]) {
      const response = await call(handler, "/api/stores", {
        method,
        headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
      });
      expect(response.status, method).toBe(405);
      for (const name of response.headers.keys()) expect(name).not.toMatch(/^access-control-/);
    }
    expect((await call(handler, "/api/stores/rename", { method: "GET" })).status).toBe(405);
    expect((await call(handler, "/api/nothing")).status).toBe(404);
  });

  it("requires a JSON content type for bodies (a cross-site form cannot send one)", async () => {
    const { handler } = setup();
    const response = await call(handler, "/api/stores", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(response.status).toBe(415);
  });
});

describe("security headers", () => {
  it("sends a strict CSP, nosniff, no-referrer and frame denial on every answer, and no CORS header", async () => {
    const { handler } = setup();
    const answers = [
      await call(handler, "/api/stores"),
      await call(handler, "/api/stores", { bearer: false }),
      await call(handler, "/", { bearer: false }),
      await call(handler, "/api/stores", { host: "evil.example" }),
      await call(handler, "/api/record?store=none&key=x"),
      await call(handler, `/?token=${TOKEN}`, { bearer: false }),
    ];
    for (const response of answers) {
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      for (const name of response.headers.keys()) expect(name).not.toMatch(/^access-control-/);
    }
  });
});

describe("stores", () => {
  it("lists stores with key counts, creates, refuses duplicates and bad names", async () => {
    const { handler, backend } = setup();
    await createAsyncStore({ backend, name: "b" }).update({ x: 1, y: 2 });
    expect((await callJson(handler, "/api/stores", { method: "POST", body: { name: "a" } })).status).toBe(
      201,
    );
    const dup = await callJson<{ error: { code: string } }>(handler, "/api/stores", {
      method: "POST",
      body: { name: "a" },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("STORE_EXISTS");
    expect((await callJson(handler, "/api/stores", { method: "POST", body: { name: "" } })).status).toBe(400);
    expect((await callJson(handler, "/api/stores", { method: "POST", body: { name: 5 } })).status).toBe(400);
    expect(
      (await callJson(handler, "/api/stores", { method: "POST", body: { name: "\ud800" } })).status,
    ).toBe(400);
    const list = await callJson(handler, "/api/stores");
    expect(list.body).toEqual({
      stores: [
        { name: "a", size: 0 },
        { name: "b", size: 2 },
      ],
    });
  });

  it("renames a store, with 404 for a missing one and 409 onto an existing one", async () => {
    const { handler, backend } = setup();
    await createAsyncStore({ backend, name: "old" }).set("k", 1);
    backend.createStore("taken");
    expect(
      (await callJson(handler, "/api/stores/rename", { method: "POST", body: { from: "old", to: "taken" } }))
        .status,
    ).toBe(409);
    expect(
      (await callJson(handler, "/api/stores/rename", { method: "POST", body: { from: "nope", to: "x" } }))
        .status,
    ).toBe(404);
    expect(
      (await callJson(handler, "/api/stores/rename", { method: "POST", body: { from: "old", to: "old" } }))
        .status,
    ).toBe(400);
    const renamed = await callJson(handler, "/api/stores/rename", {
      method: "POST",
      body: { from: "old", to: "new name" },
    });
    expect(renamed.status).toBe(200);
    expect(backend.hasStore("old")).toBe(false);
    expect(await createAsyncStore({ backend, name: "new name" }).get("k")).toBe(1);
  });

  it("clears and deletes only when the name is typed again", async () => {
    const { handler, backend } = setup();
    const store = createAsyncStore({ backend, name: "s" });
    await store.update({ a: 1, b: 2 });
    const wrong = await callJson(handler, "/api/stores/clear", {
      method: "POST",
      body: { store: "s", confirm: "S" },
    });
    expect(wrong.status).toBe(400);
    expect(await store.size()).toBe(2);
    expect(
      (await callJson(handler, "/api/stores/clear", { method: "POST", body: { store: "s", confirm: "s" } }))
        .status,
    ).toBe(200);
    expect(await store.size()).toBe(0);
    expect(backend.hasStore("s")).toBe(true);

    expect(
      (await call(handler, `/api/stores${qs({ store: "s", confirm: "x" })}`, { method: "DELETE" })).status,
    ).toBe(400);
    expect((await call(handler, `/api/stores${qs({ store: "s" })}`, { method: "DELETE" })).status).toBe(400);
    expect(
      (await call(handler, `/api/stores${qs({ store: "s", confirm: "s" })}`, { method: "DELETE" })).status,
    ).toBe(200);
    expect(backend.hasStore("s")).toBe(false);
    expect(
      (await call(handler, `/api/stores${qs({ store: "s", confirm: "s" })}`, { method: "DELETE" })).status,
    ).toBe(404);
    expect(
      (await callJson(handler, "/api/stores/clear", { method: "POST", body: { store: "s", confirm: "s" } }))
        .status,
    ).toBe(404);
  });
});

describe("records", () => {
  it("pages through a store with cursors: every key once, in order, a cursor until the last page", async () => {
    const { handler, backend } = setup();
    const store = createAsyncStore({ backend, name: "big" });
    await store.update(
      Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`k${String(i).padStart(3, "0")}`, i])),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = { store: "big", limit: 50 };
      if (cursor !== null) query.cursor = cursor;
      const { status, body } = await callJson<RecordsResponse>(handler, `/api/records${qs(query)}`);
      expect(status).toBe(200);
      expect(body.records.length).toBeLessThanOrEqual(50);
      expect(body.total).toBe(120);
      seen.push(...body.records.map((r) => r.key));
      cursor = body.cursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => `k${String(i).padStart(3, "0")}`));
  });

  it("filters by key prefix and refuses bad page sizes", async () => {
    const { handler, backend } = setup();
    await createAsyncStore({ backend, name: "s" }).update({ "user:1": 1, "user:2": 2, "order:1": 3 });
    const { body } = await callJson<RecordsResponse>(
      handler,
      `/api/records${qs({ store: "s", prefix: "user:" })}`,
    );
    expect(body.records.map((r) => r.key)).toEqual(["user:1", "user:2"]);
    expect(body.total).toBe(3);
    for (const limit of ["0", "501", "1.5", "x"]) {
      expect((await call(handler, `/api/records${qs({ store: "s", limit })}`)).status, limit).toBe(400);
    }
    expect((await call(handler, `/api/records${qs({ store: "missing" })}`)).status).toBe(404);
  });

  it("searches inside values (and keys), case-insensitively, including text JSON escapes", async () => {
    const { handler, backend } = setup();
    await createAsyncStore({ backend, name: "s" }).update({
      a: { city: "Berlin" },
      b: { city: "Paris" },
      c: 'say "hello"\nBERLIN',
      berlin: 1,
    });
    const found = async (q: string) =>
      (await callJson<RecordsResponse>(handler, `/api/records${qs({ store: "s", q })}`)).body.records.map(
        (r) => r.key,
      );
    expect(await found("berlin")).toEqual(["a", "c", "berlin"]);
    expect(await found('"hello"')).toEqual(["c"]);
    expect(await found("paris")).toEqual(["b"]);
    expect(await found("nowhere")).toEqual([]);
  });

  it("stops a search after its budget and hands back a cursor to go on", async () => {
    const { handler, backend } = setup();
    const entries = Array.from({ length: 10_050 }, (_, i) => ({ key: `k${i}`, value: String(i) }));
    entries.push({ key: "last", value: JSON.stringify("needle") });
    backend.setMany("s", entries);
    const first = await callJson<RecordsResponse>(
      handler,
      `/api/records${qs({ store: "s", q: "needle", limit: 20 })}`,
    );
    expect(first.body.records).toEqual([]);
    expect(first.body.scanned).toBeGreaterThanOrEqual(10_000);
    expect(first.body.cursor).not.toBeNull();
    const second = await callJson<RecordsResponse>(
      handler,
      `/api/records${qs({ store: "s", q: "needle", limit: 20, cursor: first.body.cursor as string })}`,
    );
    expect(second.body.records.map((r) => r.key)).toEqual(["last"]);
    expect(second.body.cursor).toBeNull();
  });

  it("adds a record (refusing an existing key), reads it back, replaces it and deletes it", async () => {
    const { handler, backend } = setup();
    backend.createStore("s");
    const put = (body: Record<string, unknown>) =>
      callJson<RecordResponse>(handler, "/api/record", { method: "PUT", body });
    const created = await put({ store: "s", key: "k", format: "json", text: '{"n": 1}', mode: "create" });
    expect(created.status).toBe(201);
    expect(created.body.view).toEqual({ t: "object", entries: [["n", { t: "number", v: 1 }]] });
    const again = await put({ store: "s", key: "k", format: "json", text: "2", mode: "create" });
    expect(again.status).toBe(409);
    const store = createAsyncStore({ backend, name: "s" });
    expect(await store.get("k")).toEqual({ n: 1 });
    expect((await put({ store: "s", key: "k", format: "json", text: "[1, 2]" })).status).toBe(200);
    expect(await store.get("k")).toEqual([1, 2]);
    const read = await callJson<RecordResponse>(handler, `/api/record${qs({ store: "s", key: "k" })}`);
    expect(read.body.edit).toEqual({ format: "json", text: "[1, 2]" });
    expect(
      (await call(handler, `/api/record${qs({ store: "s", key: "k" })}`, { method: "DELETE" })).status,
    ).toBe(200);
    expect(await store.has("k")).toBe(false);
    expect(
      (await call(handler, `/api/record${qs({ store: "s", key: "k" })}`, { method: "DELETE" })).status,
    ).toBe(404);
    expect((await call(handler, `/api/record${qs({ store: "s", key: "k" })}`)).status).toBe(404);
    const intoMissing = await put({ store: "gone", key: "k", format: "json", text: "1" });
    expect(intoMissing.status).toBe(404);
    expect(backend.hasStore("gone")).toBe(false);
  });

  it("validates values before writing: bad JSON, bad superjson and bad keys write nothing", async () => {
    const { handler, backend } = setup();
    backend.createStore("s");
    const put = (body: Record<string, unknown>) =>
      callJson<{ error: { code: string } }>(handler, "/api/record", { method: "PUT", body });
    const bad = [
      { store: "s", key: "k", format: "json", text: "{nope" },
      { store: "s", key: "k", format: "superjson", text: '{"meta": {}}' },
      { store: "s", key: "k", format: "superjson", text: '{"json": "x", "meta": {"values": ["bogus"]}}' },
      { store: "s", key: "k", format: "superjson", text: '{"json": "x", "meta": 3}' },
      {
        store: "s",
        key: "k",
        format: "superjson",
        text: '{"json": "not a date", "meta": {"values": ["Date"]}}',
      },
      { store: "s", key: "k", format: "yaml", text: "1" },
      { store: "s", key: "\ud800", format: "json", text: "1" },
      { store: "s", key: "k", format: "json", text: "1", ttl: -1 },
      { store: "s", key: "k", format: "json", text: "1", mode: "upsert" },
      { store: "s", key: 7, format: "json", text: "1" },
    ];
    for (const body of bad) {
      const response = await put(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect(backend.count("s")).toBe(0);
  });

  it("shows rich values marked and edits them in superjson form, round-tripping exactly", async () => {
    const { handler, backend } = setup();
    const store = createAsyncStore({ backend, name: "s" });
    const value = {
      at: new Date("2024-05-06T07:08:09.000Z"),
      tags: new Set(["a"]),
      byId: new Map([[1, "one"]]),
      big: 12345678901234567890n,
      nan: Number.NaN,
    };
    await store.set("rich", value);
    const { body } = await callJson<RecordResponse>(handler, `/api/record${qs({ store: "s", key: "rich" })}`);
    expect(body.type).toBe("object");
    expect(body.view).toEqual({
      t: "object",
      entries: [
        ["at", { t: "rich", type: "Date", label: "Date", text: "2024-05-06T07:08:09.000Z" }],
        ["tags", { t: "set", items: [{ t: "string", v: "a" }] }],
        [
          "byId",
          {
            t: "map",
            entries: [
              [
                { t: "number", v: 1 },
                { t: "string", v: "one" },
              ],
            ],
          },
        ],
        ["big", { t: "rich", type: "BigInt", label: "BigInt", text: "12345678901234567890n" }],
        ["nan", { t: "rich", type: "Number", label: "Number", text: "NaN" }],
      ],
    });
    expect(body.edit.format).toBe("superjson");
    const edited = JSON.parse(body.edit.text) as { json: { at: string } };
    edited.json.at = "2025-01-01T00:00:00.000Z";
    const saved = await callJson(handler, "/api/record", {
      method: "PUT",
      body: { store: "s", key: "rich", format: "superjson", text: JSON.stringify(edited) },
    });
    expect(saved.status).toBe(200);
    expect(await store.get("rich")).toEqual({ ...value, at: new Date("2025-01-01T00:00:00.000Z") });
  });

  it("keeps prototype-named members as data (no pollution) and refuses them in request envelopes", async () => {
    const { handler, backend } = setup();
    backend.createStore("s");
    const text = '{"__proto__": {"polluted": 1}, "constructor": {"prototype": 2}}';
    const saved = await call(handler, "/api/record", {
      method: "PUT",
      body: { store: "s", key: "p", format: "json", text },
    });
    expect(saved.status).toBe(200);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    const back = (await createAsyncStore({ backend, name: "s" }).get("p")) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    // Plain JSON stays plain; shown and saved back, it gives the same value.
    const read = await callJson<RecordResponse>(handler, `/api/record${qs({ store: "s", key: "p" })}`);
    expect(read.body.edit.format).toBe("json");
    await call(handler, "/api/record", { method: "PUT", body: { store: "s", key: "p2", ...read.body.edit } });
    expect(await createAsyncStore({ backend, name: "s" }).get("p2")).toEqual(back);
    // A rich value with such members is edited in superjson form, where they carry an extra "~".
    const rich = JSON.parse('{"__proto__": {"x": 1}, "~constructor": 2}') as Record<string, unknown>;
    rich.at = new Date(0);
    await createAsyncStore({ backend, name: "s" }).set("r", rich);
    const richRead = await callJson<RecordResponse>(handler, `/api/record${qs({ store: "s", key: "r" })}`);
    expect(richRead.body.edit.format).toBe("superjson");
    expect(Object.keys((JSON.parse(richRead.body.edit.text) as { json: object }).json)).toEqual([
      "~__proto__",
      "~~constructor",
      "at",
    ]);
    await call(handler, "/api/record", {
      method: "PUT",
      body: { store: "s", key: "r2", ...richRead.body.edit },
    });
    const richBack = (await createAsyncStore({ backend, name: "s" }).get("r2")) as Record<string, unknown>;
    expect(richBack).toEqual(rich);
    expect(Object.keys(richBack)).toEqual(["__proto__", "~constructor", "at"]);
    expect(({} as { x?: unknown }).x).toBeUndefined();

    const poisoned =
      '{"store": "s", "key": "k", "format": "json", "text": "1", "__proto__": {"admin": true}}';
    expect((await call(handler, "/api/record", { method: "PUT", body: poisoned })).status).toBe(400);
    expect((await call(handler, "/api/stores", { method: "POST", body: "[1]" })).status).toBe(400);
    expect((await call(handler, "/api/stores", { method: "POST", body: "not json" })).status).toBe(400);
  });

  it("sets, keeps on edit, and removes TTLs; the listing shows time left", async () => {
    const { handler, backend } = setup();
    const store = createAsyncStore({ backend, name: "s" });
    await store.set("k", 1);
    const ttl = (body: Record<string, unknown>) =>
      callJson<RecordResponse>(handler, "/api/ttl", { method: "PUT", body });
    const set = await ttl({ store: "s", key: "k", ttl: 3600 });
    expect(set.status).toBe(200);
    expect(set.body.ttlMs).toBeGreaterThan(3_500_000);
    expect(set.body.ttlMs).toBeLessThanOrEqual(3_600_000);
    const list = await callJson<RecordsResponse>(handler, `/api/records${qs({ store: "s" })}`);
    expect(list.body.records[0]?.ttlMs).toBeGreaterThan(3_500_000);
    // An edit keeps the TTL by default, and drops it with ttl: null.
    await call(handler, "/api/record", {
      method: "PUT",
      body: { store: "s", key: "k", format: "json", text: "2" },
    });
    expect(await store.getTtl("k")).toBeGreaterThan(3500);
    await call(handler, "/api/record", {
      method: "PUT",
      body: { store: "s", key: "k", format: "json", text: "3", ttl: null },
    });
    expect(await store.getTtl("k")).toBeNull();
    await ttl({ store: "s", key: "k", ttl: 60 });
    const removed = await ttl({ store: "s", key: "k", ttl: null });
    expect(removed.body.ttlMs).toBeNull();
    expect(await store.getTtl("k")).toBeNull();
    expect((await ttl({ store: "s", key: "missing", ttl: 5 })).status).toBe(404);
    expect((await ttl({ store: "s", key: "k" })).status).toBe(400);
    expect((await ttl({ store: "s", key: "k", ttl: 0 })).status).toBe(400);
    expect((await ttl({ store: "s", key: "k", ttl: "soon" })).status).toBe(400);
  });

  it("cuts large values in listings and loads them whole on demand", async () => {
    const { handler, backend } = setup();
    const big = "x".repeat(200_000);
    const nested = { list: Array.from({ length: 1000 }, (_, i) => ({ i, text: "y".repeat(20) })) };
    await createAsyncStore({ backend, name: "s" }).update({ big, nested, small: "hi" });
    const { body } = await callJson<RecordsResponse>(handler, `/api/records${qs({ store: "s" })}`);
    const rows = Object.fromEntries(body.records.map((r) => [r.key, r]));
    expect(rows.big?.truncated).toBe(true);
    expect(rows.big?.preview.length).toBeLessThanOrEqual(160);
    expect(rows.big?.bytes).toBe(200_002);
    expect(rows.nested?.truncated).toBe(true);
    expect(rows.nested?.preview.length).toBeLessThanOrEqual(160);
    expect(rows.small).toMatchObject({ preview: '"hi"', truncated: false, type: "string" });
    const whole = await callJson<RecordResponse>(handler, `/api/record${qs({ store: "s", key: "big" })}`);
    expect(whole.body.view).toEqual({ t: "string", v: big });
  });

  it("keeps keys and store names that look like paths, HTML or escapes exact", async () => {
    const { handler, backend } = setup();
    const name = "a/../b?c=1#x";
    const key = "../%2e%2e/<script>&amp;";
    await createAsyncStore({ backend, name }).set(key, "<b>v</b>");
    const list = await callJson<RecordsResponse>(handler, `/api/records${qs({ store: name })}`);
    expect(list.body.records.map((r) => r.key)).toEqual([key]);
    const one = await callJson<RecordResponse>(handler, `/api/record${qs({ store: name, key })}`);
    expect(one.body.view).toEqual({ t: "string", v: "<b>v</b>" });
    expect(one.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("limits and errors", () => {
  it("refuses bodies over the limit (413) and values over the value limit, writing nothing", async () => {
    const { handler, backend } = setup({ maxValueBytes: 1000 });
    backend.createStore("s");
    const huge = JSON.stringify("x".repeat(100_000));
    const tooBig = await call(handler, "/api/record", {
      method: "PUT",
      body: { store: "s", key: "k", format: "json", text: huge },
    });
    expect(tooBig.status).toBe(413);
    const overValue = await callJson<{ error: { code: string } }>(handler, "/api/record", {
      method: "PUT",
      body: { store: "s", key: "k", format: "json", text: JSON.stringify("x".repeat(2000)) },
    });
    expect(overValue.status).toBe(413);
    expect(overValue.body.error.code).toBe("LIMIT_EXCEEDED");
    expect(backend.count("s")).toBe(0);
    const lying = await call(handler, "/api/stores", {
      method: "POST",
      headers: { "content-length": "99999999" },
      body: "{}",
    });
    expect(lying.status).toBe(413);
  });

  it("redacts passwords in backend errors and hides unexpected errors", async () => {
    const backend = memoryBackend();
    const failing = {
      ...backend,
      listStores: () => {
        throw Object.assign(new Error("[redis] cannot reach redis://admin:hunter2@db.internal:6380/0"), {
          name: "StoreError",
          code: "BACKEND_UNAVAILABLE",
        });
      },
      count: () => {
        throw new TypeError("secret internals");
      },
    };
    const handler = createDashboardHandler({ backend: failing, token: TOKEN });
    const stores = await callJson<{ error: { code: string; message: string } }>(handler, "/api/stores");
    expect(stores.status).toBe(503);
    expect(stores.body.error.message).toContain("redis://admin:***@db.internal:6380/0");
    expect(stores.body.error.message).not.toContain("hunter2");
    backend.createStore("s");
    const records = await callJson<{ error: { code: string; message: string } }>(
      handler,
      `/api/records${qs({ store: "s" })}`,
    );
    expect(records.status).toBe(500);
    expect(records.body.error.message).not.toContain("secret");
  });
});

describe("read-only mode", () => {
  it("serves reads and refuses every change with 403 READ_ONLY", async () => {
    const { handler, backend } = setup({ readOnly: true });
    await createAsyncStore({ backend, name: "s" }).set("k", 1);
    expect((await callJson(handler, "/api/info")).body).toMatchObject({ readOnly: true, backend: "memory" });
    expect((await call(handler, `/api/records${qs({ store: "s" })}`)).status).toBe(200);
    expect((await call(handler, `/api/record${qs({ store: "s", key: "k" })}`)).status).toBe(200);
    const changes: [string, string, unknown][] = [
      ["POST", "/api/stores", { name: "x" }],
      ["POST", "/api/stores/rename", { from: "s", to: "t" }],
      ["POST", "/api/stores/clear", { store: "s", confirm: "s" }],
      ["DELETE", `/api/stores${qs({ store: "s", confirm: "s" })}`, undefined],
      ["PUT", "/api/record", { store: "s", key: "k", format: "json", text: "2" }],
      ["DELETE", `/api/record${qs({ store: "s", key: "k" })}`, undefined],
      ["PUT", "/api/ttl", { store: "s", key: "k", ttl: 5 }],
    ];
    for (const [method, path, body] of changes) {
      const response = await callJson<{ error: { code: string } }>(handler, path, { method, body });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body.error.code).toBe("READ_ONLY");
    }
    expect(backend.listStores()).toEqual([{ name: "s", size: 1 }]);
    expect(await createAsyncStore({ backend, name: "s" }).get("k")).toBe(1);
  });
});
