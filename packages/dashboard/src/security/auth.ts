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
 * cookie), or the session cookie. Wrong credentials count towards the lockout; while locked,
 * every credential is refused without being checked.
 */
export function authenticate(request: Request, url: URL, secrets: AuthSecrets, isPage: boolean): AuthOutcome {
  const bearer = bearerOf(request);
  const queryToken = isPage && request.method === "GET" ? url.searchParams.get("token") : null;
  const cookie = cookieOf(request, secrets.cookieName);
  if (bearer === undefined && queryToken === null && cookie === undefined) return { kind: "missing" };
  const retryAfterMs = secrets.attempts.lockedForMs();
  if (retryAfterMs > 0) return { kind: "locked", retryAfterMs };
  if (queryToken !== null) return check(secretsEqual(queryToken, secrets.token), "exchange", secrets);
  if (bearer !== undefined) return check(secretsEqual(bearer, secrets.token), "bearer", secrets);
  return check(secretsEqual(cookie as string, secrets.session), "cookie", secrets);
}

function check(ok: boolean, kind: "bearer" | "cookie" | "exchange", secrets: AuthSecrets): AuthOutcome {
  if (ok) return { kind };
  secrets.attempts.fail();
  return { kind: "wrong" };
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
