import { backendOf, close } from "@dictstore/core";
import { openExampleStore } from "./lib/open-example-store.ts";
import { runAndReport } from "./lib/report.ts";
import { seedExamples } from "./seed/index.ts";

/*
 * The examples' main job (`pnpm examples`): every example of the seed's "Using Data Stores", run
 * in the seed's order as workflow steps on one shared store, so each step sees what the earlier
 * ones left behind. Exits non-zero when any step fails.
 */

const store = await openExampleStore();
try {
  console.log(`dictstore examples: every example of "Using Data Stores", run in order as workflow steps.
Each step gets the store "examples" (backend: ${backendOf(store).name}) as pd.inputs["data_store"].
Under each step: what it logged, what it returned, and what the store holds afterwards.`);

  // A persistent backend may hold records of an earlier run: start empty, as the walk-through does.
  if (store.size > 0) {
    console.log(
      `\n(The store held ${store.size} record(s) from an earlier run; cleared them to start empty.)`,
    );
    store.clear();
  }

  let failed = 0;
  for (const example of seedExamples) {
    for (let run = 1; run <= example.demoRuns; run++) {
      try {
        await runAndReport(store, example, run, example.demoRuns);
      } catch (error) {
        failed++;
        console.error(
          `   FAILED  ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
    }
  }

  const steps = seedExamples.reduce((sum, example) => sum + example.demoRuns, 0);
  console.log(
    failed === 0
      ? `\nDone: ${seedExamples.length} examples, ${steps} step runs. Run one alone with: pnpm exec tsx examples/seed/<file>`
      : `\n${failed} step run(s) failed.`,
  );
  if (failed > 0) process.exitCode = 1;
} finally {
  await close(store);
}
