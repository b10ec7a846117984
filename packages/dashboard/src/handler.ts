import { randomBytes } from "node:crypto";
import { DEFAULT_LIMITS, type StoreLimits } from "@dictstore/core";
import type { ApiContext } from "./api/context.ts";
import { deleteRecord, getRecord, listRecords, saveRecord, setRecordTtl } from "./api/records.ts";
import { clearStore, createStore, dropStore, listStores, renameStore } from "./api/stores.ts";
import type { InfoResponse } from "./api-types.ts";
import { CSRF_HEADER } from "./api-types.ts";
import { type Asset, defaultAssetsDir, loadAssets } from "./assets.ts";
import {
  errorResponse,
  HttpError,
  jsonResponse,
  textResponse,
  withSecurityHeaders,
} from "./http/responses.ts";
import type { DashboardHandlerOptions } from "./options.ts";
import { type AuthSecrets, authenticate, sessionCookie } from "./security/auth.ts";
import { allowedHostSet, isAllowedHost } from "./security/hosts.ts";
import { isSameOrigin } from "./security/origin.ts";
import { FailedAttempts } from "./security/rate-limit.ts";
import { checkToken, sessionCookieName } from "./security/token.ts";

/** A framework-agnostic request handler: the Fetch API's `Request` in, `Response` out. */
export type DashboardHandler = (request: Request) => Promise<Response>;

type Method = "GET" | "POST" | "PUT" | "DELETE";
type Route = (ctx: ApiContext, request: Request, url: URL) => Promise<Response>;

const STATE_CHANGING = new Set(["POST", "PUT", "DELETE"]);
/** Room for the JSON envelope around a value of the maximum size (its text may be escaped). */
const ENVELOPE_OVERHEAD = 64 * 1024;

const info: Route = async (ctx) => {
  const body: InfoResponse = {
    backend: ctx.backend.name,
    readOnly: ctx.readOnly,
    pageSize: ctx.pageSize,
    maxValueBytes: ctx.limits.maxValueBytes,
  };
  return jsonResponse(200, body);
};

const ROUTES: ReadonlyMap<string, Partial<Record<Method, Route>>> = new Map<
  string,
  Partial<Record<Method, Route>>
>([
  ["/api/info", { GET: info }],
  [
    "/api/stores",
    {
      GET: (ctx) => listStores(ctx),
      POST: (ctx, req) => createStore(ctx, req),
      DELETE: (ctx, _r, url) => dropStore(ctx, url),
    },
  ],
  ["/api/stores/rename", { POST: (ctx, req) => renameStore(ctx, req) }],
  ["/api/stores/clear", { POST: (ctx, req) => clearStore(ctx, req) }],
  ["/api/records", { GET: (ctx, _r, url) => listRecords(ctx, url) }],
  [
    "/api/record",
    {
      GET: (ctx, _r, url) => getRecord(ctx, url),
      PUT: (ctx, req) => saveRecord(ctx, req),
      DELETE: (ctx, _r, url) => deleteRecord(ctx, url),
    },
  ],
  ["/api/ttl", { PUT: (ctx, req) => setRecordTtl(ctx, req) }],
]);

/**
 * Creates the dashboard as a fetch handler: the UI's files and its JSON API under `/api/`, behind
 * the security gate (Host allow-list, token or session cookie, lockout of wrong tokens, Origin and
 * CSRF-header checks on changes, read-only mode, body limit, strict headers on every answer).
 */
