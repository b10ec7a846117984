import { isStoreError, type StoreErrorCode } from "@dictstore/core";
import { SECURITY_HEADERS } from "../security/headers.ts";

/** An error that already knows its HTTP status and public code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const STATUS_OF_CODE: Partial<Record<StoreErrorCode, number>> = {
  STORE_NOT_FOUND: 404,
  KEY_ERROR: 404,
  STORE_EXISTS: 409,
  CONFLICT: 409,
  INVALID_KEY: 400,
  INVALID_VALUE: 400,
  INVALID_ARGUMENT: 400,
  RESERVED_KEY: 400,
  SERIALIZE_FAILED: 400,
  LIMIT_EXCEEDED: 413,
  READ_ONLY: 403,
  UNSUPPORTED_OPERATION: 501,
  BACKEND_UNAVAILABLE: 503,
  UNKNOWN_OUTCOME: 503,
  CAPACITY: 507,
  AUTH_FAILED: 502,
};

/** Hides the password of any `scheme://user:password@host` in a message (Redis URLs, mostly). */
export function redactSecrets(message: string): string {
  return message.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, "$1:***@");
}

/** Security headers plus `extra`; every answer goes through here. */
export function withSecurityHeaders(extra: Record<string, string>): Headers {
  const headers = new Headers(SECURITY_HEADERS);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return headers;
}

/** A JSON answer, never cached. */
export function jsonResponse(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: withSecurityHeaders({
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...extra,
    }),
  });
}

/** A plain-text answer (for pages a browser opens directly: never HTML, so nothing in it can run). */
export function textResponse(status: number, body: string, extra: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: withSecurityHeaders({
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      ...extra,
    }),
  });
}

/** The JSON error answer for anything thrown by a route: store errors keep their code, others become 500. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    return jsonResponse(
      error.status,
      { error: { code: error.code, message: redactSecrets(error.message) } },
      {
        ...error.headers,
      },
    );
  }
  if (isStoreError(error)) {
    const status = STATUS_OF_CODE[error.code] ?? 500;
    return jsonResponse(status, { error: { code: error.code, message: redactSecrets(error.message) } });
  }
  // Anything else is a bug or an unexpected backend failure: say little, leak nothing.
  return jsonResponse(500, {
    error: { code: "INTERNAL", message: "The dashboard server failed to answer this request." },
  });
}
