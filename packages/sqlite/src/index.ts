export type { SqliteBackendOptions, SqliteSynchronous } from "./options.ts";
export { SQLITE_DEFAULTS } from "./options.ts";
export { SCHEMA_VERSION } from "./schema.ts";
export { sqliteBackend } from "./sqlite-backend.ts";