export function createDashboardHandler(options: DashboardHandlerOptions): DashboardHandler {
  const token = checkToken(options.token);
  const limits: StoreLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const ctx: ApiContext = {
    backend: options.backend,
    readOnly: options.readOnly === true,
    limits,
    pageSize: options.pageSize ?? 50,
    bodyLimit: limits.maxValueBytes + ENVELOPE_OVERHEAD,
  };
  const secrets: AuthSecrets = {
    token,
    session: randomBytes(32).toString("base64url"),
    cookieName: sessionCookieName(token),
    attempts: new FailedAttempts(),
  };
  const allowed = allowedHostSet(options.allowedHosts);
  const assets = loadAssets(options.assetsDir ?? defaultAssetsDir());

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const isApi = url.pathname === "/api" || url.pathname.startsWith("/api/");
    const host = request.headers.get("host") ?? url.host;
    // DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still sends its own Host.
    if (!isAllowedHost(host, allowed)) {
      throw new HttpError(
        403,
        "HOST_NOT_ALLOWED",
        "This dashboard only answers to localhost (the Host header is not allowed).",
      );
    }
    const method = request.method === "HEAD" ? "GET" : request.method;
    if (method !== "GET" && !STATE_CHANGING.has(method)) {
      throw new HttpError(405, "METHOD_NOT_ALLOWED", "Use GET, POST, PUT or DELETE.", {
        allow: "GET, HEAD, POST, PUT, DELETE",
      });
    }

    const auth = authenticate(request, url, secrets, !isApi, host);
    switch (auth.kind) {
      case "missing":
      case "wrong":
        return unauthorized(isApi, auth.kind === "wrong");
      case "locked":
        throw new HttpError(429, "TOO_MANY_ATTEMPTS", "Too many wrong tokens: wait before trying again.", {
          "retry-after": String(Math.ceil(auth.retryAfterMs / 1000)),
        });
      case "exchange":
        url.searchParams.delete("token");
        return new Response(null, {
          status: 303,
          headers: withSecurityHeaders({
            location: url.pathname + url.search,
            "set-cookie": sessionCookie(secrets),
            "cache-control": "no-store",
          }),
        });
    }

    if (STATE_CHANGING.has(method)) {
      const viaCookie = auth.kind === "cookie";
      // CSRF: a cookie rides along on any request the browser makes, so demand proof of our own page.
      if (
        !isSameOrigin(request, host, viaCookie) ||
        (viaCookie && request.headers.get(CSRF_HEADER) !== "1")
      ) {
        throw new HttpError(403, "CROSS_ORIGIN", "Changes are only accepted from the dashboard's own page.");
      }
      if (ctx.readOnly) throw new HttpError(403, "READ_ONLY", "The dashboard is in read-only mode.");
    }

    if (isApi) {
      const route = ROUTES.get(url.pathname);
      if (route === undefined) throw new HttpError(404, "NOT_FOUND", "There is no such API route.");
      const run = route[method as Method];
      if (run === undefined) {
        throw new HttpError(405, "METHOD_NOT_ALLOWED", "This API route does not take this method.", {
          allow: Object.keys(route).join(", "),
        });
      }
      return run(ctx, request, url);
    }
    if (method !== "GET")
      throw new HttpError(405, "METHOD_NOT_ALLOWED", "Pages are read with GET.", { allow: "GET, HEAD" });
    return servePage(assets, url.pathname);
  };

  return async (request) => {
    let response: Response;
    try {
      response = await handle(request);
    } catch (error) {
      response = errorResponse(error);
    }
    return request.method === "HEAD" ? new Response(null, response) : response;
  };
}

function unauthorized(isApi: boolean, wrong: boolean): Response {
  const message = wrong
    ? "The token is wrong (or belongs to an earlier launch of the dashboard)."
    : "Open the dashboard with the URL it printed when it started (it carries ?token=…), or send Authorization: Bearer <token>.";
  const headers = { "www-authenticate": 'Bearer realm="dictstore dashboard"' };
  return isApi
    ? jsonResponse(401, { error: { code: "UNAUTHORIZED", message } }, headers)
    : textResponse(401, `401 Unauthorized\n\n${message}\n`, headers);
}

function servePage(assets: ReadonlyMap<string, Asset>, pathname: string): Response {
  if (assets.size === 0) {
    return textResponse(
      503,
      "The dashboard UI is not built: run `pnpm --filter @dictstore/dashboard build`.\n",
    );
  }
  const asset = assets.get(pathname === "/" ? "/index.html" : pathname);
  if (asset === undefined) return textResponse(404, "404 Not Found\n");
  return new Response(asset.body, {
    status: 200,
    headers: withSecurityHeaders({
      "content-type": asset.type,
      "cache-control": asset.immutable ? "private, max-age=31536000, immutable" : "no-store",
    }),
  });
}
