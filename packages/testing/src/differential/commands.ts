import { isStoreError } from "@dictstore/core";
import fc from "fast-check";
import { expect } from "vitest";
import type { AnyKey, Subject } from "../suite/subject.ts";
import { badKeyArbitrary, badValueArbitrary, keyArbitrary, valueArbitrary } from "./arbitraries.ts";

/** The oracle: a Map has the same order rules as the store (overwrite keeps place, re-insert moves last). */
export interface Model {
  readonly map: Map<string, unknown>;
  /** Whether key order must match exactly (backend `flags.ordered`). */
  readonly ordered: boolean;
}

/** The system under test. */
export interface Real {
  readonly store: Subject;
}

type Command = fc.AsyncCommand<Model, Real>;

const label = (key: AnyKey) => JSON.stringify(key);

/**
 * What a value reads back as: objects come back with Object.prototype even when written with a
 * null prototype (a documented normalisation); everything else is kept as is.
 */
export function roundTripped(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(roundTripped);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [roundTripped(k), roundTripped(v)]));
  if (value instanceof Set) return new Set([...value].map(roundTripped));
  const proto = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = roundTripped((value as Record<string, unknown>)[key]);
    Object.defineProperty(out, key, { value: item, writable: true, enumerable: true, configurable: true });
  }
  return out;
}

async function expectCode(action: Promise<unknown>, code: string): Promise<void> {
  let error: unknown;
  try {
    await action;
  } catch (caught) {
    error = caught;
  }
  expect(isStoreError(error) ? error.code : error, "error code").toBe(code);
}

function command(describe: () => string, run: (model: Model, real: Real) => Promise<void>): Command {
  return { check: () => true, run, toString: describe };
}

const set = (key: AnyKey, value: unknown) =>
  command(
    () => `set(${label(key)}, ${fc.stringify(value)})`,
    async (m, r) => {
      await r.store.set(key, value);
      m.map.set(String(key), roundTripped(value));
    },
  );

const get = (key: AnyKey, form: "read" | "get" | "default") =>
  command(
    () => `${form}(${label(key)})`,
    async (m, r) => {
      const expected = m.map.has(String(key))
        ? m.map.get(String(key))
        : form === "default"
          ? "<default>"
          : undefined;
      const actual =
        form === "read"
          ? await r.store.read(key)
          : form === "get"
            ? await r.store.get(key)
            : await r.store.get(key, "<default>");
      expect(actual).toStrictEqual(expected);
    },
  );

const has = (key: AnyKey) =>
  command(
    () => `has(${label(key)})`,
    async (m, r) => expect(await r.store.has(key)).toBe(m.map.has(String(key))),
  );

const del = (key: AnyKey) =>
  command(
    () => `delete(${label(key)})`,
    async (m, r) => {
      expect(await r.store.delete(key)).toBe(m.map.delete(String(key)));
    },
  );

const clear = () =>
  command(
    () => "clear()",
    async (m, r) => {
      await r.store.clear();
      m.map.clear();
    },
  );

const removeTtl = (key: AnyKey) =>
  command(
    () => `setTtl(${label(key)}, null)`,
    async (m, r) => expect(await r.store.setTtl(key, null)).toBe(m.map.has(String(key))),
  );

const update = (pairs: [AnyKey, unknown][], form: "object" | "map" | "pairs") =>
  command(
    () => `update(${form}: ${fc.stringify(pairs)})`,
    async (m, r) => {
      const mapping =
        form === "object"
          ? Object.fromEntries(pairs.map(([k, v]) => [String(k), v]))
          : form === "map"
            ? new Map(pairs)
            : pairs;
      // The store applies the argument's entries in the order the argument iterates them, the last of
      // two that name one store key (10 and "10") winning. So the oracle reads the argument the same
      // way: Object.entries reorders integer-like keys; a Map keeps one entry per key (SameValueZero:
      // 10 and "10" are two), in first-insertion order with the last value.
      const applied: [AnyKey, unknown][] =
        form === "object"
          ? Object.entries(mapping)
          : form === "map"
            ? [...(mapping as Map<AnyKey, unknown>)]
            : pairs;
      await r.store.update(mapping);
      for (const [k, v] of applied) m.map.set(String(k), roundTripped(v));
    },
  );

const pop = (key: AnyKey, withDefault: boolean) =>
  command(
    () => `pop(${label(key)}${withDefault ? ", <default>" : ""})`,
    async (m, r) => {
      const k = String(key);
      if (m.map.has(k)) {
        const expected = m.map.get(k);
        const actual = withDefault ? await r.store.pop(key, "<default>") : await r.store.pop(key);
        expect(actual).toStrictEqual(expected);
        m.map.delete(k);
      } else if (withDefault) {
        expect(await r.store.pop(key, "<default>")).toBe("<default>");
      } else {
        await expectCode(r.store.pop(key), "KEY_ERROR");
      }
    },
  );

