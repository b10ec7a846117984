import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";
import { afterAll, beforeAll } from "vitest";
import { inlineLua, luaLoader } from "../packages/redis/src/scripts/inline-lua-plugin.ts";

/*
 * End-to-end helpers for the `dictstore` CLI: every test runs it as a real child process.
 *
 * Starting it through tsx costs ~0.7 s of CPU per run; the suite runs it dozens of times on a
 * shared 2-core machine. So each test file bundles the CLI's src once (esbuild, through tsup's API,
 * the same compiler that builds dist) and runs the bundle with plain node. The backend packages,
 * which core imports on demand by name, are bundled as sibling packages the bundle resolves first.
 */

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const packagesDir = join(repoRoot, "packages");
const alias = Object.fromEntries(
  readdirSync(packagesDir).map((name) => [`@dictstore/${name}`, join(packagesDir, name, "src/index.ts")]),
);
// Native or connection-holding clients stay outside the bundle and resolve from the repo's node_modules.
const EXTERNAL = ["better-sqlite3", "ioredis"];
const LAZY_BACKENDS = ["sqlite", "redis"];

/** A bundled CLI, ready to spawn. */
export interface BuiltCli {
  /** The bundle's entry file. */
  readonly entry: string;
  /** Removes the bundle. */
  remove(): void;
}

/** Bundles packages/cli/src into a fresh folder under node_modules/.cache (so external packages resolve). */
export async function buildCli(): Promise<BuiltCli> {
  const cacheDir = join(repoRoot, "node_modules/.cache/dictstore-cli-tests");
  mkdirSync(cacheDir, { recursive: true });
  const outDir = join(cacheDir, randomUUID());
  const entry: Record<string, string> = { cli: join(packagesDir, "cli/src/cli.ts") };
  for (const name of LAZY_BACKENDS)
    entry[`node_modules/@dictstore/${name}/index`] = alias[`@dictstore/${name}`] as string;
  await build({
    config: false,
    entry,
    outDir,
    format: ["esm"],
    outExtension: () => ({ js: ".js" }),
    platform: "node",
    target: "node20",
    splitting: true,
    dts: false,
    sourcemap: false,
    clean: false,
    silent: true,
    external: EXTERNAL,
    // The Redis backend's Lua scripts are `.lua` files, inlined into the bundle.
    loader: luaLoader,
    esbuildPlugins: [inlineLua],
    noExternal: [new RegExp(`^(?!(${EXTERNAL.join("|")})$)`)],
    // CommonJS dependencies bundled into ESM call require() for Node built-ins.
    banner: {
      js: 'import { createRequire as __dictstoreCreateRequire } from "node:module"; const require = __dictstoreCreateRequire(import.meta.url);',
    },
    esbuildOptions(options) {
      options.alias = alias;
    },
  });
  writeFileSync(join(outDir, "package.json"), '{ "type": "module" }\n');
  for (const name of LAZY_BACKENDS) {
    writeFileSync(
      join(outDir, `node_modules/@dictstore/${name}/package.json`),
      `${JSON.stringify({ name: `@dictstore/${name}`, type: "module", exports: "./index.js" })}\n`,
    );
  }
  return { entry: join(outDir, "cli.js"), remove: () => rmSync(outDir, { recursive: true, force: true }) };
}

/** What a CLI run printed and how it exited. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of one CLI run. */
export interface RunOptions {
  /** DICTSTORE_URL for the run (unset when omitted). */
  readonly url?: string;
  /** More environment variables (colour variables and DICTSTORE_URL are removed unless given here). */
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** Text written to the CLI's stdin (which is closed either way). */
  readonly input?: string;
  /** Extra node flags, e.g. `--import` of a probe. */
  readonly nodeArgs?: readonly string[];
  /** Kill the run after this long. @default 30000 */
  readonly timeoutMs?: number;
}

/** A clean environment: no inherited colour settings or backend URL. */
function childEnv(options: RunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["DICTSTORE_URL", "FORCE_COLOR", "NO_COLOR", "NODE_OPTIONS", "CI_COLOR"])
    delete env[name];
  if (options.url !== undefined) env.DICTSTORE_URL = options.url;
  return { ...env, ...options.env };
}

/** Runs the bundled CLI with `args` and resolves when it exits. */
export function runCli(cli: BuiltCli, args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return runNode([...(options.nodeArgs ?? []), cli.entry, ...args], options);
}

/** Runs node with `args` (used for the CLI bundle and for the dev-time tsx entry). */
export function runNode(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return runCommand(process.execPath, args, options);
}

/** Runs any program with the CLI's clean environment and collects its output. */
export function runCommand(
  program: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd ?? repoRoot,
      env: childEnv(options),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on("error", () => {}); // the CLI may exit before reading its input
    child.stdin.end(options.input ?? "");
  });
}

/**
 * Runs the CLI inside a pseudo-terminal (util-linux `script`), so stdin, stdout and stderr are all a
 * TTY; `input` is typed into it. Everything the terminal showed comes back as stdout.
 */
export function runInTerminal(
  cli: BuiltCli,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CliRun> {
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, ...(options.nodeArgs ?? []), cli.entry, ...args].map(quote).join(" ");
  return runCommand("script", ["-qec", command, "/dev/null"], options);
}

/** A temporary directory and the SQLite URL of a database inside it. */
export interface Workspace {
  readonly dir: string;
  readonly url: string;
  /** Removes the directory. */
  remove(): void;
}

/** A fresh temporary directory and a SQLite URL inside it; removed by `remove()`. */
export function tempWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), "dictstore-cli-"));
  return {
    dir,
    url: `sqlite:${join(dir, "data.db")}`,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The one line of JSON a `--json` run printed on stdout. */
export function jsonOf(run: CliRun): unknown {
  const text = run.stdout.trim();
  if (text === "" || text.includes("\n")) {
    throw new Error(`expected one line of JSON on stdout, got:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
  return JSON.parse(text);
}

/** A test file's CLI bundle and SQLite workspace, made before its tests and removed after them. */
export interface CliSuite {
  /** The bundle; read it inside hooks and tests, never at the file's top level. */
  readonly cli: BuiltCli;
  /** The workspace; read it inside hooks and tests, never at the file's top level. */
  readonly workspace: Workspace;
  /** Runs the CLI on the workspace's SQLite database. */
  ds(args: readonly string[], options?: Omit<RunOptions, "url">): Promise<CliRun>;
}

/**
 * Registers the hooks that bundle the CLI and make a workspace (beforeAll, within `timeoutMs` when
 * given) and remove both (afterAll). Call it at a test file's top level, before the file's own hooks.
 */
export function useCliSuite(timeoutMs?: number): CliSuite {
  let cli: BuiltCli | undefined;
  let workspace: Workspace | undefined;
  beforeAll(async () => {
    cli = await buildCli();
    workspace = tempWorkspace();
  }, timeoutMs);
  afterAll(() => {
    cli?.remove();
    workspace?.remove();
  });
  const suite: CliSuite = {
    get cli() {
      if (cli === undefined) throw new Error("useCliSuite: the CLI is built in beforeAll");
      return cli;
    },
    get workspace() {
      if (workspace === undefined) throw new Error("useCliSuite: the workspace is made in beforeAll");
      return workspace;
    },
    ds: (args, options = {}) => runCli(suite.cli, args, { url: suite.workspace.url, ...options }),
  };
  return suite;
}
