import type { FailedAttempts } from "./rate-limit.ts";
import { secretsEqual } from "./token.ts";

/** How a request proved it may use the dashboard, or why it may not. */
export type AuthOutcome =
  | { readonly kind: "bearer" | "cookie" }
  /** A right `?token=` on a page: answer with the session cookie and a redirect that drops it from the URL. */
  | { readonly kind: "exchange" }
  | { readonly kind: "missing" }
  | { readonly kind: "wrong" }
  | { readonly kind: "locked"; readonly retryAfterMs: number };

/** The secrets of one dashboard launch. */
export interface AuthSecrets {
  /** The launch token: in the printed URL, or as `Authorization: Bearer`. */
  readonly token: string;
  /** The value of the session cookie (a separate secret, so the cookie is no URL token). */
  readonly session: string;
  readonly cookieName: string;
  readonly attempts: FailedAttempts;
}

/**
 * Checks the credentials of a request: a Bearer token, a `?token=` on a page (exchanged for a
 * cookie), or the session cookie. A request that carries a right credential is always let in, even
 * while wrong tokens are locked out: the lockout limits guessing, it must never lock the owner out.
 * Wrong credentials count towards the lockout, except those a foreign page made the browser send
 * (`Sec-Fetch-Site` other than same-origin/none, or a foreign `Origin` or `Referer`): any web page
 * can fire those, so counting them would let it lock the owner out; they are refused uncounted.
 */
export function authenticate(
  request: Request,
  url: URL,
  secrets: AuthSecrets,
  isPage: boolean,
  host: string,
): AuthOutcome {
  const bearer = bearerOf(request);
  const queryToken = isPage && request.method === "GET" ? url.searchParams.get("token") : null;
  const cookie = cookieOf(request, secrets.cookieName);
  if (bearer === undefined && queryToken === null && cookie === undefined) return { kind: "missing" };
  // Every presented secret is compared (in constant time), whatever the lockout says.
  if (queryToken !== null && secretsEqual(queryToken, secrets.token)) return { kind: "exchange" };
  if (bearer !== undefined && secretsEqual(bearer, secrets.token)) return { kind: "bearer" };
  if (cookie !== undefined && secretsEqual(cookie, secrets.session)) return { kind: "cookie" };
  if (isForeign(request, host)) return { kind: "wrong" };
  const retryAfterMs = secrets.attempts.lockedForMs();
  if (retryAfterMs > 0) return { kind: "locked", retryAfterMs };
  secrets.attempts.fail();
  return { kind: "wrong" };
}

/**
 * True when a browser says another page made this request: `Sec-Fetch-Site` is neither
 * `same-origin` nor `none` (typed or bookmarked), or `Origin`/`Referer` name another origin than
 * the `Host` (127.0.0.1 on another port is another origin). Clients that send none of these (curl,
 * scripts) are not foreign: their wrong tokens count.
 */
export function isForeign(request: Request, host: string): boolean {
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite !== null && fetchSite !== "same-origin" && fetchSite !== "none") return true;
  const own = host.trim().toLowerCase();
  for (const header of ["origin", "referer"]) {
    const value = request.headers.get(header);
    if (value === null) continue;
    try {
      if (new URL(value).host !== own) return true;
    } catch {
      return true; // the opaque origin "null", or garbage
    }
  }
  return false;
}

function bearerOf(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  if (header === null) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  // Any other Authorization scheme is still an attempt: it fails (no token is empty) and counts.
  return match === null ? "" : (match[1] as string);
}

function cookieOf(request: Request, name: string): string | undefined {
  const header = request.headers.get("cookie");
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value of a session: HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it). */
export function sessionCookie(secrets: AuthSecrets): string {
  return `${secrets.cookieName}=${secrets.session}; Path=/; HttpOnly; SameSite=Strict`;
}
