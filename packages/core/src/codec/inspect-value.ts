import { StoreError } from "../errors.ts";

/** What a walk over a value found; decides how it is encoded. */
export interface ValueShape {
  /** Needs superjson (a Date, Map, BigInt, NaN, undefined, a cycle, …). */
  rich: boolean;
  /** Must be copied before superjson sees it (prototype-named keys to escape, Buffers to convert). */
  rewrite: boolean;
}

const DANGEROUS_KEY = /^~*(?:__proto__|constructor|prototype)$/;

/** True for object keys that superjson refuses; they are escaped with a leading `~` in rich encodings. */
export function isDangerousKey(key: string): boolean {
  return DANGEROUS_KEY.test(key);
}

function fail(path: string, what: string): never {
  const where = path === "" ? "The value" : `The value at ${path}`;
  throw new StoreError(
    "INVALID_VALUE",
    `[@dictstore/core] ${where} is ${what}, which cannot be stored. Store plain data (JSON, Date, Map, Set, BigInt, RegExp, Error, URL, typed arrays) instead; nothing was written.`,
  );
}

function describe(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== ""
    ? `an instance of ${name}`
    : "an object with a custom prototype";
}

/**
 * Walks a value once: rejects what cannot round-trip (functions, symbols, class instances, WeakMap,
 * Promise, invalid dates) and reports whether plain JSON is enough. Throws `INVALID_VALUE`.
 */
export function inspectValue(value: unknown): ValueShape {
  const shape: ValueShape = { rich: false, rewrite: false };
  const seen = new Set<object>();
  try {
    walk(value, "", shape, seen);
  } catch (error) {
    if (error instanceof RangeError) fail("", "nested too deeply");
    throw error;
  }
  return shape;
}

function walk(value: unknown, path: string, shape: ValueShape, seen: Set<object>): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value) || Object.is(value, -0)) shape.rich = true;
      return;
    case "undefined":
    case "bigint":
      shape.rich = true;
      return;
    case "function":
      fail(path, "a function");
      break;
    case "symbol":
      fail(path, "a symbol");
      break;
  }
  if (value === null) return;
  const object = value as object;
  if (seen.has(object)) {
    // A cycle or a shared reference: superjson keeps the identity, JSON would copy or throw.
    shape.rich = true;
    return;
  }
  if (Array.isArray(object)) {
    seen.add(object);
    for (let i = 0; i < object.length; i++) walk(object[i], `${path}[${i}]`, shape, seen);
    return;
  }
  const proto = Object.getPrototypeOf(object);
  if (proto === Object.prototype || proto === null) {
    seen.add(object);
    for (const key of Object.keys(object)) {
      if (DANGEROUS_KEY.test(key)) shape.rewrite = true;
      walk((object as Record<string, unknown>)[key], `${path}.${key}`, shape, seen);
    }
    return;
  }
  walkRich(object, path, shape, seen);
}

function walkRich(object: object, path: string, shape: ValueShape, seen: Set<object>): void {
  shape.rich = true;
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) fail(path, "an invalid Date");
    return;
  }
  if (object instanceof RegExp || object instanceof URL || object instanceof Error) return;
  if (ArrayBuffer.isView(object)) {
    if (object instanceof DataView) fail(path, "a DataView");
    if (Buffer.isBuffer(object)) shape.rewrite = true; // superjson cannot parse a Buffer back
    return;
  }
  if (object instanceof Map) {
    seen.add(object);
    for (const [k, v] of object) {
      walk(k, `${path}.<key>`, shape, seen);
      walk(v, `${path}.get(${String(k)})`, shape, seen);
    }
    return;
  }
  if (object instanceof Set) {
    seen.add(object);
    for (const item of object) walk(item, `${path}.<item>`, shape, seen);
    return;
  }
  fail(path, describe(object));
}
