import { existsSync } from "node:fs";
import { join } from "node:path";
import { close, createAsyncStore, openStore } from "@dictstore/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "./sqlite-support.ts";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("openStore() and createAsyncStore() with neither backend nor url", () => {
  it("openStore() opens the SQLite file DICTSTORE_URL names, and a second open sees the write", async () => {
    const file = join(tempDir(), "env", "data.db");
    vi.stubEnv("DICTSTORE_URL", `sqlite:${file}`);
    const first = await openStore({ name: "env" });
    first.greeting = "hello";
    await close(first);
    expect(existsSync(file)).toBe(true);
    const second = await openStore({ name: "env" });
    try {
      expect(second.greeting).toBe("hello");
    } finally {
      await close(second);
    }
  });

  it("createAsyncStore() uses DICTSTORE_URL too", async () => {
    const file = join(tempDir(), "async.db");
    vi.stubEnv("DICTSTORE_URL", file);
    const store = createAsyncStore({ name: "env" });
    await store.set("n", 1);
    await close(store);
    expect(existsSync(file)).toBe(true);
    const again = await openStore({ url: `sqlite:${file}`, name: "env" });
    try {
      expect(again.n).toBe(1);
    } finally {
      await close(again);
    }
  });

  it("is memory when DICTSTORE_URL is unset or blank, and an explicit url wins over it", async () => {
    for (const value of [undefined, "  "]) {
      vi.stubEnv("DICTSTORE_URL", value);
      const store = await openStore({ name: "env" });
      store.k = 1;
      expect(store.k).toBe(1);
      await close(store);
      const fresh = await openStore({ name: "env" });
      expect(fresh.k).toBeUndefined();
      await close(fresh);
    }
    const file = join(tempDir(), "unused.db");
    vi.stubEnv("DICTSTORE_URL", `sqlite:${file}`);
    const explicit = await openStore({ url: "memory:" });
    await close(explicit);
    expect(existsSync(file)).toBe(false);
  });
});
