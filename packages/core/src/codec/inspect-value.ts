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
  // Such keys start with ~, _, c or p: most keys skip the regex.
  const first = key.charCodeAt(0);
  return (first === 126 || first === 95 || first === 99 || first === 112) && DANGEROUS_KEY.test(key);
}

/*
 * Where the walk is, as a stack of steps: an array index, an object key, or a label ("<key>",
 * "<item>", "get(k)"). The path text is built only when a value is rejected, not at every node.
 */
type Trail = (number | string)[];

function pathOf(trail: Trail): string {
  let path = "";
  for (const step of trail) path += typeof step === "number" ? `[${step}]` : `.${step}`;
  return path;
}

function fail(trail: Trail, what: string): never {
  const path = pathOf(trail);
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
    walk(value, [], shape, seen);
  } catch (error) {
    if (error instanceof RangeError) fail([], "nested too deeply");
    throw error;
  }
  return shape;
}

function walk(value: unknown, trail: Trail, shape: ValueShape, seen: Set<object>): void {
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
      fail(trail, "a function");
      break;
    case "symbol":
      fail(trail, "a symbol");
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
    for (let i = 0; i < object.length; i++) {
      trail.push(i);
      walk(object[i], trail, shape, seen);
      trail.pop();
    }
    return;
  }
  const proto = Object.getPrototypeOf(object);
  if (proto === Object.prototype || proto === null) {
    seen.add(object);
    for (const key of Object.keys(object)) {
      if (isDangerousKey(key)) shape.rewrite = true;
      trail.push(key);
      walk((object as Record<string, unknown>)[key], trail, shape, seen);
      trail.pop();
    }
    return;
  }
  walkRich(object, trail, shape, seen);
}

function walkRich(object: object, trail: Trail, shape: ValueShape, seen: Set<object>): void {
  shape.rich = true;
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) fail(trail, "an invalid Date");
    return;
  }
  if (object instanceof RegExp || object instanceof URL || object instanceof Error) return;
  if (ArrayBuffer.isView(object)) {
    if (object instanceof DataView) fail(trail, "a DataView");
    if (Buffer.isBuffer(object)) shape.rewrite = true; // superjson cannot parse a Buffer back
    return;
  }
  if (object instanceof Map) {
    seen.add(object);
    for (const [k, v] of object) {
      trail.push("<key>");
      walk(k, trail, shape, seen);
      trail.pop();
      trail.push(`get(${String(k)})`);
      walk(v, trail, shape, seen);
      trail.pop();
    }
    return;
  }
  if (object instanceof Set) {
    seen.add(object);
    for (const item of object) {
      trail.push("<item>");
      walk(item, trail, shape, seen);
      trail.pop();
    }
    return;
  }
  fail(trail, describe(object));
}
