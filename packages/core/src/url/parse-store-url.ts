import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { StoreError } from "../errors.ts";

/** A Redis Cluster node, as `redisBackend({ cluster })` takes it. */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/**
 * The `redisBackend` options a Redis URL maps to: `{ url }` for one server; for a cluster, the
 * nodes plus a `url` that carries only the credentials and TLS (`rediss:`) every node shares.
 */
export type RedisUrlOptions = { url: string } | { url: string; cluster: RedisClusterNode[] };

/** What a store URL names: the backend kind and what it needs. */
export type StoreUrlTarget =
  | { readonly kind: "memory" }
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "redis"; readonly options: RedisUrlOptions };

/** The forms `parseStoreUrl` accepts, for error messages. */
export const STORE_URL_FORMS =
  "memory:, sqlite:<path> (or a bare file path, or sqlite::memory:), redis://host:port, rediss://host:port, redis+cluster://host:port,host:port";

const DEFAULT_REDIS_PORT = 6379;

function invalid(message: string): StoreError {
  return new StoreError("INVALID_ARGUMENT", `[@dictstore/core] ${message} Store URLs: ${STORE_URL_FORMS}.`);
}

/** A URL with any password replaced by `***`, for messages. */
export function redactStoreUrl(url: string): string {
  // Up to the last "@": a password may itself hold "@" or "/" when it was not percent-encoded.
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^@]*:)[\s\S]*@/i.exec(url);
  if (match === null) return url;
  const user = (match[2] as string).slice(0, (match[2] as string).indexOf(":") + 1);
  return `${match[1]}${user}***@${url.slice(match[0].length)}`;
}

function sqlitePath(rest: string, cwd: string): string {
  // `sqlite:///abs/path` and `sqlite://rel/path` as well as `sqlite:/abs` and `sqlite:rel`.
  const path = rest.startsWith("//") ? rest.slice(2) : rest;
  if (path === "") throw invalid("A sqlite: URL needs a file path, e.g. sqlite:.dictstore/data.db.");
  if (path === ":memory:") return path;
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function clusterNode(address: string, url: string): RedisClusterNode {
  let parsed: URL;
  try {
    parsed = new URL(`redis://${address}`);
  } catch {
    throw invalid(`"${address}" in ${redactStoreUrl(url)} is not a host:port address.`);
  }
  if (parsed.hostname === "" || parsed.username !== "" || parsed.pathname !== "" || parsed.search !== "") {
    throw invalid(`"${address}" in ${redactStoreUrl(url)} is not a host:port address.`);
  }
  checkPort(parsed.port, url);
  // IPv6 hosts come back bracketed ("[::1]"); ioredis wants them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  return { host, port: parsed.port === "" ? DEFAULT_REDIS_PORT : Number(parsed.port) };
}

/**
 * Maps `redis+cluster://[user:password@]host:port,host:port` (or `rediss+cluster://` for TLS) to
 * `redisBackend` options. Pure: no connection is made.
 */
export function redisClusterOptions(url: string): { url: string; cluster: RedisClusterNode[] } {
  const match = /^(rediss?)\+cluster:\/\/([^/?#]*)([/?#].*)?$/i.exec(url);
  if (match === null)
    throw invalid(`${redactStoreUrl(url)} is not a redis+cluster://host:port,host:port URL.`);
  const scheme = (match[1] as string).toLowerCase();
  const authority = match[2] as string;
  const path = /^[^?#]*/.exec(match[3] ?? "")?.[0] ?? "";
  if (path !== "" && path !== "/" && path !== "/0") {
    throw invalid(
      `${redactStoreUrl(url)}: Redis Cluster has only database 0, so a cluster URL takes no other.`,
    );
  }
  const at = authority.lastIndexOf("@");
  const userinfo = at === -1 ? "" : authority.slice(0, at + 1);
  const hosts = authority.slice(at + 1);
  const cluster = hosts.split(",").map((address) => clusterNode(address.trim(), url));
  if (hosts === "" || cluster.length === 0) throw invalid(`${redactStoreUrl(url)} names no cluster node.`);
  const first = cluster[0] as RedisClusterNode;
  const firstHost = first.host.includes(":") ? `[${first.host}]` : first.host;
  return { url: `${scheme}://${userinfo}${firstHost}:${first.port}`, cluster };
}

/** Maps `redis://…` / `rediss://…` (one server) or a cluster URL to `redisBackend` options. */
export function redisUrlOptions(url: string): RedisUrlOptions {
  if (/^rediss?\+cluster:/i.test(url)) return redisClusterOptions(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`${redactStoreUrl(url)} is not a valid Redis URL.`);
  }
  if (parsed.hostname === "") throw invalid(`${redactStoreUrl(url)} names no Redis host.`);
  checkPort(parsed.port, url);
  checkDatabase(parsed, url);
  return { url };
}

/** The largest database index Redis can be configured with (`databases` is a C int). */
const MAX_DB = 2 ** 31 - 1;

// The WHATWG parser already refuses ports that are not numbers or exceed 65535; port 0 it lets through.
function checkPort(port: string, url: string): void {
  if (port !== "" && Number(port) === 0) {
    throw invalid(`${redactStoreUrl(url)}: the port must be a number from 1 to 65535.`);
  }
}

/*
 * ioredis sends `SELECT <Number(path)>` on connect: a database that is not a whole number becomes
 * `SELECT NaN`, whose error escapes every caller as an uncaught ReplyError. Check it up front.
 * (An index above the server's `databases` setting is refused when connecting, as INVALID_ARGUMENT.)
 */
function checkDatabase(parsed: URL, url: string): void {
  const path = parsed.pathname === "/" ? "" : parsed.pathname.slice(1);
  for (const db of [path, parsed.searchParams.get("db") ?? ""]) {
    if (db === "") continue;
    if (!/^\d+$/.test(db) || Number(db) > MAX_DB) {
      throw invalid(
        `${redactStoreUrl(url)}: the database ("${db}") must be a whole number from 0 to the server's \`databases\` setting minus 1, e.g. redis://host:6379/0.`,
      );
    }
  }
}

/**
 * Parses a store URL without loading anything: `memory:`; `sqlite:<path>`, `sqlite::memory:` or a
 * bare file path (relative paths against `cwd`); `file:` URLs; `redis://`, `rediss://`; and
 * `redis+cluster://` / `rediss+cluster://`. Throws `INVALID_ARGUMENT` for anything else.
 */
export function parseStoreUrl(url: string, cwd: string = process.cwd()): StoreUrlTarget {
  if (typeof url !== "string" || url.trim() === "") throw invalid("The store URL is empty.");
  const text = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  // No scheme, or a one-letter one (a Windows drive, C:\…): a file path.
  if (scheme === undefined || scheme.length === 1) return { kind: "sqlite", path: sqlitePath(text, cwd) };
  const rest = text.slice(scheme.length + 1);
  switch (scheme) {
    case "memory":
      if (rest !== "" && rest !== "//") throw invalid(`"${text}": the memory backend takes no address.`);
      return { kind: "memory" };
    case "sqlite":
    case "sqlite3":
      return { kind: "sqlite", path: sqlitePath(rest, cwd) };
    case "file":
      try {
        return { kind: "sqlite", path: fileURLToPath(text) };
      } catch {
        throw invalid(`"${text}" is not a valid file: URL.`);
      }
    case "redis":
    case "rediss":
    case "redis+cluster":
    case "rediss+cluster":
      return { kind: "redis", options: redisUrlOptions(text) };
    default:
      throw invalid(`Unknown store URL scheme "${scheme}:" in ${redactStoreUrl(text)}.`);
  }
}
