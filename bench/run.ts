/*
 * `pnpm bench [-- --filter P1,P3] [--rounds 30] [--batch-ms 10] [--warmup-ms 150] [--clock cpu|wall]
 *   [--in-process] [--check]`
 * Runs the cases of every group in bench/groups and prints one table of measurement vs baseline.
 * A group is a file there exporting `cases: BenchCase[]`, and optionally `groupSetup()` /
 * `groupTeardown()` around its cases: see BENCHMARKS.md.
 *
 * Each case runs in a fresh Node process by default. In one process, every store created by an
 * earlier case shares the dict's trap code with later ones, so a case's speed would depend on
 * which cases ran before it; `--in-process` runs them all in this process anyway (faster).
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import {
  type BenchCase,
  type CaseResult,
  type Clock,
  consumed,
  failedResult,
  formatTable,
  type HarnessOptions,
  runCase,
  useClock,
} from "./harness.ts";

/** What a file in bench/groups exports. */
interface BenchGroup {
  cases: BenchCase[];
  /** Starts what the cases share (a server, a connection); runs in the process that runs the cases. */
  groupSetup?: () => Promise<void>;
  /** Releases what groupSetup started; runs after the cases, even when one fails. */
  groupTeardown?: () => Promise<void>;
}

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    filter: { type: "string", short: "f" },
    rounds: { type: "string", default: "30" },
    "batch-ms": { type: "string", default: "10" },
    "warmup-ms": { type: "string", default: "150" },
    clock: { type: "string", default: "cpu" },
    "in-process": { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    // internal: run one case ("<group file>#<index>") and print its result as JSON
    worker: { type: "string" },
  },
});

if (values.clock !== "cpu" && values.clock !== "wall") throw new Error("--clock is cpu or wall");
const clock: Clock = values.clock;
useClock(clock);
const options: HarnessOptions = {
  rounds: Number(values.rounds),
  batchMs: Number(values["batch-ms"]),
  warmupMs: Number(values["warmup-ms"]),
};

async function loadGroup(file: string): Promise<BenchGroup> {
  return (await import(`./groups/${file}`)) as BenchGroup;
}

/** Runs cases of one group in this process, between its setup and teardown; a failing case becomes an ERROR row. */
async function runHere(group: BenchGroup, cases: BenchCase[], done: (r: CaseResult) => void): Promise<void> {
  try {
    await group.groupSetup?.();
  } catch (error) {
    for (const bench of cases) done(failedResult(bench, error));
    return;
  }
  try {
    for (const bench of cases) {
      try {
        done(await runCase(bench, options));
      } catch (error) {
        process.stderr.write(`  ${bench.target} ${bench.name} failed: ${String(error)}\n`);
        done(failedResult(bench, error));
      }
    }
  } finally {
    await group.groupTeardown?.();
  }
}

/** Runs one case in a fresh Node process (same loader flags) and reads back its result. */
function runIsolated(file: string, index: number, bench: BenchCase): Promise<CaseResult> {
  const args = [
    ...process.execArgv,
    process.argv[1] as string,
    "--worker",
    `${file}#${index}`,
    "--rounds",
    String(options.rounds),
    "--batch-ms",
    String(options.batchMs),
    "--warmup-ms",
    String(options.warmupMs),
    "--clock",
    clock,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`bench case ${file}#${index} (${bench.name}) failed with exit code ${code}`));
        return;
      }
      resolve({ ...(JSON.parse(line) as Omit<CaseResult, "bench">), bench });
    });
  });
}

if (values.worker !== undefined) {
  // Child mode: one case, result on stdout.
  const [file, index] = values.worker.split("#") as [string, string];
  const group = await loadGroup(file);
  const bench = group.cases[Number(index)];
  if (bench === undefined) throw new Error(`no case ${values.worker}`);
  let line = "";
  await runHere(group, [bench], (result) => {
    const { bench: _omitted, ...rest } = result;
    line = `${JSON.stringify(rest)}\n`;
  });
  void consumed();
  // A case may leave handles open (a client that did not quit): once its result is written, end here.
  process.stdout.write(line, () => process.exit(0));
} else {
  await main();
}

