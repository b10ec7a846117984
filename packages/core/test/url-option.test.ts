import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendOf, close, createAsyncStore, createStore, isStoreError, openStore } from "@dictstore/core";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "dictstore-url-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the url option", () => {
  it("openStore({ url }) opens the backend the URL names and closes it with the store", async () => {
    const url = `sqlite:${join(dir, "a.db")}`;
    const store = await openStore<Record<string, number>>({ url, name: "counts" });
    expect(backendOf(store).name).toBe("sqlite");
    store.n = 1;
    await close(store);
    const again = await openStore<Record<string, number>>({ url, name: "counts" });
    expect(again.n).toBe(1);
    await close(again);
  });

  it("createAsyncStore({ url }) opens the backend lazily, on the first call", async () => {
    const url = `sqlite:${join(dir, "b.db")}`;
    const store = createAsyncStore<Record<string, string>>({ url });
    await store.set("k", "v");
    expect(await store.get("k")).toBe("v");
    await close(store);
    const reader = await openStore<Record<string, string>>({ url });
    expect(reader.k).toBe("v");
    await close(reader);
  });

  it("memory: works everywhere, and createStore refuses a URL it cannot open synchronously", async () => {
    const store = await openStore<Record<string, number>>({ url: "memory:" });
    store.x = 1;
    expect(store.x).toBe(1);
    let error: unknown;
    try {
      createStore({ url: "memory:" });
    } catch (e) {
      error = e;
    }
    expect(isStoreError(error, "UNSUPPORTED_OPERATION")).toBe(true);
  });
});
