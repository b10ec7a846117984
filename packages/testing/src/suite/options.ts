import type { BackendContract } from "@dictstore/core";

/** Tests to leave out of a run, with the reason printed beside them. Use sparingly. */
export interface SkipRule {
  /** Why these tests cannot pass on this backend; shown in the test name. */
  reason: string;
  /** Test ids (the first word of a title, e.g. `"G80"`, `"R-commit-token"`) or full titles. */
  tests: string[];
}

/** How `runBackendSuite` and `runDifferentialTest` obtain and release backends. */
export interface BackendSuiteOptions {
  /** Shown in every describe block, e.g. `"memory"`, `"redis"`, `"redis-cluster"`. */
  name: string;
  /** A FRESH backend, isolated from every other test (unique prefix, file or database). Called once per test. */
  create: () => BackendContract | Promise<BackendContract>;
  /** Releases a backend made by `create`. @default (backend) => backend.dispose?.() */
  dispose?: (backend: BackendContract) => void | Promise<void>;
  /** Tests that do not apply to this backend, each group with its reason. */
  skip?: SkipRule[];
}
