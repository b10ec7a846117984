import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";

/*
 * The Lua scripts are `.lua` files: read from source under vitest and tsx, inlined into dist by the
 * build. This runs every script family from the built ESM and CJS files and from source under tsx.
 * (dist comes from `pnpm build`, which the test command runs first.)
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../", import.meta.url));
const dist = (file: string) => `${root}packages/redis/dist/${file}`;
const coreDist = `${root}packages/core/dist/index.js`;

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
}, 30_000);
afterAll(() => server?.stop());

/** A program that uses every script: writes, reads, lists, loads, increments, renames, drops. */
const program = (load: (what: string) => string) => `
const { createAsyncStore, openStore, refresh, close } = ${load("core")};
const { redisBackend } = ${load("redis")};
(async () => {
  const backend = redisBackend({ url: process.env.DS_URL, prefix: process.env.DS_PREFIX });
  const store = createAsyncStore({ backend, name: "s" });
  await store.set("a:1", 1);
  await store.set("a:2", 2, { ttl: 60 });
  await store.increment("a:1", 5);
  await store.delete("a:2");
  const view = await openStore({ backend, name: "s", load: { prefixes: ["a:"] } });
  view.set("a:3", 3);
  await refresh(view);
  const page = await backend.listKeys("s", { prefix: "a:", limit: 10 });
  await backend.renameStore("s", "t");
  const size = await backend.count("t");
  await backend.dropStore("t");
  const a1 = view.get("a:1");
  await close(view).catch(() => {});
  await backend.dispose();
  process.stdout.write(JSON.stringify({ keys: page.keys, a1, size }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

const env = (prefix: string) => ({ env: { ...process.env, DS_URL: server.url, DS_PREFIX: prefix } });

const expected = { keys: ["a:1", "a:3"], a1: 6, size: 2 };

describe("the Lua scripts load in every way the package runs", () => {
  it("from the built ESM and CJS files", async () => {
    for (const file of ["index.js", "index.cjs", "index.d.ts"]) {
      expect(existsSync(dist(file)), `${dist(file)} is missing: run \`pnpm build\` first`).toBe(true);
    }
    const esmSource = program(() => "")
      .replace(/const \{ createAsyncStore[^\n]*\n/, "")
      .replace(/const \{ redisBackend[^\n]*\n/, "")
      .replace(
        "(async () => {",
        `(async () => {\n  const { createAsyncStore, openStore, refresh, close } = await import(${JSON.stringify(coreDist)});\n  const { redisBackend } = await import(${JSON.stringify(dist("index.js"))});`,
      );
    const esmOut = await run(process.execPath, ["--input-type=module", "-e", esmSource], env("esm:"));
    expect(JSON.parse(esmOut.stdout)).toEqual(expected);
    const cjsSource = program((what) =>
      what === "core"
        ? `require(${JSON.stringify(`${root}packages/core/dist/index.cjs`)})`
        : `require(${JSON.stringify(dist("index.cjs"))})`,
    );
    const cjsOut = await run(process.execPath, ["--input-type=commonjs", "-e", cjsSource], env("cjs:"));
    expect(JSON.parse(cjsOut.stdout)).toEqual(expected);
  }, 60_000);

  it("from source under tsx", async () => {
    const tsx = new URL("../../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
    const source = program(() => "").replace(
      /const \{ createAsyncStore[^\n]*\nconst \{ redisBackend[^\n]*\n/,
      `import { createAsyncStore, openStore, refresh, close } from ${JSON.stringify(`${root}packages/core/src/index.ts`)};\nimport { redisBackend } from ${JSON.stringify(`${root}packages/redis/src/index.ts`)};\n`,
    );
    const { writeFile, mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(`${tmpdir()}/dictstore-lua-`);
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await writeFile(`${dir}/program.ts`, source);
    const out = await run(process.execPath, ["--import", tsx, `${dir}/program.ts`], env("tsx:"));
    expect(JSON.parse(out.stdout)).toEqual(expected);
  }, 60_000);
});
