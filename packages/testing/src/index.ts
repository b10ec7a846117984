export * from "./async-backend.ts";
export type { DifferentialTestOptions } from "./differential/run-differential-test.ts";
export { runDifferentialTest } from "./differential/run-differential-test.ts";
export * from "./redis-cluster.ts";
export * from "./redis-server.ts";
export type { BackendSuiteOptions, SkipRule } from "./suite/options.ts";
export { runBackendSuite } from "./suite/run-backend-suite.ts";
