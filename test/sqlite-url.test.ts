import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { backendFromUrl, createStore, type SyncBackend, storeUrlFromEnv } from "@dictstore/core";
import { describe, expect, it } from "vitest";
import { repoRoot, tempDir, tsxLoader } from "./sqlite-support.ts";

const run = promisify(execFile);
const counterExample = fileURLToPath(new URL("../examples/seed/12-counter.ts", import.meta.url));
const urlChild = fileURLToPath(new URL("./sqlite-url-child.ts", import.meta.url));

/** Runs a TypeScript file under tsx with the repo's path mapping, from any working directory. */
function tsx(
  file: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; imports?: string[] },
) {
  const imports = [tsxLoader, ...(options.imports ?? [])].flatMap((url) => ["--import", url]);
  return run(process.execPath, [...imports, file, ...args], {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), TSX_TSCONFIG_PATH: join(repoRoot, "tsconfig.json") },
  });
}

function envWithout(name: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env[name];
  return env;
}

describe("the default store URL", () => {
  it("running the counter example twice, as two processes, prints 1 then 2 (no server, nothing set)", async () => {
    const cwd = tempDir();
    const env = envWithout("DICTSTORE_URL");
    const first = await tsx(counterExample, [], { cwd, env });
    const second = await tsx(counterExample, [], { cwd, env });
    expect(first.stdout).toMatch(/store\s+counter = 1\n/);
    expect(second.stdout).toMatch(/store\s+counter = 2\n/);
    expect(existsSync(join(cwd, ".dictstore", "data.db"))).toBe(true);
  });

  it("is an SQLite file under .dictstore/, created with its directory on first use", async () => {
    const cwd = tempDir();
    const backend = (await backendFromUrl(storeUrlFromEnv({}, cwd))) as SyncBackend;
    try {
      expect(backend.name).toBe("sqlite");
      expect(backend.flags).toMatchObject({ sync: true, persistent: true });
      createStore({ backend, name: "n" }).k = 1;
      expect(existsSync(join(cwd, ".dictstore", "data.db"))).toBe(true);
    } finally {
      await backend.dispose?.();
    }
  });
});

describe("backendFromUrl with the real packages", () => {
  it("opens sqlite: paths relative to cwd, creating directories, and sqlite::memory:", async () => {
    const cwd = tempDir();
    const backend = (await backendFromUrl("sqlite:nested/dir/store.db", { cwd })) as SyncBackend;
    backend.set("s", "k", "1");
    await backend.dispose?.();
    const again = (await backendFromUrl(`sqlite:${join(cwd, "nested/dir/store.db")}`)) as SyncBackend;
    expect(again.get("s", "k")?.value).toBe("1");
    await again.dispose?.();
    const memory = await backendFromUrl("sqlite::memory:");
    expect(memory).toMatchObject({ name: "sqlite", flags: { persistent: false } });
    await memory.dispose?.();
  });

  it("maps redis://, rediss:// and the cluster form to the Redis package without connecting", async () => {
    for (const url of [
      "redis://127.0.0.1:1/0",
      "rediss://user:pw@127.0.0.1:1",
      "redis+cluster://127.0.0.1:1,127.0.0.1:2",
    ]) {
      const backend = await backendFromUrl(url);
      expect(backend.name, url).toBe("redis");
      expect(backend.flags.sync).toBe(false);
      await backend.dispose?.();
    }
  });
});

/** A `--import` module whose loader hook makes these bare specifiers unresolvable, as if not installed. */
function unresolvable(dir: string, specifiers: string[]): string {
  const hooks = join(dir, "hooks.mjs");
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
      if (${JSON.stringify(specifiers)}.includes(specifier)) {
        throw Object.assign(new Error("Cannot find package '" + specifier + "'"), { code: "ERR_MODULE_NOT_FOUND" });
      }
      return next(specifier, context);
    }`,
  );
  const register = join(dir, "register.mjs");
  writeFileSync(
    register,
    `import { register } from "node:module"; register(${JSON.stringify(pathToFileURL(hooks).href)});`,
  );
  return pathToFileURL(register).href;
}

describe("backends load lazily", () => {
  it("a backend package core cannot see is loaded from the working directory's project (a global or npx `dictstore`)", async () => {
    const dir = tempDir();
    // @dictstore/sqlite is unresolvable beside core, but the repo root (the working directory) has it.
    const { stdout } = await tsx(urlChild, [`sqlite:${join(dir, "x.db")}`], {
      cwd: repoRoot,
      imports: [unresolvable(dir, ["@dictstore/sqlite"])],
    });
    expect(JSON.parse(stdout.trim())).toMatchObject({ name: "sqlite", persistent: true });
  });

  it("memory: and redis:// work with @dictstore/sqlite and better-sqlite3 unresolvable; sqlite: says what to install", async () => {
    const dir = tempDir();
    // Run from a directory without node_modules: core also looks for a backend package there.
    const { stdout } = await tsx(
      urlChild,
      ["memory:", "redis://127.0.0.1:1", `sqlite:${join(dir, "x.db")}`],
      {
        cwd: dir,
        imports: [unresolvable(dir, ["@dictstore/sqlite", "better-sqlite3"])],
      },
    );
    const [memory, redis, sqlite] = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(memory).toMatchObject({ name: "memory", persistent: false });
    expect(redis).toMatchObject({ name: "redis" });
    expect(sqlite.code).toBe("UNSUPPORTED_OPERATION");
    expect(sqlite.message).toContain("npm install @dictstore/sqlite");
    expect(existsSync(join(dir, "x.db"))).toBe(false);
  });
});
