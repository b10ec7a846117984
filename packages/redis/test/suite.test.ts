import { randomUUID } from "node:crypto";
import { redisBackend } from "@dictstore/redis";
import {
  type RedisCluster,
  type RedisServer,
  runBackendSuite,
  runDifferentialTest,
  startRedisCluster,
  startRedisServer,
} from "@dictstore/testing";
import { afterAll, beforeAll } from "vitest";

let server: RedisServer;
let cluster: RedisCluster;
beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
}, 60_000);
afterAll(() => Promise.all([server?.stop(), cluster?.stop()]));

// Every test gets its own key prefix, so tests never see each other's data. The cluster runs on
// RESP3 and the single server on RESP2, so the suite covers both protocols.
const single = () => redisBackend({ url: server.url, prefix: `t:${randomUUID()}:`, protocol: 2 });
const onCluster = () => redisBackend({ cluster: cluster.nodes, prefix: `t:${randomUUID()}:`, protocol: 3 });

runBackendSuite({ name: "redis", create: single });
runBackendSuite({ name: "redis-cluster", create: onCluster });
runDifferentialTest({ name: "redis", create: single });
runDifferentialTest({ name: "redis-cluster", create: onCluster });