async function main(): Promise<void> {
  /** Groups run in target order: p1-…, p2-…, …, p12-…, then the other files by name. */
  const groupOrder = (file: string): [number, string] => {
    const match = /^p(\d+)/.exec(file);
    return [match === null ? Number.POSITIVE_INFINITY : Number(match[1]), file];
  };
  const groupFiles = readdirSync(new URL("./groups/", import.meta.url))
    .filter((file) => file.endsWith(".ts"))
    .sort((a, b) => {
      const [na, fa] = groupOrder(a);
      const [nb, fb] = groupOrder(b);
      return na !== nb ? na - nb : fa < fb ? -1 : fa > fb ? 1 : 0;
    });

  const groups = new Map<string, BenchGroup>();
  for (const file of groupFiles) groups.set(file, await loadGroup(file));
  const targets = new Set([...groups.values()].flatMap((g) => g.cases.map((c) => c.target.toLowerCase())));

  // A filter term that is a target id selects exactly that target ("P1" not P12, "async" not the
  // Redis group); any other term selects the groups (file names) and cases (names) containing it.
  const filters = (values.filter ?? "")
    .split(",")
    .map((f) => f.trim().toLowerCase())
    .filter((f) => f !== "");
  const selected = (file: string, bench: BenchCase) =>
    filters.length === 0 ||
    filters.some((f) =>
      targets.has(f)
        ? bench.target.toLowerCase() === f
        : file.includes(f) || bench.name.toLowerCase().includes(f),
    );

  const cpu = cpus();
  console.log(
    `dictstore bench · node ${process.version} (V8 ${process.versions.v8}) · ${process.platform}/${process.arch} · ${cpu.length} × ${cpu[0]?.model ?? "?"}`,
  );
  console.log(
    `${values["in-process"] ? "all cases in one process" : "each case in a fresh process"}; ${options.rounds} rounds of ~${options.batchMs} ms per op (measured and baseline back to back) after ${options.warmupMs} ms warm-up; ${clock} clock`,
  );
  console.log("ns/op: best round; ratio: median of the per-round ratios measured / baseline\n");

  const started = Date.now();
  const results: CaseResult[] = [];
  const done = (result: CaseResult) => {
    results.push(result);
    const outcome = result.error === undefined ? `${result.ratio.toFixed(2)}×` : `ERROR ${result.error}`;
    process.stderr.write(`  ${result.bench.target} ${result.bench.name}: ${outcome}\n`);
  };
  for (const [file, group] of groups) {
    const chosen = group.cases.filter((bench) => selected(file, bench));
    if (chosen.length === 0) continue;
    if (values["in-process"]) {
      await runHere(group, chosen, done);
      continue;
    }
    for (const bench of chosen) {
      try {
        done(await runIsolated(file, group.cases.indexOf(bench), bench));
      } catch (error) {
        done(failedResult(bench, error));
      }
    }
  }
  void consumed();

  console.log(formatTable(results));
  const errors = results.filter((r) => r.error !== undefined).length;
  const judged = results.filter((r) => r.bench.maxRatio !== undefined && r.error === undefined);
  const gaps = judged.filter((r) => !r.met).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const errorNote = errors > 0 ? `, ${errors} ERROR` : "";
  console.log(
    `\n${judged.length} judged cases: ${judged.length - gaps} MET, ${gaps} GAP${errorNote} (${results.filter((r) => r.bench.maxRatio === undefined).length} context rows) in ${seconds} s`,
  );
  // A case that could not run always fails the command; a GAP only with --check.
  if (errors > 0 || (values.check && gaps > 0)) process.exitCode = 1;
}
