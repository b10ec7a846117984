import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { freePort, type RedisServer, redisCommand, startRedisServer, waitFor } from "./redis-server.ts";

const run = promisify(execFile);

/** Redis Cluster's bus port is the client port plus this. */
const CLUSTER_BUS_OFFSET = 10_000;

/** Options of `startRedisCluster`. */
export interface RedisClusterOptions {
  /** Number of masters (no replicas). @default 3 */
  masters?: number;
  /** Extra `redis-server` arguments for every node. */
  args?: readonly string[];
  /** How long to wait for `cluster_state:ok` on every node, in ms. @default 20000 */
  readyTimeoutMs?: number;
}

/** A Redis Cluster of loopback masters started by the tests. */
export interface RedisCluster {
  /** The masters, as ioredis' `new Cluster(nodes)` takes them. */
  readonly nodes: { host: string; port: number }[];
  /** `redis://127.0.0.1:<port>` of each master. */
  readonly urls: string[];
  /** The node processes, for fault injection. */
  readonly servers: RedisServer[];
  /** Stops every node and removes their directories. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `masters` redis-server processes with `--cluster-enabled yes`, joins them with
 * `redis-cli --cluster create … --cluster-replicas 0`, and waits until every node reports
 * `cluster_state:ok`.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const count = options.masters ?? 3;
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort(CLUSTER_BUS_OFFSET);
      servers.push(
        await startRedisServer({
          port,
          args: [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            `nodes-${port}.conf`,
            "--cluster-node-timeout",
            "5000",
            ...(options.args ?? []),
          ],
        }),
      );
    }
    const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
    await run(
      "redis-cli",
      ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"],
      {
        timeout: 30_000,
      },
    );
    await waitFor(
      async () => {
        const replies = await Promise.all(servers.map((s) => redisCommand(s.port, ["CLUSTER", "INFO"])));
        return replies.every((reply) => reply.includes("cluster_state:ok"));
      },
      options.readyTimeoutMs ?? 20_000,
      "cluster_state:ok on every node",
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes: servers.map((s) => ({ host: s.host, port: s.port })),
    urls: servers.map((s) => s.url),
    servers,
    stop,
  };
}
