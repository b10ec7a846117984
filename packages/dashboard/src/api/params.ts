import { HttpError } from "../http/responses.ts";

/** The longest store name the dashboard accepts, in UTF-16 units. */
const MAX_STORE_NAME = 1024;

/** A required string member of a request body. */
export function stringField(body: Record<string, unknown>, name: string): string {
  const value = Object.hasOwn(body, name) ? body[name] : undefined;
  if (typeof value !== "string") throw badRequest(`"${name}" must be a string.`);
  return value;
}

/** A required query parameter. */
export function queryParam(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (value === null) throw badRequest(`The query parameter "${name}" is required.`);
  return value;
}

/** An optional query parameter; empty counts as absent. */
export function optionalQueryParam(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name);
  return value === null || value === "" ? undefined : value;
}

/** Checks a store name: non-empty, well-formed, not absurdly long. */
export function storeName(value: string, what = "The store name"): string {
  if (value === "") throw badRequest(`${what} must not be empty.`);
  if (value.length > MAX_STORE_NAME) throw badRequest(`${what} is longer than ${MAX_STORE_NAME} characters.`);
  if (!value.isWellFormed()) throw badRequest(`${what} is not well-formed text (it has a lone surrogate).`);
  return value;
}

/** A page size: a whole number from 1 to `max`, or `fallback` when absent. */
export function pageLimit(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw badRequest(`"limit" must be a whole number from 1 to ${max}.`);
  return n;
}

/** A TTL member: seconds > 0, `null` for none, or `"keep"` when `allowKeep`. */
export function ttlField(body: Record<string, unknown>, allowKeep: boolean): number | null | "keep" {
  if (!Object.hasOwn(body, "ttl")) return allowKeep ? "keep" : null;
  const value = body.ttl;
  if (value === null) return null;
  if (value === "keep" && allowKeep) return "keep";
  // A TTL of 0 would delete the record at once: the dashboard asks for a positive time.
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value;
  throw badRequest(`"ttl" must be a number of seconds > 0${allowKeep ? ', null, or "keep"' : " or null"}.`);
}

/** A 400 answer with code INVALID_ARGUMENT. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, "INVALID_ARGUMENT", message);
}
