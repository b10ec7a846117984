import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import type { DataStore } from "@dictstore/core";
import type { StepHandler } from "./pipedream.ts";
import { runOnStore } from "./run-on-store.ts";

/** What an example file declares about itself. */
export interface ExampleDefinition<TRecords, TSteps, TResult> {
  /** The seed's section this example comes from, used as its header. */
  title: string;
  /** One line on what to look for in the output, printed under the header. */
  note?: string;
  /** The step code. */
  handler: StepHandler<TRecords, TSteps, TResult>;
  /** Records the seed takes as already stored (e.g. "The current dictionary looks like this"); written first when missing. */
  assumes?: Partial<TRecords>;
  /** `pd.steps` for this step, e.g. the trigger event. */
  steps?: TSteps;
  /** How many times run-all.ts runs the step, to show what repeated runs do. @default 1 */
  demoRuns?: number;
}

/** An example ready to run on any store: what run-all.ts and standalone runs use. */
export interface Example {
  /** The example's file name, e.g. `"12-counter.ts"`. */
  readonly file: string;
  /** The example's absolute path. */
  readonly path: string;
  /** The header text: the seed's section. */
  readonly title: string;
  /** What to look for in the output, if anything. */
  readonly note: string | undefined;
  /** Records written before the first run when missing (empty when the example assumes nothing). */
  readonly assumes: Readonly<Record<string, unknown>>;
  /** How many times run-all.ts runs the step. */
  readonly demoRuns: number;
  /** Runs the step once on `store` through @dictstore/workflow's `runStep`, resolving with its return value. */
  run(store: DataStore): Promise<unknown>;
}

/** Turns an example file's definition into an `Example`; pass the file's `import.meta.url`. */
export function defineExample<TRecords extends Record<string, unknown>, TSteps, TResult>(
  moduleUrl: string,
  definition: ExampleDefinition<TRecords, TSteps, TResult>,
): Example {
  const path = fileURLToPath(moduleUrl);
  const { handler, steps } = definition;
  return {
    file: basename(path),
    path,
    title: definition.title,
    note: definition.note,
    assumes: definition.assumes ?? {},
    demoRuns: definition.demoRuns ?? 1,
    run: (store) =>
      // The shared demo store is untyped; each example declares the schema it expects of it.
      runOnStore(handler, store as DataStore<TRecords>, steps),
  };
}