const setdefault = (key: AnyKey, value: unknown) =>
  command(
    () => `setdefault(${label(key)}, ${fc.stringify(value)})`,
    async (m, r) => {
      const k = String(key);
      const expected = m.map.has(k) ? m.map.get(k) : roundTripped(value);
      if (!m.map.has(k)) m.map.set(k, expected);
      expect(await r.store.setdefault(key, value)).toStrictEqual(expected);
    },
  );

const keys = () =>
  command(
    () => "keys()",
    async (m, r) => {
      const actual = await r.store.keys();
      const expected = [...m.map.keys()];
      if (m.ordered) expect(actual).toEqual(expected);
      else expect([...actual].sort()).toEqual(expected.sort());
    },
  );

const size = () =>
  command(
    () => "size",
    async (m, r) => expect(await r.store.size()).toBe(m.map.size),
  );

/** Lets timers and I/O run: a local view's background commit may land between two commands. */
const tick = () =>
  command(
    () => "<next tick>",
    async () => {
      await new Promise((resolve) => setImmediate(resolve));
    },
  );

/** flush(store) then refresh(store): committing and re-reading must not change what the handle shows. */
const flushRefresh = () =>
  command(
    () => "flush+refresh",
    async (m, r) => {
      await r.store.flush();
      await r.store.refresh();
      expect(await r.store.size()).toBe(m.map.size);
    },
  );

const badSet = (key: AnyKey, value: unknown, badKey: boolean) =>
  command(
    () => (badKey ? `set(<lone surrogate key>, ...)` : `set(${label(key)}, <unstorable ${typeof value}>)`),
    async (m, r) => {
      await expectCode(r.store.set(key, value), badKey ? "INVALID_KEY" : "INVALID_VALUE");
      const k = String(key);
      if (!badKey)
        expect(await r.store.get(key, "<none>")).toStrictEqual(m.map.has(k) ? m.map.get(k) : "<none>");
    },
  );

const pairsArbitrary = fc.array(fc.tuple(keyArbitrary, valueArbitrary), { maxLength: 4 });

/**
 * Pairs where a number key and its string form both appear (they name one store key), in every
 * order and with repeats, among other pairs: `[[10, a], ["10", b], [10, c]]` given as a Map iterates
 * 10 → c then "10" → b. Generated as often as any other command, so every run meets the case.
 */
const collidingPairsArbitrary: fc.Arbitrary<[AnyKey, unknown][]> = fc
  .tuple(
    fc.constantFrom(7, 10),
    fc.array(fc.tuple(fc.boolean(), valueArbitrary), { minLength: 1, maxLength: 3 }),
    valueArbitrary,
    valueArbitrary,
    pairsArbitrary,
  )
  .chain(([n, more, first, second, others]) =>
    fc.shuffledSubarray(
      [
        [n, first] as [AnyKey, unknown],
        [String(n), second] as [AnyKey, unknown],
        ...more.map(([asNumber, v]): [AnyKey, unknown] => [asNumber ? n : String(n), v]),
        ...others,
      ],
      { minLength: 2 + more.length + others.length },
    ),
  );

/** Every command of the differential run, weighted towards writes and reads of colliding keys. */
export const commandArbitraries: fc.Arbitrary<Command>[] = [
  fc.tuple(keyArbitrary, valueArbitrary).map(([k, v]) => set(k, v)),
  fc.tuple(keyArbitrary, valueArbitrary).map(([k, v]) => set(k, v)),
  fc
    .tuple(
      keyArbitrary,
      fc.constantFrom("read", "get", "default") as fc.Arbitrary<"read" | "get" | "default">,
    )
    .map(([k, f]) => get(k, f)),
  keyArbitrary.map(has),
  keyArbitrary.map(del),
  fc.constant(null).map(clear),
  keyArbitrary.map(removeTtl),
  fc
    .tuple(
      pairsArbitrary,
      fc.constantFrom("object", "map", "pairs") as fc.Arbitrary<"object" | "map" | "pairs">,
    )
    .map(([p, f]) => update(p, f)),
  fc
    .tuple(
      collidingPairsArbitrary,
      fc.constantFrom("object", "map", "pairs") as fc.Arbitrary<"object" | "map" | "pairs">,
    )
    .map(([p, f]) => update(p, f)),
  fc.tuple(keyArbitrary, fc.boolean()).map(([k, d]) => pop(k, d)),
  fc.tuple(keyArbitrary, valueArbitrary).map(([k, v]) => setdefault(k, v)),
  fc.constant(null).map(keys),
  fc.constant(null).map(size),
  fc.constant(null).map(tick),
  fc.constant(null).map(flushRefresh),
  fc.oneof(
    fc.tuple(keyArbitrary, badValueArbitrary).map(([k, v]) => badSet(k, v, false)),
    fc.tuple(badKeyArbitrary, valueArbitrary).map(([k, v]) => badSet(k, v, true)),
  ),
];
