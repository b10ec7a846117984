import type { DataStore } from "@dictstore/core";
import { closeStores, defineStep, type Pd, runStep, type StepResult } from "@dictstore/workflow";
import * as helloWorld from "../seed/00-hello-world.ts";
import * as save from "../seed/01-save.ts";
import * as keys from "../seed/02-keys.ts";
import * as existence from "../seed/03-existence.ts";
import * as get from "../seed/04-get.ts";
import * as getWithDefault from "../seed/05-get-with-default.ts";
import * as exportAllRecords from "../seed/06-export-all-records.ts";
import * as updateAndEmptyString from "../seed/07-update-and-empty-string.ts";
import * as nestedWrongWay from "../seed/08-nested-wrong-way.ts";
import * as nestedRightWay from "../seed/09-nested-right-way.ts";
import * as deleteRecord from "../seed/10-delete.ts";
import * as clear from "../seed/11-clear.ts";
import * as counter from "../seed/12-counter.ts";
import * as dedupe from "../seed/13-dedupe.ts";
import { isMain } from "./is-main.ts";

/** Every seed example's step code, in the seed's order, with what its demo passes as `pd.steps`. */
const SEED = [
  { module: helloWorld },
  { module: save },
  { module: keys },
  { module: existence },
  { module: get },
  { module: getWithDefault },
  { module: exportAllRecords },
  { module: updateAndEmptyString },
  { module: nestedWrongWay },
  { module: nestedRightWay },
  { module: deleteRecord },
  { module: clear },
  { module: counter },
  { module: dedupe, steps: dedupe.sampleSteps },
] as const;

/** What one seed example did when run as a step. */
export interface SeedRun {
  readonly file: string;
  readonly run: number;
  readonly result: StepResult<unknown>;
  /** Every record of the store right after the run. */
  readonly after: Record<string, unknown>;
}

// The seed's nested-dictionary examples take a record as already stored; this step writes it when missing.
const assume = defineStep((pd: Pd<{ data_store: DataStore; records: Record<string, unknown> }>) => {
  for (const [key, value] of Object.entries(pd.inputs.records)) {
    if (!(key in pd.inputs.data_store)) pd.inputs.data_store[key] = value;
  }
});

// Reads the whole store back, as a separate step: what the previous step left is durable by now.
const snapshot = defineStep((pd: Pd<{ data_store: DataStore }>) => pd.inputs.data_store.toObject());

/**
 * Runs every seed example, in the seed's order and as many times as its demo does, through
 * `runStep` on the store named `storeName`. Neither the step code nor this function names a
 * backend: the store spec has no URL, so DICTSTORE_URL (or the embedded default) decides.
 */
export async function runSeed(storeName: string): Promise<SeedRun[]> {
  const stores = { data_store: { name: storeName } };
  const runs: SeedRun[] = [];
  for (const { module, ...rest } of SEED) {
    const { example } = module;
    // Each handler declares its own record schema; this loop runs them all on one untyped store.
    const step = defineStep(module.handler as unknown as (pd: Pd<{ data_store: DataStore }>) => unknown);
    const steps = "steps" in rest ? rest.steps : {};
    for (let run = 1; run <= example.demoRuns; run++) {
      if (run === 1 && Object.keys(example.assumes).length > 0) {
        await runStep(assume, { stores, inputs: { records: example.assumes } });
      }
      const result = await runStep(step, { stores, steps });
      const after = await runStep(snapshot, { stores });
      runs.push({ file: example.file, run, result, after: after.ok ? after.value : {} });
    }
  }
  return runs;
}

if (isMain(import.meta.url)) {
  try {
    const runs = await runSeed(process.env.STORE_NAME ?? "seed");
    // One JSON document on stdout (errors reduced to their message): what the cross-backend test compares.
    const printable = runs.map(({ file, run, result, after }) =>
      result.ok
        ? { file, run, ok: true, value: result.value, exports: result.exports, logs: result.logs, after }
        : { file, run, ok: false, error: { kind: result.error.kind, message: result.error.message }, after },
    );
    console.log(JSON.stringify(printable));
  } finally {
    await closeStores();
  }
}
