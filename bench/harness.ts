/*
 * A small side-by-side benchmark harness. Each case pairs a measured operation with its baseline;
 * both are warmed up, then timed back to back in alternating rounds, so load from other processes
 * and CPU-state drift hit both alike and the ratio, not the absolute time, is the verdict.
 */

/** One timed operation: called once per iteration; its result is consumed so V8 cannot drop the call. */
export type Op = () => unknown;

/** What a case's setup hands the harness. */
export interface CaseOps {
  /** The dictstore operation under test. */
  measured: Op;
  /** The reference operation it is compared with. */
  baseline: Op;
  /** Releases what setup created (connections, servers). */
  teardown?: () => void | Promise<void>;
}

/** One line of the table: a measurement, its baseline and the ratio target. */
export interface BenchCase {
  /** Target id from architecture.md, e.g. "P1"; `--filter` matches it. */
  target: string;
  /** What is measured, e.g. "dict read store.k (number)". */
  name: string;
  /** What it is compared with, e.g. "Map.get". */
  baselineName: string;
  /** Largest ratio (measured / baseline) that meets the target; omit for a context row (no verdict). */
  maxRatio?: number;
  /** The ratio must be strictly below `maxRatio` ("must be faster"). */
  strict?: boolean;
  /** Both ops return promises; each is awaited before the next call. */
  async?: boolean;
  /** Rounds for this case, overriding the run's: more for ops whose per-round ratios scatter widely. */
  rounds?: number;
  /** Builds fresh state for this case; runs once, before warm-up. */
  setup: () => CaseOps | Promise<CaseOps>;
}

/** How long and how often to measure. */
export interface HarnessOptions {
  /** Rounds; each times the measured op and the baseline back to back, alternating which goes first. */
  rounds: number;
  /** Time of one timed batch on the chosen clock, in milliseconds (the iteration count is calibrated to it). */
  batchMs: number;
  /** Warm-up time per op before any timing, in milliseconds. */
  warmupMs: number;
}

/**
 * The result of one case. Each round times both ops back to back, so a round's ratio compares them
 * in the same machine state (on a shared VM the speed of both drifts together by up to 2x from
 * second to second); the verdict is the median of those per-round ratios. The ns/op columns are
 * each op's best round, the estimate least disturbed by other processes.
 */
export interface CaseResult {
  readonly bench: BenchCase;
  /** Best (lowest) ns per measured op over the rounds. */
  readonly measuredNs: number;
  /** Best (lowest) ns per baseline op over the rounds. */
  readonly baselineNs: number;
  /** Median of the per-round ratios measured / baseline: the verdict is taken on this. */
  readonly ratio: number;
  /** Interquartile range of the per-round ratios, to judge the noise. */
  readonly ratioLow: number;
  readonly ratioHigh: number;
  readonly met: boolean;
  /** Set when the case could not be measured (its setup or process failed); the numbers are NaN. */
  readonly error?: string;
}

/** The row of a case that failed: reported as ERROR, never as MET. */
export function failedResult(bench: BenchCase, error: unknown): CaseResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    bench,
    measuredNs: Number.NaN,
    baselineNs: Number.NaN,
    ratio: Number.NaN,
    ratioLow: Number.NaN,
    ratioHigh: Number.NaN,
    met: false,
    error: message,
  };
}

/** A batch runner: runs `n` iterations and returns a consumed value. */
type Batch = (n: number) => unknown;

// Never returned by any op, so `=== MARKER` is always false but still needs the result.
const MARKER = Object.freeze({ marker: true });

/*
 * Every op gets its own freshly compiled loop (new Function), so the call site inside the loop sees
 * only that op: no polymorphic call site shared between cases, the same trick benchmark.js uses.
 */
let compiled = 0;

function compileBatch(op: Op, isAsync: boolean): Batch {
  // A unique comment makes each source distinct, so V8's compilation cache never shares one
  // function (and its type feedback) between two ops.
  const body = `/* batch ${++compiled} */ ${
    isAsync
      ? "return async function batch(n) { let hits = 0; for (let i = 0; i < n; i++) { if ((await op()) === marker) hits++; } return hits; };"
      : "return function batch(n) { let hits = 0; for (let i = 0; i < n; i++) { if (op() === marker) hits++; } return hits; };"
  }`;
  return new Function("op", "marker", body)(op, MARKER) as Batch;
}

let sink: unknown;

/** Which clock times a batch: this process's CPU time (user + system), or wall time. */
export type Clock = "cpu" | "wall";
let clock: Clock = "cpu";

/** Chooses the clock for every later batch. */
export function useClock(which: Clock): void {
  clock = which;
}

