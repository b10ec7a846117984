import { close, flush, isStoreError, memoryBackend, openStore, refresh } from "@dictstore/core";
import { asAsyncBackend } from "@dictstore/testing";
import { describe, expect, it } from "vitest";

function remote() {
  const calls: string[] = [];
  const backend = asAsyncBackend(memoryBackend(undefined), { onCall: (m) => calls.push(m) });
  return { backend, calls };
}

describe("local view over an asynchronous backend", () => {
  it("loads once, reads and writes synchronously, commits writes of one tick together", async () => {
    const { backend, calls } = remote();
    await backend.set("default", "a", "1");
    const store = await openStore<Record<string, number>>({ backend });
    expect(calls).toEqual(["set", "load"]);
    expect(store.a).toBe(1);
    store.b = 2;
    store.c = 3;
    delete store.a;
    expect(store.b).toBe(2); // read-your-writes
    expect("a" in store).toBe(false);
    await flush(store);
    expect(calls.filter((c) => c === "commit")).toHaveLength(1);
    expect(await backend.get("default", "a")).toBeUndefined();
    expect((await backend.get("default", "c"))?.value).toBe("3");
  });

  it("sees another view's commits after refresh, in one round trip when nothing changed", async () => {
    const { backend, calls } = remote();
    const a = await openStore<Record<string, number>>({ backend });
    const b = await openStore<Record<string, number>>({ backend });
    a.x = 1;
    await flush(a);
    expect(b.x).toBeUndefined();
    await refresh(b);
    expect(b.x).toBe(1);
    calls.length = 0;
    await refresh(b);
    expect(calls).toEqual(["changes"]);
  });

  it("keeps writes buffered when a commit fails and rejects the next flush with a typed error", async () => {
    const inner = memoryBackend(undefined);
    let down = false;
    const backend = asAsyncBackend(inner, {
      onCall: () => {
        if (down) throw new Error("connection refused");
      },
    });
    const store = await openStore<Record<string, number>>({ backend });
    down = true;
    store.k = 1;
    const error = await flush(store).catch((e: unknown) => e);
    expect(isStoreError(error, "BACKEND_UNAVAILABLE")).toBe(true);
    expect(store.k).toBe(1);
    down = false;
    await flush(store);
    expect(inner.get("default", "k")?.value).toBe("1");
    await close(store);
  });

  it("throws NOT_LOADED outside a partial view", async () => {
    const { backend } = remote();
    await backend.set("default", "user:1", '"ann"');
    await backend.set("default", "other", '"x"');
    const store = await openStore<Record<string, string>>({ backend, load: { prefixes: ["user:"] } });
    expect(store["user:1"]).toBe("ann");
    expect(() => store.other).toThrow(/outside this view/);
    expect(() => store.size).toThrow(/needs the whole store/);
  });

  it("runs atomic operations on the backend and keeps the view current", async () => {
    const { backend } = remote();
    const a = await openStore<Record<string, number>>({ backend });
    const b = await openStore<Record<string, number>>({ backend });
    await Promise.all([a.increment("n"), b.increment("n"), a.increment("n", 5)]);
    expect(a.n).toBe(await a.increment("n", 0));
    expect(a.n).toBe(7);
  });
});
