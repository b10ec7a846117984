import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Backend } from "../backend.ts";
import { StoreError } from "../errors.ts";
import { memoryBackend } from "../memory/memory-backend.ts";
import { parseStoreUrl, type RedisUrlOptions } from "./parse-store-url.ts";

/** The environment variable that picks the backend of every tool, example and runtime. */
export const STORE_URL_ENV = "DICTSTORE_URL";

/** Where the embedded default store lives, relative to the working directory. */
export const DEFAULT_STORE_PATH = join(".dictstore", "data.db");

/*
 * The backend packages are optional peers, loaded only when a URL names them, so a memory or Redis
 * user never needs SQLite's native build. Resolved beside core first, then in the working directory. The specifiers are held in constants: a literal would make
 * TypeScript and bundlers resolve (and type-check against) packages that may not be installed.
 */
const SQLITE_PACKAGE: string = "@dictstore/sqlite";
const REDIS_PACKAGE: string = "@dictstore/redis";

interface SqliteModule {
  sqliteBackend(options: { path: string }): Backend;
}

interface RedisModule {
  redisBackend(options: RedisUrlOptions): Backend;
}

/** Options of `backendFromUrl`. */
export interface BackendFromUrlOptions {
  /** What relative SQLite paths are relative to. @default process.cwd() */
  cwd?: string;
}

/** What a store URL of each scheme needs installed, for the message when it is missing. */
const INSTALL_HINTS: Record<string, string> = {
  "sqlite:":
    "`npm install @dictstore/sqlite` (or pnpm add / yarn add). The embedded default store, used when DICTSTORE_URL is unset, is a SQLite file too: set DICTSTORE_URL (memory:, redis://…) to use another backend",
  "redis:": "`npm install @dictstore/redis ioredis` (or pnpm add / yarn add)",
};

async function importBackendPackage<TModule>(
  specifier: string,
  scheme: string,
  cwd: string,
): Promise<TModule> {
  let fromProject: string | undefined;
  try {
    return (await import(specifier)) as TModule;
  } catch (error) {
    // A `dictstore` command installed globally or run by npx resolves packages from its own
    // directory, never from the project it runs in: the backend the user installed there is next.
    fromProject = isMissingPackage(error, specifier) ? resolveFromProject(specifier, cwd) : undefined;
    if (fromProject === undefined) throw backendPackageError(error, specifier, scheme, cwd);
  }
  try {
    return (await import(fromProject)) as TModule;
  } catch (error) {
    throw backendPackageError(error, specifier, scheme, cwd);
  }
}

function isMissingPackage(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    String((error as Error).message).includes(specifier)
  );
}

/** The URL of the package's ESM entry as installed under `cwd` (or a parent), if it is. */
function resolveFromProject(specifier: string, cwd: string): string | undefined {
  try {
    const require = createRequire(join(cwd, "package.json"));
    const manifestFile = require.resolve(`${specifier}/package.json`);
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as {
      exports?: { ".": { import?: { default?: unknown } } };
    };
    const entry = manifest.exports?.["."].import?.default;
    const file = typeof entry === "string" ? join(dirname(manifestFile), entry) : require.resolve(specifier);
    return pathToFileURL(file).href;
  } catch {
    return undefined;
  }
}

function backendPackageError(error: unknown, specifier: string, scheme: string, cwd: string): StoreError {
  return new StoreError(
    "UNSUPPORTED_OPERATION",
    isMissingPackage(error, specifier)
      ? `[@dictstore/core] ${scheme} store URLs need the ${specifier} package, which is not installed (neither beside @dictstore/core nor in ${cwd}): run ${INSTALL_HINTS[scheme] ?? `\`npm install ${specifier}\``}.`
      : `[@dictstore/core] Loading ${specifier} for a ${scheme} store URL failed: ${String((error as Error).message ?? error)}`,
    { cause: error },
  );
}

/** Loads `@dictstore/sqlite` only when a URL asks for it. */
export function loadSqlitePackage(cwd: string = process.cwd()): Promise<SqliteModule> {
  return importBackendPackage<SqliteModule>(SQLITE_PACKAGE, "sqlite:", cwd);
}

/** Loads `@dictstore/redis` only when a URL asks for it. */
export function loadRedisPackage(cwd: string = process.cwd()): Promise<RedisModule> {
  return importBackendPackage<RedisModule>(REDIS_PACKAGE, "redis:", cwd);
}

/**
 * Opens the backend a store URL names: `memory:`; `sqlite:<path>` or a bare file path (relative to
 * `cwd`; the file's directory is created on first use; `sqlite::memory:` too); `redis://…`,
 * `rediss://…`; `redis+cluster://host:port,host:port` (`rediss+cluster://` for TLS). The SQLite
 * and Redis packages are imported only here, on demand. The caller owns the backend (`dispose`).
 */
export async function backendFromUrl(url: string, options: BackendFromUrlOptions = {}): Promise<Backend> {
  const cwd = options.cwd ?? process.cwd();
  const target = parseStoreUrl(url, cwd);
  switch (target.kind) {
    case "memory":
      return memoryBackend(undefined);
    case "sqlite": {
      const { sqliteBackend } = await loadSqlitePackage(cwd);
      if (target.path !== ":memory:") {
        try {
          mkdirSync(dirname(target.path), { recursive: true });
        } catch (error) {
          throw new StoreError(
            "BACKEND_UNAVAILABLE",
            `[@dictstore/core] [sqlite] Could not create the directory of ${target.path}: ${(error as Error).message}`,
            { cause: error, backend: "sqlite" },
          );
        }
      }
      return sqliteBackend({ path: target.path });
    }
    case "redis": {
      const { redisBackend } = await loadRedisPackage(cwd);
      return redisBackend(target.options);
    }
  }
}

/** The URL of the embedded default store: the SQLite file `.dictstore/data.db` under `cwd`. */
export function defaultStoreUrl(cwd: string = process.cwd()): string {
  return `sqlite:${join(cwd, DEFAULT_STORE_PATH)}`;
}

/** The store URL to use: `DICTSTORE_URL` when set (and not blank), else the embedded default under `cwd`. */
export function storeUrlFromEnv(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return envStoreUrl(env) ?? defaultStoreUrl(cwd);
}

/** `DICTSTORE_URL` when it is set and not blank. */
function envStoreUrl(env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env[STORE_URL_ENV]?.trim();
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}

/**
 * Options with neither `backend` nor `url` take their URL from `DICTSTORE_URL` when it is set (and
 * not blank), so a script picks its backend the way the CLI and the workflow runtime do; memory otherwise.
 */
export function withEnvUrl<TOptions extends { backend?: unknown; url?: string }>(
  options: TOptions,
  env: NodeJS.ProcessEnv = process.env,
): TOptions {
  if (options.backend !== undefined || options.url !== undefined) return options;
  const url = envStoreUrl(env);
  return url === undefined ? options : { ...options, url };
}
