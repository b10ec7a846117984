import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAsyncStore, memoryBackend, type SyncBackend } from "@dictstore/core";
import { type DashboardServer, startDashboard } from "@dictstore/dashboard";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { ensureUiBuilt, launchChromium } from "./dashboard-support.ts";

/*
 * The dashboard in headless Chromium (Debian's, driven by playwright-core): what a person does
 * with it, by mouse and by keyboard, and what an attacker's data and pages cannot do to it.
 */

const XSS = "<img src=x onerror=alert(1)>";

let browser: Browser;
beforeAll(async () => {
  await ensureUiBuilt();
  browser = await launchChromium();
}, 120_000);
afterAll(() => browser?.close());

/**
 * Asserts on what `read` returns once it matches, re-reading every 50 ms for up to 30 s: the page
 * updates after a click when it gets to it, and a loaded machine gets to it later.
 */
function eventually<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 30_000, interval: 50 });
}

interface Session {
  backend: SyncBackend;
  server: DashboardServer;
  page: Page;
  /** Messages of every alert/confirm/prompt the page opened (each is dismissed). */
  dialogs: string[];
  /** Uncaught page errors and console errors (a CSP violation shows up here). */
  problems: string[];
}

// Runs in the page before its own script: records every element of a kind injected markup would add,
// the moment it is inserted (so a test needs no sleep to see it, however briefly it lived).
const RECORD_INSERTIONS = `
  window.__inserted = [];
  window.__scripts = 0;
  const seen = new WeakSet();
  new MutationObserver((mutations) => {
    for (const mutation of mutations)
      for (const node of mutation.addedNodes) {
        if (node.nodeType !== 1) continue;
        for (const el of [node, ...node.querySelectorAll("*")]) {
          if (seen.has(el)) continue;
          seen.add(el);
          const tag = el.tagName.toLowerCase();
          if (tag === "script") window.__scripts++;
          else if (/^(img|svg|iframe|object|embed)$/.test(tag)) window.__inserted.push(el.outerHTML);
        }
      }
  }).observe(document, { childList: true, subtree: true });`;

async function open(
  options: { readOnly?: boolean; login?: boolean; backend?: SyncBackend } = {},
): Promise<Session> {
  const backend = options.backend ?? memoryBackend();
  const server = await startDashboard({ backend, ...(options.readOnly ? { readOnly: true } : {}) });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  onTestFinished(async () => {
    await context.close();
    await server.close();
  });
  await context.addInitScript(RECORD_INSERTIONS);
  const page = await context.newPage();
  const session: Session = { backend, server, page, dialogs: [], problems: [] };
  page.on("dialog", (dialog) => {
    session.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => session.problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") session.problems.push(`console: ${message.text()}`);
  });
  if (options.login !== false) {
    await page.goto(server.url);
    await page.getByRole("heading", { name: "dictstore" }).waitFor();
  }
  return session;
}

