import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type Backend, close, createAsyncStore, isStoreError, openStore } from "@dictstore/core";
import { describe, expect, it } from "vitest";
import { useBackends } from "./atomic-support.ts";
import { KINDS } from "./atomic-targets.ts";

/*
 * The optional `increment` member of the Backend contract (the one-step fast path of
 * `store.increment`), on every backend: its own semantics, that the store uses it, and that the
 * store answers exactly as through the generic path (a read plus a conditional commit).
 */

const backends = useBackends();

/** The same backend without its fast path, so the store takes the generic path. */
function withoutFastPath(backend: Backend): Backend {
  return new Proxy(backend, {
    get: (target, property, receiver) =>
      property === "increment" ? undefined : Reflect.get(target, property, receiver),
  });
}

/** The backend, counting the calls of each method. */
function counted(backend: Backend): { backend: Backend; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(backend, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { backend: proxy, calls };
}

/** How a call settled: its value, or its error code. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error: isStoreError(error) ? error.code : String(error) };
  }
}

describe.each(KINDS)("%s: backend.increment", (kind) => {
  const store = () => `fast-${randomUUID()}`;

  it("adds in one step: a missing key starts at 0, the version is bumped and is the key's version", async () => {
    const backend = backends.fleet(kind).connect();
    const name = store();
    expect(backend.increment).toBeTypeOf("function");
    const first = await backend.increment?.(name, { key: "n", by: 5 });
    expect(first).toMatchObject({ ok: true, value: 5 });
    const second = await backend.increment?.(name, { key: "n", by: -7 });
    expect(second).toMatchObject({ ok: true, value: -2 });
    const version = second?.ok ? second.version : -1;
    expect(version).toBeGreaterThan(first?.ok ? first.version : Number.POSITIVE_INFINITY);
    expect(await backend.version(name)).toBe(version);
    expect(await backend.get(name, "n")).toMatchObject({ value: "-2", version, expiresAt: null });
  });

  it("keeps the TTL; an expired key counts as missing and comes back without one", async () => {
    const backend = backends.fleet(kind).connect();
    const name = store();
    await backend.set(name, "timed", "1", { ttlMs: 60_000 });
    const before = await backend.get(name, "timed");
    await backend.increment?.(name, { key: "timed", by: 1 });
    expect(await backend.get(name, "timed")).toMatchObject({ value: "2", expiresAt: before?.expiresAt });
    await backend.set(name, "short", "10", { ttlMs: 100 });
    await sleep(250);
    expect(await backend.increment?.(name, { key: "short", by: 1 })).toMatchObject({ ok: true, value: 1 });
    expect(await backend.get(name, "short")).toMatchObject({ value: "1", expiresAt: null });
  });

  it("declines, changing nothing, a value that is not a number or a sum past MAX_SAFE_INTEGER", async () => {
    const backend = backends.fleet(kind).connect();
    const name = store();
    await backend.set(name, "text", '"ten"');
    await backend.set(name, "big", String(Number.MAX_SAFE_INTEGER));
    const before = await backend.getMany(name, ["text", "big"]);
    const version = await backend.version(name);
    expect(await backend.increment?.(name, { key: "text", by: 1 })).toEqual({ ok: false });
    expect(await backend.increment?.(name, { key: "big", by: 1 })).toEqual({ ok: false });
    expect(await backend.getMany(name, ["text", "big"])).toEqual(before);
    expect(await backend.version(name)).toBe(version);
  });

  it("respects maxKeys for a new key (LIMIT_EXCEEDED, nothing written), never for an existing one", async () => {
    const backend = backends.fleet(kind).connect();
    const name = store();
    await backend.increment?.(name, { key: "a", by: 1, maxKeys: 1 });
    expect(await outcome(async () => backend.increment?.(name, { key: "b", by: 1, maxKeys: 1 }))).toEqual({
      error: "LIMIT_EXCEEDED",
    });
    expect(await backend.has(name, "b")).toBe(false);
    expect(await backend.increment?.(name, { key: "a", by: 1, maxKeys: 1 })).toMatchObject({
      ok: true,
      value: 2,
    });
  });

  it("answers a repeated token from the first result, applying once, whatever happened since", async () => {
    const backend = backends.fleet(kind).connect();
    const name = store();
    const token = randomUUID();
    const first = await backend.increment?.(name, { key: "n", by: 3, token });
    await backend.increment?.(name, { key: "n", by: 1 });
    expect(await backend.increment?.(name, { key: "n", by: 3, token })).toEqual(first);
    expect(await backend.get(name, "n")).toMatchObject({ value: "4" });
    // Even when the key no longer holds a number, the repeat is answered, not declined.
    await backend.set(name, "n", '"text"');
    expect(await backend.increment?.(name, { key: "n", by: 3, token })).toEqual(first);
    expect(await backend.get(name, "n")).toMatchObject({ value: '"text"' });
  });

  it("brings back what changed since `since`, its own write included", async () => {
    const backend = backends.fleet(kind).connect();
    const name = store();
    await backend.set(name, "before", "1");
    const since = await backend.version(name);
    await backend.set(name, "other", "2");
    const result = await backend.increment?.(name, { key: "n", by: 3, since });
    const changed = result?.ok ? result.changes?.entries.map((e) => [e.key, e.value]) : undefined;
    expect(changed?.sort()).toEqual([
      ["n", "3"],
      ["other", "2"],
    ]);
  });

  it("the store uses it: one backend call per increment, no read, no commit", async () => {
    const { backend, calls } = counted(backends.fleet(kind).connect());
    const async = createAsyncStore({ backend, name: store() });
    for (let i = 0; i < 5; i++) await async.increment("n");
    expect(await async.get("n")).toBe(5);
    expect([calls.get("increment"), calls.get("commit"), calls.get("get")]).toEqual([5, undefined, 1]);
  });

  it("the store answers exactly as through the generic path, values, errors and TTLs alike", async () => {
    const fleet = backends.fleet(kind);
    const run = async (backend: Backend) => {
      const s = createAsyncStore<Record<string, unknown>>({ backend, name: store(), limits: { maxKeys: 6 } });
      await s.set("text", "x");
      await s.set("float", 0.1);
      await s.set("timed", 1, { ttl: 60 });
      await s.set("big", Number.MAX_SAFE_INTEGER - 2);
      const steps = [
        () => s.increment("n"),
        () => s.increment("n", -4),
        () => s.increment("n", 2.5),
        () => s.increment("float", 0.2),
        () => s.increment("float", 1),
        () => s.increment("text"),
        () => s.increment("big"),
        () => s.increment("big"),
        () => s.increment("big", -1),
        () => s.increment("timed", 10),
        () => s.increment("n", Number.NaN),
        () => s.increment("new"),
        () => s.increment("one-too-many"),
      ];
      const results: unknown[] = [];
      for (const step of steps) results.push(await outcome(step));
      const ttl = await s.getTtl("timed");
      return { results, object: await s.toObject(), timed: typeof ttl === "number" && ttl > 50 };
    };
    const fast = await run(fleet.connect());
    expect(fast).toEqual(await run(withoutFastPath(fleet.connect())));
    expect(fast.results).toContainEqual({ error: "INVALID_VALUE" });
    expect(fast.results).toContainEqual({ error: "LIMIT_EXCEEDED" });
    expect(fast.timed).toBe(true);
  });

  it("a local view sees its own increments at once, and others' after a refresh", async () => {
    const fleet = backends.fleet(kind);
    const name = store();
    const view = await openStore<{ n: number }>({ backend: fleet.connect(), name });
    const other = createAsyncStore<{ n: number }>({ backend: fleet.connect(), name });
    expect(await view.increment("n")).toBe(1);
    expect(view.n).toBe(1);
    await other.increment("n", 10);
    expect(await view.increment("n")).toBe(12);
    expect(view.n).toBe(12);
    await close(view);
  });
});
