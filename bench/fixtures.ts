import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { createStore, type DataStore } from "@dictstore/core";

/** A typical plain-JSON record a workflow step keeps (about 250 bytes of JSON). */
export function plainRecord(): Record<string, unknown> {
  return {
    id: "evt_01HZX3K9QW",
    user: { id: 4211, name: "Ada Lovelace", email: "ada@example.com", roles: ["admin", "dev"] },
    count: 17,
    active: true,
    score: 0.87,
    tags: ["alpha", "beta", "gamma"],
    updatedAt: "2024-05-01T12:00:00.000Z",
    meta: { source: "webhook", attempt: 2, retry: null },
  };
}

/** The same kind of record with values JSON cannot hold: a Date, a Map, a Set and a BigInt. */
export function richRecord(): Record<string, unknown> {
  return {
    id: "evt_01HZX3K9QW",
    user: { id: 4211, name: "Ada Lovelace", roles: ["admin", "dev"] },
    count: 17,
    at: new Date(Date.UTC(2024, 4, 1, 12)),
    seen: new Map<string, number>([
      ["alpha", 1],
      ["beta", 2],
    ]),
    tags: new Set(["alpha", "beta"]),
    total: 12345678901234567890n,
  };
}

/** The part of superjson the baselines use. */
export interface SuperjsonLike {
  stringify(value: unknown): string;
  parse<T>(text: string): T;
}

/**
 * superjson as core itself loads it: it is a dependency of @dictstore/core, not of the repo root,
 * so it is resolved from core's package (the very copy the codec runs).
 */
export async function loadSuperjson(): Promise<SuperjsonLike> {
  const fromCore = createRequire(new URL("../packages/core/package.json", import.meta.url));
  const module = (await import(pathToFileURL(fromCore.resolve("superjson")).href)) as {
    default: SuperjsonLike;
  };
  return module.default;
}

/** Fills a Map and a store-like setter with the same `size` filler keys, so lookups run on equal-sized tables. */
export function filler(size: number): [string, number][] {
  return Array.from({ length: size }, (_, i) => [`filler:${i}`, i]);
}

/** A memory dict holding the 1,000 filler keys, so every memory case reads from an equal-sized table. */
export function filledStore(
  options: { snapshots?: "copy" | "frozen" } = {},
): DataStore<Record<string, unknown>> {
  const store = createStore<Record<string, unknown>>(options);
  for (const [key, value] of filler(1000)) store[key] = value;
  return store;
}

/** A filled memory dict and a Map holding the same 1,000 filler keys plus `extra`. */
export function storeAndMap(extra: Record<string, unknown>, options: { snapshots?: "copy" | "frozen" } = {}) {
  const store = filledStore(options);
  const map = new Map<string, unknown>(filler(1000));
  for (const [key, value] of Object.entries(extra)) {
    store[key] = value;
    map.set(key, value);
  }
  return { store, map };
}
