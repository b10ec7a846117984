import { isDangerousKey } from "./inspect-value.ts";

const ESCAPED_KEY = /^~+(?:__proto__|constructor|prototype)$/;

/** Sets an own property even for `__proto__`, which plain assignment would turn into a prototype change. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Copies a value for superjson: keys it refuses (`__proto__`, `constructor`, `prototype`, and those
 * names behind `~`s) get one more leading `~`, and Buffers become Uint8Arrays. Shared references
 * and cycles are kept.
 */
export function escapeForSuperjson(value: unknown): unknown {
  return copy(value, new Map(), (key) => (isDangerousKey(key) ? `~${key}` : key), true);
}

/** Undoes `escapeForSuperjson` on a decoded value, in place where possible. */
export function unescapeFromSuperjson(value: unknown): unknown {
  return copy(value, new Map(), (key) => (ESCAPED_KEY.test(key) ? key.slice(1) : key), false);
}

function copy(
  value: unknown,
  seen: Map<object, unknown>,
  mapKey: (key: string) => string,
  toUint8: boolean,
): unknown {
  if (typeof value !== "object" || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], seen, mapKey, toUint8);
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) out.set(copy(k, seen, mapKey, toUint8), copy(v, seen, mapKey, toUint8));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const item of value) out.add(copy(item, seen, mapKey, toUint8));
    return out;
  }
  if (toUint8 && Buffer.isBuffer(value)) {
    const out = new Uint8Array(value);
    seen.set(value, out);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Date, RegExp, typed arrays…: kept as they are
  const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
  seen.set(value, out);
  for (const key of Object.keys(value)) {
    defineOwn(out, mapKey(key), copy((value as Record<string, unknown>)[key], seen, mapKey, toUint8));
  }
  return out;
}
