export { redactUrl } from "./errors.ts";
export type { RedisBackendOptions, RedisClusterNode } from "./options.ts";
export { redisBackend } from "./redis-backend.ts";
