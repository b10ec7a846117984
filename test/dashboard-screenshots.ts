/*
 * Renders the dashboard's main screens to docs/screenshots/*.png, on sample data, in headless
 * Chromium. Run after changing the UI: `pnpm exec tsx test/dashboard-screenshots.ts`.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createAsyncStore, memoryBackend } from "@dictstore/core";
import { startDashboard } from "@dictstore/dashboard";
import { ensureUiBuilt, launchChromium } from "./dashboard-support.ts";

const out = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
mkdirSync(out, { recursive: true });
await ensureUiBuilt();

const backend = memoryBackend();
const users = createAsyncStore({ backend, name: "users" });
await users.set("alice", {
  name: "Alice Martin",
  joined: new Date("2024-03-01T10:00:00Z"),
  roles: new Set(["admin", "billing"]),
  visits: 18446744073709551615n,
  lastLogin: { ip: "203.0.113.7", at: new Date("2025-11-20T08:15:00Z") },
});
await users.set(
  "bob",
  { name: "Bob Stone", emails: ["bob@example.com", "b.stone@example.org"] },
  { ttl: 3 * 3600 },
);
for (let i = 1; i <= 40; i++) {
  await users.set(
    `user:${String(i).padStart(4, "0")}`,
    { id: i, plan: i % 3 === 0 ? "pro" : "free", credits: i * 7 },
    i % 4 === 0 ? { ttl: 600 + i * 60 } : {},
  );
}
await users.set("notes:long", "Lorem ipsum dolor sit amet, ".repeat(400));
const sessions = createAsyncStore({ backend, name: "sessions" });
for (let i = 0; i < 12; i++)
  await sessions.set(`sess_${(i * 7919).toString(36)}`, { user: `user:${i}` }, { ttl: 900 + i * 30 });
await createAsyncStore({ backend, name: "email-dedupe" }).set("emails", ["a@example.com", "b@example.com"]);
await createAsyncStore({ backend, name: "counters" }).update({ runs: 1204, failures: 3 });

const server = await startDashboard({ backend });
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1360, height: 820 } });
await page.goto(server.url);
await page
  .getByRole("navigation", { name: "Stores" })
  .getByRole("button", { name: /^users/ })
  .click();
await page.getByRole("button", { name: "alice", exact: true }).click();
await page.locator("pre.json").waitFor();
await page.screenshot({ path: `${out}dashboard-records.png` });

await page.getByRole("button", { name: "Edit value" }).click();
await page.getByLabel("Value (JSON)").waitFor();
await page.screenshot({ path: `${out}dashboard-edit.png` });
await page.getByRole("button", { name: "Cancel" }).click();

await page.getByLabel("Search keys and values").fill("pro");
await page.getByLabel("Search keys and values").press("Enter");
await page.getByText(/Searched/).waitFor();
await page.getByRole("button", { name: "Close record" }).click();
await page.screenshot({ path: `${out}dashboard-search.png` });

await page.getByRole("button", { name: "Delete store…" }).click();
await page.getByLabel("Store name").fill("user");
await page.screenshot({ path: `${out}dashboard-delete-store.png` });

await browser.close();
await server.close();
console.log(`screenshots written to ${out}`);
