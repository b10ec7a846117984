import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DashboardHandler } from "@dictstore/dashboard";
import { type Browser, chromium } from "playwright-core";

/*
 * Shared by the dashboard tests: building the UI when it is missing or stale, launching Debian's
 * headless Chromium, and requests to the fetch handler.
 */

const packageDir = fileURLToPath(new URL("../packages/dashboard/", import.meta.url));
const builtIndex = join(packageDir, "dist", "ui", "index.html");
/** The token every handler-level test uses (43 base64url characters, like a generated one). */
export const TOKEN = "test-token-0123456789-abcdefghijklmnopqrstuv";
/** Where Debian's chromium package installs the browser (scripts/bootstrap.sh installs it). */
export const CHROMIUM = process.env.DICTSTORE_CHROMIUM ?? "/usr/bin/chromium";

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * Runs `vite build` unless dist/ui is newer than the UI sources. CI builds first, so this only
 * builds for a developer who changed the UI; a lock directory keeps two test files from building at once.
 */
export async function ensureUiBuilt(): Promise<void> {
  const sources = Math.max(
    newestMtime(join(packageDir, "ui")),
    newestMtime(join(packageDir, "src", "api-types.ts")),
  );
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= sources) return;
  const lock = join(packageDir, ".ui-build-lock");
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 60_000)
        throw new Error(`The lock ${lock} is held for over a minute: remove it if no build runs.`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= sources) return;
    execFileSync(
      process.execPath,
      [join(packageDir, "node_modules", "vite", "bin", "vite.js"), "build", "--logLevel", "error"],
      {
        cwd: packageDir,
        stdio: "inherit",
      },
    );
  } finally {
    rmdirSync(lock);
  }
}

/** Launches headless Chromium with the flags this machine needs (no sandbox as root, no background traffic). */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (scripts/bootstrap.sh does).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Options of `call`. */
export interface CallOptions {
  method?: string;
  /** A JSON body (serialized here), or a raw string. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Send `Authorization: Bearer <TOKEN>`. @default true */
  bearer?: boolean;
  host?: string;
}

/** Sends one request to a fetch handler as a same-origin client would, with Bearer auth unless told otherwise. */
export async function call(
  handler: DashboardHandler,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  const host = options.host ?? "127.0.0.1:4000";
  const headers: Record<string, string> = { host, ...options.headers };
  if (options.bearer !== false) headers.authorization = `Bearer ${TOKEN}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  // The URL's authority is fixed; the handler reads the Host header, which is what a server receives.
  return handler(
    new Request(`http://127.0.0.1:4000${path}`, {
      method: options.method ?? "GET",
      headers,
      ...(body === undefined ? {} : { body }),
    }),
  );
}

/** Sends a request and parses the JSON answer. */
export async function callJson<T = Record<string, unknown>>(
  handler: DashboardHandler,
  path: string,
  options: CallOptions = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await call(handler, path, options);
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

/** A query string from pairs (values percent-encoded). */
export function qs(params: Record<string, string | number>): string {
  return `?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`;
}
