import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeSamples } from "../../test/readme-samples.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const appSources = fileURLToPath(new URL("./app/", import.meta.url));
const packagesDir = join(repoRoot, "packages");
const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);
/** How a user runs a `.mts` sample (`npx tsx`): the workspace's tsx, so nothing more is installed. */
const tsxLoader = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  repository?: { type?: string; url?: string; directory?: string } | string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const packages = readdirSync(packagesDir)
  .filter((dir) => existsSync(join(packagesDir, dir, "package.json")))
  .map((dir) => ({
    dir: join(packagesDir, dir),
    manifest: readJson<Manifest>(join(packagesDir, dir, "package.json")),
  }))
  .filter(({ manifest }) => manifest.private !== true);

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (or its timeout) and returns its exit code and output; never throws. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 16 << 20,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        const timedOut =
          error !== null && error.killed === true ? `\n(killed after ${options.timeoutMs ?? 60_000} ms)` : "";
        resolve({ code, stdout: String(stdout), stderr: String(stderr) + timedOut });
      },
    );
  });
}

function expectSuccess(result: Run, what: string): void {
  expect(result.code, `${what}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`).toBe(0);
}

/** The version of a dependency the workspace installed, so the temp project gets the same one. */
function installedVersion(name: string, from: string): string {
  const require = createRequire(join(from, "package.json"));
  return readJson<{ version: string }>(require.resolve(`${name}/package.json`)).version;
}

/** Outside the workspace, so nothing resolves through its node_modules. */
const work = mkdtempSync(join(tmpdir(), "dictstore-pack-install-"));
const tarballDir = join(work, "tarballs");
const app = join(work, "app");
const cliOnly = join(work, "cli-only");
/** What the @dictstore/bullmq README says to install, and nothing else (no @dictstore/sqlite). */
const bullmqOnly = join(work, "bullmq-only");
/** Core and SQLite installed by a package manager that skipped better-sqlite3's build script. */
const sqliteUnbuilt = join(work, "sqlite-unbuilt");
const tarballs = new Map<string, string>();
let redis: RedisServer | undefined;

/** An environment without the workspace's store URL and node options. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!("DICTSTORE_URL" in extra)) delete env.DICTSTORE_URL;
  delete env.NODE_OPTIONS;
  delete env.VITEST;
  return env;
}

/** Writes a package.json and runs `npm install` in `dir`, reusing the workspace's better-sqlite3 build. */
async function installProject(
  dir: string,
  dependencies: Record<string, string>,
  overrides?: Record<string, string>,
  { nativeBuild = true }: { nativeBuild?: boolean } = {},
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: "app",
    private: true,
    dependencies,
    ...(overrides === undefined ? {} : { overrides }),
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  // --legacy-peer-deps: @dictstore/testing's peer vitest is not wanted in a user's app; ioredis is listed.
  const installed = await run(
    "npm",
    ["install", "--ignore-scripts", "--legacy-peer-deps", "--prefer-offline", "--no-audit", "--no-fund"],
    { cwd: dir, env: cleanEnv(), timeoutMs: 180_000 },
  );
  expectSuccess(installed, `npm install in ${dir}`);
  if (!nativeBuild) return;
  const binding = join("build", "Release", "better_sqlite3.node");
  const sqliteDir = join(packagesDir, "sqlite");
  const workspaceSqlite = join(
    createRequire(join(sqliteDir, "package.json")).resolve("better-sqlite3/package.json"),
    "..",
  );
  const target = join(dir, "node_modules", "better-sqlite3");
  if (!existsSync(target)) return;
  mkdirSync(join(target, "build", "Release"), { recursive: true });
  copyFileSync(join(workspaceSqlite, binding), join(target, binding));
}

