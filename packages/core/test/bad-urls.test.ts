import { backendFromUrl, createAsyncStore, isStoreError, openStore, parseStoreUrl } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { describe, expect, it } from "vitest";

/*
 * Every bad store URL is refused up front with a catchable INVALID_ARGUMENT whose message is one
 * line and never shows the password: nothing connects, nothing is created. No server runs here;
 * a URL that were accepted would try to connect and fail with another code.
 */

const SECRET = "s3cr3t-pw";

const BAD_URLS: readonly [string, string][] = [
  ["a database that is not a number", "redis://127.0.0.1:6379/abc"],
  ["a database that is not a number, with a password", `redis://user:${SECRET}@127.0.0.1:6379/abc`],
  ["a negative database", "redis://127.0.0.1:6379/-1"],
  ["a fractional database", "redis://127.0.0.1:6379/1.5"],
  ["a database beyond any server's range", "redis://127.0.0.1:6379/99999999999"],
  ["a database with a trailing path", "redis://127.0.0.1:6379/0/extra"],
  ["a database in the query that is not a number", "redis://127.0.0.1:6379?db=x"],
  ["rediss with a database that is not a number", `rediss://:${SECRET}@127.0.0.1:6380/db1`],
  ["a port that is not a number", "redis://127.0.0.1:port"],
  ["a port out of range", "redis://127.0.0.1:70000"],
  ["port 0", `redis://:${SECRET}@127.0.0.1:0`],
  ["a negative port", "redis://127.0.0.1:-1"],
  ["no host", "redis://"],
  ["no host but a port", "redis://:6379"],
  ["no host but credentials", `redis://user:${SECRET}@`],
  ["no host, no slashes", "redis:127.0.0.1"],
  ["a password with @ and no host", `redis://u:${SECRET}@@/0`],
  ["a password with / and a bad database", `redis://u:a/${SECRET}@127.0.0.1/x`],
  ["a password with @ and a bad port", `redis://u:a@${SECRET}@127.0.0.1:0`],
  ["an unknown scheme", "mysql://127.0.0.1:3306/db"],
  ["an unknown scheme with a password", `postgres://u:${SECRET}@127.0.0.1/x`],
  ["http", "http://127.0.0.1:6379"],
  ["a blank URL", "   "],
  ["memory with an address", "memory://somewhere"],
  ["a cluster URL with a database", "redis+cluster://127.0.0.1:7000,127.0.0.1:7001/3"],
  ["a cluster URL with no node", "redis+cluster://"],
  ["a cluster node with a bad port", `rediss+cluster://u:${SECRET}@127.0.0.1:7000,127.0.0.1:99999`],
  ["a cluster node with port 0", "redis+cluster://127.0.0.1:0"],
  ["an empty sqlite path", "sqlite:"],
];

/** What `fn` throws (undefined when it returns). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectInvalid(error: unknown, url: string): void {
  expect(isStoreError(error, "INVALID_ARGUMENT"), `${url}: ${String(error)}`).toBe(true);
  const message = (error as Error).message;
  expect(message).not.toContain("\n");
  expect(message).not.toContain(SECRET);
}

describe.each(BAD_URLS)("a store URL with %s", (_what, url) => {
  it("parseStoreUrl throws INVALID_ARGUMENT", () => {
    expectInvalid(
      thrownBy(() => parseStoreUrl(url)),
      url,
    );
  });

  it("backendFromUrl and openStore reject with INVALID_ARGUMENT (catchable)", async () => {
    expectInvalid(await backendFromUrl(url).catch((e: unknown) => e), url);
    expectInvalid(await openStore({ url }).catch((e: unknown) => e), url);
  });

  it("createAsyncStore throws INVALID_ARGUMENT", () => {
    expectInvalid(
      thrownBy(() => createAsyncStore({ url })),
      url,
    );
  });
});

describe("redisBackend({ url })", () => {
  it.each(BAD_URLS.filter(([, url]) => /^rediss?:/.test(url)))("refuses %s", (_what, url) => {
    expectInvalid(
      thrownBy(() => redisBackend({ url })),
      url,
    );
  });
});
