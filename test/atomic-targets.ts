import { type Backend, memoryBackend } from "@dictstore/core";
import { redisBackend } from "@dictstore/redis";
import { sqliteBackend } from "@dictstore/sqlite";

/*
 * Where the atomic tests' stores live, as plain data: the test process and its child processes
 * (test/atomic-child.ts) open their own connections from the same description.
 */

/** The backends every atomic test runs on. */
export const KINDS = ["memory", "sqlite", "redis", "cluster"] as const;

/** One of `KINDS`. */
export type Kind = (typeof KINDS)[number];

/** A backend reachable from any process (memory lives in one process only, so it has none). */
export type Target =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "redis"; readonly url: string; readonly prefix: string }
  | {
      readonly kind: "cluster";
      readonly nodes: readonly { host: string; port: number }[];
      readonly prefix: string;
    };

/** Opens a new connection to `target`: its own socket (Redis) or its own database handle (SQLite). */
export function connectTo(target: Target): Backend {
  switch (target.kind) {
    case "sqlite":
      return sqliteBackend({ path: target.path, busyTimeoutMs: 20_000 });
    case "redis":
      return redisBackend({ url: target.url, prefix: target.prefix, timeoutMs: 10_000 });
    case "cluster":
      return redisBackend({ cluster: target.nodes, prefix: target.prefix, timeoutMs: 10_000 });
  }
}

/** A memory backend, for symmetry: in-process "connections" share it. */
export const sharedMemory = (): Backend => memoryBackend();