beforeAll(async () => {
  expect(relative(repoRoot, work).startsWith("..")).toBe(true);
  mkdirSync(tarballDir, { recursive: true });
  mkdirSync(app, { recursive: true });
  for (const { dir, manifest } of packages) {
    const packed = await run("pnpm", ["pack", "--pack-destination", tarballDir], { cwd: dir });
    expectSuccess(packed, `pnpm pack ${manifest.name}`);
    const file = join(
      tarballDir,
      `${manifest.name.replace("@", "").replace("/", "-")}-${manifest.version}.tgz`,
    );
    expect(existsSync(file), file).toBe(true);
    tarballs.set(manifest.name, file);
  }

  // The app depends on every tarball plus what a user adds: ioredis (a peer of @dictstore/redis),
  // TypeScript and Node's types. The native module is pinned to the workspace's version so the
  // binary pnpm already compiled can be reused: compiling SQLite again would triple this test's time.
  const sqliteDir = join(packagesDir, "sqlite");
  const dependencies: Record<string, string> = {
    "better-sqlite3": installedVersion("better-sqlite3", sqliteDir),
    ioredis: installedVersion("ioredis", join(packagesDir, "redis")),
    typescript: installedVersion("typescript", repoRoot),
    "@types/node": installedVersion("@types/node", repoRoot),
  };
  for (const [name, file] of tarballs) dependencies[name] = `file:${file}`;
  // The projects install at once: npm mostly waits on its cache and the disk.
  const installs = [installProject(app, dependencies)];
  // The CLI alone, as `npm install @dictstore/cli` gives it: only what its own manifest pulls in.
  // (The other tarballs stand in for the registry through `overrides`; they are installed only if
  // something in the tree depends on them.)
  const overrides = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  installs.push(
    installProject(
      cliOnly,
      {
        "@dictstore/cli": `file:${tarballs.get("@dictstore/cli") as string}`,
        "better-sqlite3": dependencies["better-sqlite3"] as string,
      },
      overrides,
    ),
  );

  // The @dictstore/bullmq README's install line, as a BullMQ user types it.
  installs.push(
    installProject(bullmqOnly, {
      ...Object.fromEntries(
        ["@dictstore/core", "@dictstore/workflow", "@dictstore/redis", "@dictstore/bullmq"].map((name) => [
          name,
          `file:${tarballs.get(name) as string}`,
        ]),
      ),
      bullmq: installedVersion("bullmq", repoRoot),
      ioredis: dependencies.ioredis as string,
    }),
  );

  installs.push(
    installProject(
      sqliteUnbuilt,
      {
        "@dictstore/core": `file:${tarballs.get("@dictstore/core") as string}`,
        "@dictstore/sqlite": `file:${tarballs.get("@dictstore/sqlite") as string}`,
        "better-sqlite3": dependencies["better-sqlite3"] as string,
      },
      undefined,
      { nativeBuild: false },
    ),
  );
  await Promise.all(installs);

  for (const file of ["esm.mjs", "cjs.cjs", "tsconfig.nodenext.json", "tsconfig.bundler.json"]) {
    copyFileSync(join(appSources, file), join(app, file));
  }
  for (const target of ["check.ts", "check.mts", "check.cts"])
    copyFileSync(join(appSources, "check.ts"), join(app, target));
  redis = await startRedisServer();
}, 300_000);

