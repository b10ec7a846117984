import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { StoreError } from "@dictstore/core";

/** Random bytes in a generated token: 256 bits, twice the checklist's minimum. */
const TOKEN_BYTES = 32;
/** A given token must be URL-safe and at least 22 characters (128 bits of base64url). */
const TOKEN_SHAPE = /^[A-Za-z0-9._~-]{22,512}$/;

/** A fresh random token (base64url, 256 bits). */
export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/** Refuses a caller-chosen token too short to resist guessing, or one that would need escaping in a URL. */
export function checkToken(token: string): string {
  if (typeof token !== "string" || !TOKEN_SHAPE.test(token)) {
    throw new StoreError(
      "INVALID_ARGUMENT",
      "[@dictstore/dashboard] The dashboard token must be 22 to 512 URL-safe characters (A-Z a-z 0-9 . _ ~ -), at least 128 bits; omit it to get a random one.",
    );
  }
  return token;
}

/**
 * Compares a presented secret with the expected one in constant time. Both sides are hashed first,
 * so neither the length nor a common prefix of the secret leaks through timing.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

/**
 * The session cookie's name: unique per token, so dashboards started on several ports of the same
 * host (cookies ignore ports) never overwrite each other's session.
 */
export function sessionCookieName(token: string): string {
  return `dictstore_session_${createHash("sha256").update(token).digest("hex").slice(0, 12)}`;
}