/*
 * CPU time does not advance while the process waits for a core, so other processes on a busy
 * machine barely move it; wall time does. process.cpuUsage counts every thread of the process (GC
 * helpers included), which is CPU the operation really costs.
 */
async function timeBatch(batch: Batch, n: number): Promise<number> {
  if (clock === "wall") {
    const start = process.hrtime.bigint();
    sink = await batch(n);
    return Number(process.hrtime.bigint() - start);
  }
  const start = process.cpuUsage();
  sink = await batch(n);
  const used = process.cpuUsage(start);
  return (used.user + used.system) * 1000;
}

/** Finds an iteration count whose batch takes about `batchMs`, warming the op up on the way. */
async function calibrate(batch: Batch, batchMs: number, warmupMs: number): Promise<number> {
  let n = 64;
  let spent = 0;
  let lastNs = 0;
  // Grow until one batch takes a measurable 5 ms.
  for (;;) {
    lastNs = await timeBatch(batch, n);
    spent += lastNs;
    if (lastNs >= 5e6) break;
    n *= 2;
  }
  // Keep running to finish the warm-up (lets TurboFan optimize and the heap settle).
  while (spent < warmupMs * 1e6) {
    lastNs = await timeBatch(batch, n);
    spent += lastNs;
  }
  return Math.max(1, Math.round((n * batchMs * 1e6) / lastNs));
}

/** The q-quantile (0..1) of a sample, linearly interpolated. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (at - low);
}

/** Runs one case: setup, warm-up and calibration of both ops, then alternating timed rounds. */
export async function runCase(bench: BenchCase, options: HarnessOptions): Promise<CaseResult> {
  const ops = await bench.setup();
  try {
    const measured = compileBatch(ops.measured, bench.async === true);
    const baseline = compileBatch(ops.baseline, bench.async === true);
    const nMeasured = await calibrate(measured, options.batchMs, options.warmupMs);
    const nBaseline = await calibrate(baseline, options.batchMs, options.warmupMs);
    const rounds = bench.rounds ?? options.rounds;
    const measuredNs: number[] = [];
    const baselineNs: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so neither always runs right after the other's garbage.
      let m: number;
      let b: number;
      if (round % 2 === 0) {
        m = (await timeBatch(measured, nMeasured)) / nMeasured;
        b = (await timeBatch(baseline, nBaseline)) / nBaseline;
      } else {
        b = (await timeBatch(baseline, nBaseline)) / nBaseline;
        m = (await timeBatch(measured, nMeasured)) / nMeasured;
      }
      measuredNs.push(m);
      baselineNs.push(b);
      ratios.push(m / b);
    }
    const ratio = quantile(ratios, 0.5);
    return {
      bench,
      measuredNs: Math.min(...measuredNs),
      baselineNs: Math.min(...baselineNs),
      ratio,
      ratioLow: quantile(ratios, 0.25),
      ratioHigh: quantile(ratios, 0.75),
      met:
        bench.maxRatio === undefined ||
        (bench.strict === true ? ratio < bench.maxRatio : ratio <= bench.maxRatio),
    };
  } finally {
    await ops.teardown?.();
  }
}

/** Keeps the last batch result reachable, so no batch is ever provably unused. */
export function consumed(): unknown {
  return sink;
}

function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns >= 100) return ns.toFixed(0);
  return ns.toFixed(1);
}

function goalOf(bench: BenchCase): string {
  return bench.maxRatio === undefined ? "" : `${bench.strict === true ? "<" : "≤"} ${bench.maxRatio}×`;
}

/** One table row per case, aligned, as printed by `pnpm bench`. */
export function formatTable(results: readonly CaseResult[]): string {
  const header = [
    "target",
    "measurement",
    "ns/op",
    "baseline",
    "ns/op",
    "ratio",
    "ratio IQR",
    "goal",
    "verdict",
  ];
  const rows = results.map((r) =>
    r.error !== undefined
      ? [r.bench.target, r.bench.name, "—", r.bench.baselineName, "—", "—", "—", goalOf(r.bench), "ERROR"]
      : [
          r.bench.target,
          r.bench.name,
          formatNs(r.measuredNs),
          r.bench.baselineName,
          formatNs(r.baselineNs),
          `${r.ratio.toFixed(2)}×`,
          `${r.ratioLow.toFixed(2)}–${r.ratioHigh.toFixed(2)}`,
          goalOf(r.bench),
          r.bench.maxRatio === undefined ? "(context)" : r.met ? "MET" : "GAP",
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const numeric = new Set([2, 4, 5, 6]);
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (numeric.has(i) ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
