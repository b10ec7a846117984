// Adds up vitest JSON reports into the one closing line CI reads: `N passed, N failed[, N skipped]`,
// counting tests only. A test file that failed outside its tests (it did not load, a hook threw) has
// no failed test to count: it is listed on its own line above, and the exit code is non-zero.
//
//   node scripts/summarize-tests.mjs <label>=<report.json> ...
//
// A label ending in ":filtered" marks a run narrowed with -t: the tests it filtered out are not
// counted as skipped.
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const argument of process.argv.slice(2)) {
  const at = argument.indexOf("=");
  const [label, file] = at < 0 ? [argument, argument] : [argument.slice(0, at), argument.slice(at + 1)];
  const filtered = label.endsWith(":filtered");
  const name = label.replace(/:filtered$/, "");
  // A run that crashed before writing its report is a failure, never silence.
  if (!existsSync(file)) {
    problems.push(`${name}: no report (${file}): the run crashed before writing it`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  const run = {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: filtered ? 0 : (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
  for (const suite of report.testResults ?? []) {
    const failedTests = (suite.assertionResults ?? []).filter((test) => test.status === "failed");
    if (suite.status === "failed" && failedTests.length === 0) {
      const firstLine = String(suite.message ?? "").split("\n")[0] || "no message";
      problems.push(`${name}: ${relative(process.cwd(), suite.name)} failed outside its tests: ${firstLine}`);
    }
  }
  console.log(
    `${name}: ${run.passed} passed, ${run.failed} failed${run.skipped > 0 ? `, ${run.skipped} skipped` : ""}`,
  );
  passed += run.passed;
  failed += run.failed;
  skipped += run.skipped;
}
for (const problem of problems) console.log(`!! ${problem}`);
if (problems.length > 0)
  console.log(`!! ${problems.length} test file(s) or run(s) failed without a failed test: CI fails`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || problems.length > 0 || passed === 0 ? 1 : 0);