afterAll(async () => {
  await redis?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("every package tarball", () => {
  it.each(packages.map(({ manifest }) => manifest.name))(
    "%s has a README, a LICENSE, a repository and no workspace: ranges",
    async (name) => {
      const file = tarballs.get(name) as string;
      const listing = await run("tar", ["-tzf", file], { cwd: work });
      expectSuccess(listing, "tar -t");
      const files = listing.stdout.split("\n").filter(Boolean);
      expect(files).toContain("package/README.md");
      expect(files).toContain("package/LICENSE");
      expect(files).toContain("package/dist/index.js");
      const manifest = JSON.parse(
        (await run("tar", ["-xzOf", file, "package/package.json"], { cwd: work })).stdout,
      ) as Manifest;
      expect(manifest.license).toBe("MIT");
      expect(manifest.repository).toMatchObject({
        type: "git",
        url: expect.stringMatching(/^git\+https:\/\//),
      });
      expect(JSON.stringify(manifest)).not.toContain("workspace:");
    },
  );

  it("@dictstore/testing ships ESM only (its suite imports vitest, which a CommonJS build could never load)", async () => {
    const listing = await run("tar", ["-tzf", tarballs.get("@dictstore/testing") as string], { cwd: work });
    expect(listing.stdout).not.toMatch(/\.c[jt]s\b/);
  });

  it.each(packages.map(({ manifest }) => manifest.name))("%s: publint is clean", async (name) => {
    const result = await run(
      bin("publint"),
      ["run", tarballs.get(name) as string, "--strict", "--level", "suggestion"],
      { cwd: work },
    );
    expectSuccess(result, "publint");
    expect(result.stdout).toContain("All good");
  });

  it.each(packages.map(({ manifest }) => manifest.name))("%s: are-the-types-wrong is clean", async (name) => {
    const profile = name === "@dictstore/testing" ? "esm-only" : "strict";
    const result = await run(
      bin("attw"),
      [tarballs.get(name) as string, "--profile", profile, "--format", "ascii", "--no-color", "--no-emoji"],
      { cwd: work },
    );
    expectSuccess(result, "attw");
  });
});

type Format = "esm.mjs" | "cjs.cjs";
const formats: Format[] = ["esm.mjs", "cjs.cjs"];

interface ScriptOutput {
  greeting?: string;
  date: boolean;
  visits: number;
  step: number | string;
  keys: string[];
  direct: number[];
}

async function runScript(
  script: Format,
  url: string | undefined,
  env: NodeJS.ProcessEnv = {},
): Promise<ScriptOutput> {
  const result = await run(process.execPath, url === undefined ? [script] : [script, url], {
    cwd: app,
    env: cleanEnv(env),
    timeoutMs: 30_000,
  });
  expectSuccess(result, `node ${script} ${url ?? ""}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) as string) as ScriptOutput;
}

describe("the installed packages at run time", () => {
  it.each(formats)("%s over memory: (a second open is a fresh store)", async (script) => {
    expect(await runScript(script, "memory:")).toEqual({
      date: false,
      visits: 1,
      step: 1,
      keys: ["visits"],
      direct: [1, 2],
    });
  });

  it.each(formats)("%s over SQLite: data outlives the store, Dates come back as Dates", async (script) => {
    expect(await runScript(script, `sqlite:${join(app, `${script}.db`)}`)).toEqual({
      greeting: "hello",
      date: true,
      visits: 2,
      step: 2,
      keys: ["greeting", "visits", "when"],
      direct: [1, 2],
    });
  });

  it.each(formats)("%s over a private Redis", async (script) => {
    expect(await runScript(script, (redis as RedisServer).url)).toMatchObject({
      greeting: "hello",
      date: true,
      visits: 2,
      step: 2,
    });
  });

  it.each(formats)("%s: openStore() with neither backend nor url uses DICTSTORE_URL", async (script) => {
    const file = join(app, `env-${script}.db`);
    expect(await runScript(script, undefined, { DICTSTORE_URL: file })).toMatchObject({
      greeting: "hello",
      visits: 2,
    });
    expect(existsSync(file)).toBe(true);
  });

  it("a store opened through require() is flushed, recognised and closed by the imported build (both builds share one store table)", async () => {
    const script = [
      'import { createRequire } from "node:module";',
      'const cjs = createRequire(import.meta.url)("@dictstore/core");',
      'const esm = await import("@dictstore/core");',
      "const store = cjs.createStore();",
      "store.visits = 1;",
      "await esm.flush(store);",
      "const known = esm.isStore(store);",
      "await esm.close(store);",
      "console.log(JSON.stringify({ distinct: cjs.createStore !== esm.createStore, known, closed: cjs.isStore(store) }));",
    ].join("\n");
    writeFileSync(join(app, "mixed-builds.mjs"), script);
    const result = await run(process.execPath, ["mixed-builds.mjs"], {
      cwd: app,
      env: cleanEnv(),
      timeoutMs: 30_000,
    });
    expectSuccess(result, "node mixed-builds.mjs");
    expect(JSON.parse(result.stdout.trim())).toEqual({ distinct: true, known: true, closed: true });
  });

  it("`npx dictstore info` works on the default backend with only @dictstore/cli installed", async () => {
    const cwd = join(cliOnly, "cli-cwd");
    mkdirSync(cwd, { recursive: true });
    const result = await run("npx", ["--no-install", "dictstore", "info"], { cwd, env: cleanEnv() });
    expectSuccess(result, "npx dictstore info");
    expect(result.stdout).toMatch(/backend\s+sqlite/);
    expect(existsSync(join(cwd, ".dictstore", "data.db"))).toBe(true);
  });
});

/** The first ```ts sample of a README, as a user copies it. */
function firstSample(readme: string): string {
  const sample = readmeSamples(repoRoot).find((candidate) => candidate.where.startsWith(`${readme}:`));
  expect(sample, `a ts sample in ${readme}`).toBeDefined();
  return (sample as { code: string }).code;
}

describe("as the READMEs tell a user to install and run things", () => {
  it("the root README's first sample, saved as first.mts in an `npm init -y` (CommonJS) project, counts 1, then 2 on SQLite", async () => {
    writeFileSync(join(app, "first.mts"), firstSample("README.md"));
    const env = cleanEnv({ DICTSTORE_URL: `sqlite:${join(app, "first.db")}` });
    const runs: string[] = [];
    for (const attempt of [1, 2]) {
      const result = await run(process.execPath, ["--import", tsxLoader, "first.mts"], {
        cwd: app,
        env,
        timeoutMs: 30_000,
      });
      expectSuccess(result, "tsx first.mts");
      runs.push(`${attempt}: ${result.stdout.trim().split("\n").at(-1) as string}`);
    }
    expect(runs).toEqual(["1: 1", "2: 2"]);
  });

  it("the @dictstore/bullmq README sample runs with only that README's install line and REDIS_URL, and exits", async () => {
    writeFileSync(join(bullmqOnly, "worker.mts"), firstSample("packages/bullmq/README.md"));
    const result = await run(process.execPath, ["--import", tsxLoader, "worker.mts"], {
      cwd: bullmqOnly,
      env: cleanEnv({ REDIS_URL: (redis as RedisServer).url }),
      timeoutMs: 30_000,
    });
    expectSuccess(result, "tsx worker.mts");
    expect(result.stdout).toContain("counter: 1");
  });

  it("a `dictstore` installed elsewhere (npm install -g, npx) uses the @dictstore/redis of the project it runs in", async () => {
    // cli-only holds the CLI without @dictstore/redis; app, the working directory, has it and ioredis.
    const result = await run(
      join(cliOnly, "node_modules", ".bin", "dictstore"),
      ["--url", (redis as RedisServer).url, "--json", "info"],
      { cwd: app, env: cleanEnv() },
    );
    expectSuccess(result, "dictstore --url redis://… info, run from the app project");
    expect(JSON.parse(result.stdout)).toMatchObject({ backend: "redis" });
  });

  it("SQLite without better-sqlite3's native build (install scripts skipped) fails with a typed error that says how to build it", async () => {
    writeFileSync(
      join(sqliteUnbuilt, "open.mjs"),
      [
        'import { openStore } from "@dictstore/core";',
        "try {",
        '  await openStore({ name: "unbuilt" });',
        "} catch (error) {",
        "  console.log(JSON.stringify({ code: error.code, message: error.message }));",
        "}",
      ].join("\n"),
    );
    const result = await run(process.execPath, ["open.mjs"], {
      cwd: sqliteUnbuilt,
      env: cleanEnv({ DICTSTORE_URL: "sqlite:data.db" }),
    });
    expectSuccess(result, "node open.mjs");
    const { code, message } = JSON.parse(result.stdout) as { code: string; message: string };
    expect(code).toBe("BACKEND_UNAVAILABLE");
    expect(message).toContain("run `npm rebuild better-sqlite3`");
    expect(message.split("\n")).toHaveLength(1);
  });
});

describe("a strict TypeScript build against the installed types (skipLibCheck false)", () => {
  it.each(["nodenext", "bundler"])("compiles under module resolution %s", async (mode) => {
    const result = await run(join(app, "node_modules", ".bin", "tsc"), ["-p", `tsconfig.${mode}.json`], {
      cwd: app,
      timeoutMs: 120_000,
    });
    expectSuccess(result, `tsc -p tsconfig.${mode}.json`);
  });
});