function storeButton(page: Page, name: string) {
  return page
    .getByRole("navigation", { name: "Stores" })
    .getByRole("button", { name: new RegExp(`^${escapeRegExp(name)}`) });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("access", () => {
  it("answers 401 to a browser without the token, or with a wrong one", async () => {
    const { page, server } = await open({ login: false });
    const response = await page.goto(server.origin);
    expect(response?.status()).toBe(401);
    await eventually(() => page.locator("body").textContent()).toContain("401 Unauthorized");
    expect(await page.locator("#app").count()).toBe(0);
    const wrong = await page.goto(`${server.origin}/?token=${"A".repeat(43)}`);
    expect(wrong?.status()).toBe(401);
  });

  it("logs in with the token, drops it from the URL and keeps the session in an HttpOnly cookie", async () => {
    const { page, server, problems } = await open();
    expect(page.url()).toBe(`${server.origin}/`);
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    expect(await page.evaluate("document.cookie")).toBe("");
    await page.reload();
    await page.getByRole("heading", { name: "dictstore" }).waitFor();
    expect(problems).toEqual([]);
  });

  it("refuses a cross-origin POST from another page on 127.0.0.1, even though the cookie rides along", async () => {
    const { page, server, backend } = await open();
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      // A form post is a top-level navigation, so its answer is visible here (a fetch's would be blocked by CORP).
      res.end(`<!doctype html>
        <form method="POST" enctype="text/plain" action=${JSON.stringify(`${server.origin}/api/stores`)}>
          <input name='{"name": "pwned", "x": "' value='"}'>
        </form>
        <script>document.forms[0].submit()</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => attacker.close(() => resolve())));
    const answered = page.waitForResponse(
      (r) => r.url() === `${server.origin}/api/stores` && r.request().method() === "POST",
    );
    await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    const response = await answered;
    expect(response.status()).toBe(403);
    // CROSS_ORIGIN, not UNAUTHORIZED: the session cookie was sent, and the Origin check stopped it.
    expect(await response.json()).toMatchObject({ error: { code: "CROSS_ORIGIN" } });
    expect(backend.hasStore("pwned")).toBe(false);
  });
});

describe("a hostile page cannot lock the owner out", () => {
  it("fires 50 wrong-token requests from another port; the owner's session keeps working", async () => {
    const backend = memoryBackend();
    await createAsyncStore({ backend, name: "mine" }).set("k", 1);
    const { page, server, problems } = await open({ backend });
    await storeButton(page, "mine").click();
    await page.getByRole("button", { name: "k", exact: true }).waitFor();
    // Any web site can make the browser request the dashboard: images, no-cors fetches, a form.
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><body><script>
        const target = ${JSON.stringify(server.origin)};
        for (let i = 0; i < 40; i++) {
          const img = new Image();
          img.src = target + "/favicon.ico?token=guess-" + i;
          document.body.append(img);
        }
        for (let i = 0; i < 10; i++)
          fetch(target + "/api/stores?token=guess-f" + i, { mode: "no-cors", credentials: "include" }).catch(() => {});
      </script></body>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => attacker.close(() => resolve())));
    const hostile = await page.context().newPage();
    // Each of the 50 requests reached the dashboard and was settled (the browser may hide a refused
    // answer from the page, as CORP says, but the request went out and came back).
    const settled: string[] = [];
    const track = (request: Request) => {
      if (request.url().startsWith(server.origin)) settled.push(request.url());
    };
    hostile.on("requestfinished", track);
    hostile.on("requestfailed", track);
    await hostile.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    await eventually(() => settled.length).toBe(50);
    await hostile.close();
    // None of them counted: a wrong token from a plain client is still only 401, not a lockout.
    const plain = await fetch(`${server.origin}/api/stores`, { headers: { authorization: "Bearer wrong" } });
    expect(plain.status).toBe(401);

    // The owner's page still works: a reload with the cookie, the API through the UI, and Bearer.
    await page.reload();
    await page.getByRole("heading", { name: "dictstore" }).waitFor();
    await storeButton(page, "mine").click();
    await page.getByRole("button", { name: "k", exact: true }).click();
    await eventually(() =>
      page.getByRole("complementary", { name: "Record" }).locator("pre.json").textContent(),
    ).toBe("1");
    const bearer = await fetch(`${server.origin}/api/stores`, {
      headers: { authorization: `Bearer ${new URL(server.url).searchParams.get("token")}` },
    });
    expect(bearer.status).toBe(200);
    expect(problems).toEqual([]);
  });
});

describe("managing stores and records", () => {
  it("creates a store, adds and edits a record, renames the store and deletes it", async () => {
    const { page, backend, dialogs, problems } = await open();

    await page.getByRole("button", { name: "New store" }).click();
    const create = page.getByRole("dialog", { name: "New store" });
    await create.getByLabel("Name").fill("shop");
    await create.getByRole("button", { name: "Create store" }).click();
    await page.getByRole("region", { name: "Store shop" }).waitFor();
    expect(backend.hasStore("shop")).toBe(true);

    await page.getByRole("button", { name: "Add record" }).click();
    const add = page.getByRole("dialog", { name: "Add record" });
    await add.getByLabel("Key").fill("apple");
    const editor = add.getByLabel("Value (JSON)");
    const confirm = add.getByRole("button", { name: "Add record" });
    await editor.fill('{"price": 1,');
    await eventually(() => add.locator(".editor-status").textContent()).toMatch(/^✗/);
    await eventually(() => confirm.isDisabled()).toBe(true);
    await editor.fill('{"price": 1, "tags": ["red"]}');
    await eventually(() => confirm.isEnabled()).toBe(true);
    await add.getByLabel("TTL in seconds").fill("3600");
    await confirm.click();
    await add.waitFor({ state: "detached" });
    const store = createAsyncStore({ backend, name: "shop" });
    expect(await store.get("apple")).toEqual({ price: 1, tags: ["red"] });
    expect(await store.getTtl("apple")).toBeGreaterThan(3500);
    const row = page.getByRole("row", { name: /apple/ });
    await eventually(() => row.locator("td.ttl").textContent()).toMatch(/^(59m \d\ds|1h 00m)$/);

    await page.getByRole("button", { name: "Edit apple" }).click();
    const panel = page.getByRole("complementary", { name: "Record" });
    await panel.getByLabel("Value (JSON)").fill('{"price": 2, "tags": ["red"]}');
    await panel.getByRole("button", { name: "Save" }).click();
    await panel.locator("pre.json").waitFor();
    await eventually(() => panel.locator("pre.json").textContent()).toContain('"price": 2');
    expect(await store.get("apple")).toEqual({ price: 2, tags: ["red"] });
    expect(await store.getTtl("apple")).toBeGreaterThan(3500); // the edit kept the TTL

    await page.getByRole("button", { name: "Rename…" }).click();
    const rename = page.getByRole("dialog", { name: "Rename store" });
    await rename.getByLabel("New name").fill("fruit shop");
    await rename.getByRole("button", { name: "Rename" }).click();
    await page.getByRole("region", { name: "Store fruit shop" }).waitFor();
    await storeButton(page, "fruit shop").waitFor();
    expect(backend.hasStore("shop")).toBe(false);
    expect(await createAsyncStore({ backend, name: "fruit shop" }).get("apple")).toEqual({
      price: 2,
      tags: ["red"],
    });

    await page.getByRole("button", { name: "Delete store…" }).click();
    const drop = page.getByRole("dialog", { name: "Delete store" });
    const dropButton = drop.getByRole("button", { name: "Delete store" });
    await eventually(() => dropButton.isDisabled()).toBe(true);
    await drop.getByLabel("Store name").fill("fruit");
    await eventually(() => dropButton.isDisabled()).toBe(true);
    await drop.getByLabel("Store name").fill("fruit shop");
    await dropButton.click();
    await page.getByRole("heading", { name: "No stores yet" }).waitFor();
    expect(backend.listStores()).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("pages through records, filters by prefix, searches in values, sets and removes a TTL", async () => {
    const backend = memoryBackend();
    const store = createAsyncStore({ backend, name: "many" });
    await store.update(
      Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`k${String(i).padStart(3, "0")}`, { i }])),
    );
    await store.set("zz", { note: "a needle in here" });
    const { page, problems } = await open({ backend });
    await storeButton(page, "many").click();
    const keys = () => page.locator("button.key-link").allInnerTexts();
    await eventually(() => page.locator(".store-count").textContent()).toBe("121 keys");
    await eventually(async () => (await keys()).slice(0, 2)).toEqual(["k000", "k001"]);
    await eventually(async () => (await keys()).length).toBe(50);
    await page.getByRole("button", { name: "Next →" }).click();
    await page.getByText("Page 2").waitFor();
    await eventually(async () => (await keys())[0]).toBe("k050");
    await page.getByRole("button", { name: "← Previous" }).click();
    await page.getByText("Page 1").waitFor();
    await eventually(async () => (await keys())[0]).toBe("k000");

    await page.getByLabel("Key prefix").fill("k11");
    await page.getByLabel("Key prefix").press("Enter");
    await eventually(keys).toEqual(Array.from({ length: 10 }, (_, i) => `k11${i}`));
    await page.getByLabel("Key prefix").fill("");
    await page.getByLabel("Search keys and values").fill("NEEDLE");
    await page.getByLabel("Search keys and values").press("Enter");
    await eventually(keys).toEqual(["zz"]);

    await page.getByRole("button", { name: "zz", exact: true }).click();
    const panel = page.getByRole("complementary", { name: "Record" });
    await panel.getByRole("button", { name: "Set TTL…" }).click();
    const dialog = page.getByRole("dialog", { name: "Set TTL" });
    await dialog.getByLabel("Seconds").fill("90");
    await dialog.getByRole("button", { name: "Set TTL" }).click();
    await eventually(() => panel.locator(".record-ttl").textContent()).toMatch(/^1m [23]\ds$/);
    expect(await store.getTtl("zz")).toBeGreaterThan(80);
    await panel.getByRole("button", { name: "Remove TTL" }).click();
    await eventually(() => panel.locator(".record-ttl").textContent()).toBe("—");
    expect(await store.getTtl("zz")).toBeNull();
    expect(problems).toEqual([]);
  });

  it("marks rich types in the value view", async () => {
    const backend = memoryBackend();
    await createAsyncStore({ backend, name: "rich" }).set("r", {
      at: new Date("2024-05-06T07:08:09.000Z"),
      ids: new Set([1, 2]),
      names: new Map([["a", "Ann"]]),
      big: 10n ** 20n,
    });
    const { page } = await open({ backend });
    await storeButton(page, "rich").click();
    await page.getByRole("button", { name: "r", exact: true }).click();
    const view = page.getByRole("complementary", { name: "Record" }).locator("pre.json");
    await eventually(() => view.locator(".badge").allInnerTexts()).toEqual(["Date", "Set", "Map", "BigInt"]);
    await eventually(() => view.textContent()).toContain("100000000000000000000n");
    await eventually(() => page.getByRole("row", { name: /^r / }).locator("td.type").textContent()).toBe(
      "object",
    );
  });

  it("refreshes on the button and on its own while visible", async () => {
    const backend = memoryBackend();
    const store = createAsyncStore({ backend, name: "live" });
    await store.set("first", 1);
    const { page } = await open({ backend });
    await storeButton(page, "live").click();
    await page.getByRole("button", { name: "first", exact: true }).waitFor();
    await store.set("second", 2);
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.getByRole("button", { name: "second", exact: true }).waitFor();
    await store.set("third", 3);
    // No click: the 5-second auto-refresh brings it (the wait is generous: a loaded machine may lag).
    await page.getByRole("button", { name: "third", exact: true }).waitFor({ timeout: 40_000 });
  });
});

describe("keyboard", () => {
  it("works without a mouse: shortcuts, arrow keys through records, Enter to open, Escape to close", async () => {
    const backend = memoryBackend();
    await createAsyncStore({ backend, name: "kb" }).update({ a: 1, b: 2, c: 3 });
    const { page } = await open({ backend });
    await storeButton(page, "kb").focus();
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "a", exact: true }).waitFor();
    await page.locator("body").click({ position: { x: 5, y: 300 } });
    await page.keyboard.press("/");
    await eventually(() => page.evaluate("document.activeElement.getAttribute('name')")).toBe("q");
    await page.getByRole("button", { name: "a", exact: true }).focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    const panel = page.getByRole("complementary", { name: "Record" });
    await eventually(() => panel.locator(".record-key").textContent()).toBe("b");
    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "hidden" });
    await page.keyboard.press("n");
    const add = page.getByRole("dialog", { name: "Add record" });
    await add.waitFor();
    expect(await page.evaluate("document.activeElement.closest('dialog') !== null")).toBe(true);
    await page.keyboard.press("Escape");
    await add.waitFor({ state: "detached" });
  });
});

describe("untrusted data renders as text", () => {
  it(`shows keys, values and store names of ${XSS} and </script> as text: no element, no dialog`, async () => {
    const backend = memoryBackend();
    const store = createAsyncStore({ backend, name: XSS });
    await store.set(XSS, XSS);
    await store.set("</script><script>alert(2)</script>", { html: "<svg onload=alert(3)>", [XSS]: XSS });
    await store.set("title", `<img src=x onerror="document.title='pwned'">`);
    const { page, dialogs, problems } = await open({ backend });
    await storeButton(page, XSS).click();
    await page.getByRole("button", { name: XSS, exact: true }).click();
    const panel = page.getByRole("complementary", { name: "Record" });
    await eventually(() => panel.locator(".record-key").textContent()).toBe(XSS);
    await eventually(() => panel.locator("pre.json").textContent()).toBe(JSON.stringify(XSS));
    await page.getByRole("button", { name: "</script><script>alert(2)</script>", exact: true }).click();
    await eventually(() => panel.locator("pre.json").textContent()).toContain("<svg onload=alert(3)>");
    await page.getByRole("button", { name: "Edit title" }).click();
    await eventually(() => panel.getByLabel("Value (JSON)").inputValue()).toContain("<img src=x");
    // No sleep-and-hope: every element the page ever inserted was recorded as it happened.
    expect(await page.evaluate("window.__inserted")).toEqual([]);
    expect(await page.evaluate("window.__scripts")).toBe(1); // the page's own bundle, never another
    expect(await page.locator("img, svg, iframe, object, embed").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(1); // the page's own bundle
    expect(await page.title()).toBe("dictstore dashboard");
    await eventually(() => page.locator("table.records").textContent()).toContain(XSS);
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe("read-only mode", () => {
  it("shows data but offers no change", async () => {
    const backend = memoryBackend();
    await createAsyncStore({ backend, name: "ro" }).set("k", 1);
    const { page } = await open({ backend, readOnly: true });
    await page.getByText("read-only").waitFor();
    await storeButton(page, "ro").click();
    await page.getByRole("button", { name: "k", exact: true }).click();
    await page.getByRole("complementary", { name: "Record" }).locator("pre.json").waitFor();
    for (const name of [
      "New store",
      "Add record",
      "Edit k",
      "Delete k",
      "Rename…",
      "Delete store…",
      "Edit value",
      "Set TTL…",
    ]) {
      expect(await page.getByRole("button", { name }).count(), name).toBe(0);
    }
  });
});
