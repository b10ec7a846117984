import { createError, redisUrlOptions, type StoreError } from "@dictstore/core";
import type { Cluster, Redis } from "ioredis";
import { DEFAULT_PREFIX } from "./layout.ts";

/** A Redis Cluster node address. */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/** Options of `redisBackend`. */
export interface RedisBackendOptions {
  /**
   * Where Redis is: `redis://[user:password@]host:port[/db]` (`rediss://` for TLS). Ignored with
   * `client`; with `cluster`, only its credentials and TLS are used. @default "redis://127.0.0.1:6379"
   */
  url?: string;
  /** Use this ioredis client (a `Redis` or a `Cluster`); it is never closed by dictstore. */
  client?: Redis | Cluster;
  /** Connect to a Redis Cluster through these nodes (any subset of the masters). */
  cluster?: readonly RedisClusterNode[];
  /** Prefix of every key dictstore writes; must not contain `{` or `}`. @default "ds:" */
  prefix?: string;
  /** The HSCAN `COUNT` hint of listings that give no page size. @default 1000 */
  scanCount?: number;
  /**
   * Every operation settles within this many milliseconds, Redis up or not: it fails with
   * `BACKEND_UNAVAILABLE` (or `UNKNOWN_OUTCOME` for a write that may have been applied). @default 5000
   */
  timeoutMs?: number;
  /**
   * Accept a server whose `maxmemory-policy` is `allkeys-*`, which silently evicts store data under
   * memory pressure. Without it such a server is refused. @default false
   */
  allowEvictionPolicy?: boolean;
  /** The RESP protocol version, pinned so replies never change shape under us. @default 2 */
  protocol?: 2 | 3;
  /** How long the result of an idempotent commit is kept, so a retried commit is answered from it. @default 600000 */
  idempotencyTtlMs?: number;
  /**
   * How often (at most) a refresh or a commit checks that the directory still names its store: an
   * entry deleted by another client is published again, one naming another store makes a view
   * reload and a commit land in that store. 0 checks on every refresh and commit. @default 1000
   */
  directoryCheckMs?: number;
  /**
   * @experimental For fault-injection tests only: commits and increments are sent without their
   * idempotency token, so a commit re-sent after a lost reply applies twice (the hazard the token
   * prevents). Never set it elsewhere. @default false
   */
  unstable_disableIdempotency?: boolean;
  /** Username for ACL auth (overrides the URL's). */
  username?: string;
  /** Password (overrides the URL's); never shown in errors. */
  password?: string;
}

/** Options with every default applied. */
export interface ResolvedOptions {
  readonly url: string;
  readonly client: Redis | Cluster | undefined;
  readonly cluster: readonly RedisClusterNode[] | undefined;
  readonly prefix: string;
  readonly scanCount: number;
  readonly timeoutMs: number;
  readonly allowEvictionPolicy: boolean;
  readonly protocol: 2 | 3;
  readonly idempotencyTtlMs: number;
  readonly directoryCheckMs: number;
  readonly disableIdempotency: boolean;
  readonly username: string | undefined;
  readonly password: string | undefined;
}

function invalid(message: string): StoreError {
  return createError("redis", "INVALID_ARGUMENT", message);
}

function positive(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw invalid(`Option \`${option}\` must be a positive number.`);
  return value;
}

/** Validates options and applies defaults; throws `INVALID_ARGUMENT`. */
export function resolveOptions(options: RedisBackendOptions | undefined): ResolvedOptions {
  const o = options ?? {};
  const prefix = o.prefix ?? DEFAULT_PREFIX;
  // A brace in the prefix would change which part of every key Redis Cluster hashes.
  if (typeof prefix !== "string" || /[{}]/.test(prefix)) {
    throw invalid("Option `prefix` must be a string without `{` or `}`.");
  }
  if (o.protocol !== undefined && o.protocol !== 2 && o.protocol !== 3) {
    throw invalid("Option `protocol` must be 2 or 3.");
  }
  if (o.cluster !== undefined && (!Array.isArray(o.cluster) || o.cluster.length === 0)) {
    throw invalid("Option `cluster` must be a non-empty array of { host, port }.");
  }
  // A bad URL (a database that is not a number, port 0, no host) is refused here, never by ioredis later.
  if (o.url !== undefined && o.client === undefined) redisUrlOptions(o.url);
  return {
    url: o.url ?? "redis://127.0.0.1:6379",
    client: o.client,
    cluster: o.cluster,
    prefix,
    scanCount: Math.floor(positive(o.scanCount, 1000, "scanCount")),
    timeoutMs: positive(o.timeoutMs, 5000, "timeoutMs"),
    allowEvictionPolicy: o.allowEvictionPolicy === true,
    protocol: o.protocol ?? 2,
    idempotencyTtlMs: Math.floor(positive(o.idempotencyTtlMs, 600_000, "idempotencyTtlMs")),
    disableIdempotency: o.unstable_disableIdempotency === true,
    directoryCheckMs:
      o.directoryCheckMs === 0 ? 0 : Math.floor(positive(o.directoryCheckMs, 1000, "directoryCheckMs")),
    username: o.username,
    password: o.password,
  };
}
