import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  backendFromUrl,
  defaultStoreUrl,
  isStoreError,
  parseStoreUrl,
  redisUrlOptions,
  storeUrlFromEnv,
} from "@dictstore/core";
import { describe, expect, it } from "vitest";

const CWD = resolve("/work/project");

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isStoreError(error, "INVALID_ARGUMENT"), String(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected INVALID_ARGUMENT");
}

describe("parseStoreUrl", () => {
  it("reads memory:", () => {
    expect(parseStoreUrl("memory:", CWD)).toEqual({ kind: "memory" });
    expect(parseStoreUrl(" memory: ", CWD)).toEqual({ kind: "memory" });
    invalid(() => parseStoreUrl("memory:somewhere", CWD));
  });

  it("reads sqlite: paths, relative to the working directory", () => {
    expect(parseStoreUrl("sqlite:data.db", CWD)).toEqual({ kind: "sqlite", path: join(CWD, "data.db") });
    expect(parseStoreUrl("sqlite:./a/b.db", CWD)).toEqual({ kind: "sqlite", path: join(CWD, "a/b.db") });
    expect(parseStoreUrl("sqlite:/abs/x.db", CWD)).toEqual({ kind: "sqlite", path: "/abs/x.db" });
    expect(parseStoreUrl("sqlite:///abs/x.db", CWD)).toEqual({ kind: "sqlite", path: "/abs/x.db" });
    expect(parseStoreUrl("sqlite://rel.db", CWD)).toEqual({ kind: "sqlite", path: join(CWD, "rel.db") });
    expect(parseStoreUrl("SQLITE:rel.db", CWD)).toEqual({ kind: "sqlite", path: join(CWD, "rel.db") });
    expect(parseStoreUrl("sqlite::memory:", CWD)).toEqual({ kind: "sqlite", path: ":memory:" });
    invalid(() => parseStoreUrl("sqlite:", CWD));
  });

  it("reads a bare file path, a Windows drive path and a file: URL as SQLite", () => {
    expect(parseStoreUrl("data/x.db", CWD)).toEqual({ kind: "sqlite", path: join(CWD, "data/x.db") });
    expect(parseStoreUrl("/var/lib/x.db", CWD)).toEqual({ kind: "sqlite", path: "/var/lib/x.db" });
    expect(parseStoreUrl("C:\\data\\x.db", CWD).kind).toBe("sqlite");
    expect(parseStoreUrl(pathToFileURL("/tmp/my store.db").href, CWD)).toEqual({
      kind: "sqlite",
      path: "/tmp/my store.db",
    });
  });

  it("passes redis:// and rediss:// URLs through whole", () => {
    expect(parseStoreUrl("redis://127.0.0.1:6380/2", CWD)).toEqual({
      kind: "redis",
      options: { url: "redis://127.0.0.1:6380/2" },
    });
    expect(redisUrlOptions("rediss://user:p%40ss@cache.example:6390")).toEqual({
      url: "rediss://user:p%40ss@cache.example:6390",
    });
    invalid(() => parseStoreUrl("redis://", CWD));
  });

  it("maps the cluster form to nodes plus a URL carrying credentials and TLS", () => {
    expect(redisUrlOptions("redis+cluster://10.0.0.1:7000,10.0.0.2:7001,node3")).toEqual({
      url: "redis://10.0.0.1:7000",
      cluster: [
        { host: "10.0.0.1", port: 7000 },
        { host: "10.0.0.2", port: 7001 },
        { host: "node3", port: 6379 },
      ],
    });
    expect(redisUrlOptions("rediss+cluster://app:s3cr%40t@[::1]:7000,[::1]:7001/?x=1")).toEqual({
      url: "rediss://app:s3cr%40t@[::1]:7000",
      cluster: [
        { host: "::1", port: 7000 },
        { host: "::1", port: 7001 },
      ],
    });
    expect(parseStoreUrl("REDIS+CLUSTER://a:1", CWD)).toEqual({
      kind: "redis",
      options: { url: "redis://a:1", cluster: [{ host: "a", port: 1 }] },
    });
  });

  it("rejects bad cluster addresses and never shows a password", () => {
    invalid(() => redisUrlOptions("redis+cluster://"));
    invalid(() => redisUrlOptions("redis+cluster://a:1,,b:2"));
    invalid(() => redisUrlOptions("redis+cluster://a:99999"));
    const message = invalid(() => redisUrlOptions("redis+cluster://user:hunter2@a:notaport"));
    expect(message).not.toContain("hunter2");
  });

  it("rejects unknown schemes and empty URLs, listing the accepted forms", () => {
    expect(invalid(() => parseStoreUrl("postgres://x", CWD))).toContain("redis+cluster://");
    invalid(() => parseStoreUrl("", CWD));
    invalid(() => parseStoreUrl("   ", CWD));
  });
});

describe("default and environment URLs", () => {
  it("defaults to .dictstore/data.db under the working directory", () => {
    expect(defaultStoreUrl(CWD)).toBe(`sqlite:${join(CWD, ".dictstore", "data.db")}`);
    expect(parseStoreUrl(defaultStoreUrl(CWD), "/elsewhere")).toEqual({
      kind: "sqlite",
      path: join(CWD, ".dictstore", "data.db"),
    });
  });

  it("takes DICTSTORE_URL when set and not blank", () => {
    expect(storeUrlFromEnv({ DICTSTORE_URL: "memory:" }, CWD)).toBe("memory:");
    expect(storeUrlFromEnv({ DICTSTORE_URL: "  " }, CWD)).toBe(defaultStoreUrl(CWD));
    expect(storeUrlFromEnv({}, CWD)).toBe(defaultStoreUrl(CWD));
  });
});

describe("backendFromUrl", () => {
  it("opens the memory backend for memory:", async () => {
    const backend = await backendFromUrl("memory:");
    expect(backend.name).toBe("memory");
    expect(backend.flags.persistent).toBe(false);
  });

  it("rejects a bad URL before loading anything", async () => {
    await expect(backendFromUrl("ftp://x")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
