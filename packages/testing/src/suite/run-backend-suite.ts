import { describe, it } from "vitest";
import { registerMappingTests } from "./a-mapping.ts";
import { registerIterationTests } from "./b-iteration.ts";
import { registerClearTests } from "./c-clear.ts";
import { registerContractDataTests } from "./contract-data.ts";
import { registerContractStoreTests } from "./contract-stores.ts";
import { registerContractVersionTests } from "./contract-versions.ts";
import { registerValueTests } from "./d-values.ts";
import { registerSnapshotTests } from "./e-snapshots.ts";
import { registerKeyTests } from "./f-keys.ts";
import { registerTtlTests } from "./g-ttl.ts";
import { registerStoreTests } from "./h-stores.ts";
import { registerLimitTests } from "./j-limits.ts";
import type { BackendSuiteOptions } from "./options.ts";
import { SuiteEnv } from "./registry.ts";

/**
 * Defines the backend compliance suite as vitest `describe`/`it` blocks: the raw Backend contract,
 * then reliability.md checklist sections A–H and J through the public API, each dict test run on
 * `createStore` (sync backends), `await openStore` and `createAsyncStore`, on a fresh backend per run.
 */
export function runBackendSuite(options: BackendSuiteOptions): void {
  // Twice: with the backend's fast paths, and with them hidden so the core derives them from the
  // required members; a fast path that behaves differently from its derivation fails one of the two.
  registerSuite(new SuiteEnv(options, "present"), options.name);
  registerSuite(new SuiteEnv(options, "hidden"), `${options.name} (fast paths hidden)`);
}

function registerSuite(env: SuiteEnv, name: string): void {
  const options = env.options;
  describe(`${name}: backend compliance suite`, () => {
    for (const rule of options.skip ?? []) {
      console.info(`[@dictstore/testing] ${name}: skipping ${rule.tests.join(", ")}: ${rule.reason}`);
    }
    registerContractDataTests(env);
    registerContractVersionTests(env);
    registerContractStoreTests(env);
    registerMappingTests(env);
    registerIterationTests(env);
    registerClearTests(env);
    registerValueTests(env);
    registerSnapshotTests(env);
    registerKeyTests(env);
    registerTtlTests(env);
    registerStoreTests(env);
    registerLimitTests(env);
    // Nested describe blocks are collected after this callback returns, so the check runs as a test.
    if ((options.skip ?? []).length > 0)
      it("skip rules name only tests of this suite", () => env.assertSkipsMatched());
  });
}
