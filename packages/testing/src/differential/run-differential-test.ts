import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DICT_MODES, type ModeRun, modeTest } from "../suite/harness.ts";
import type { BackendSuiteOptions } from "../suite/options.ts";
import { SuiteEnv } from "../suite/registry.ts";
import { commandArbitraries, type Model, type Real } from "./commands.ts";

/** Options of `runDifferentialTest`. */
export type DifferentialTestOptions = BackendSuiteOptions & {
  /** Random command sequences per way into the store. @default 1000 */
  runs?: number;
};

const DEFAULT_RUNS = 1000;
const MAX_COMMANDS = 50;

/**
 * CI's long differential step sets `DICTSTORE_DIFF_RUNS_SCALE` (a multiplier of every test's runs);
 * `DICTSTORE_DIFF_SEED` replays a failure with the seed its message printed.
 */
function runsFromEnv(runs: number): number {
  const scale = Number(process.env.DICTSTORE_DIFF_RUNS_SCALE ?? "1");
  return Number.isFinite(scale) && scale > 0 ? Math.max(1, Math.round(runs * scale)) : runs;
}

function seedFromEnv(): number {
  const fixed = process.env.DICTSTORE_DIFF_SEED;
  if (fixed !== undefined && /^-?\d+$/.test(fixed)) return Number(fixed);
  return (Math.random() * 2 ** 31) | 0;
}

/** One property: random command sequences on a fresh store each, compared step by step with a Map. */
async function checkAgainstOracle(run: ModeRun, runs: number): Promise<void> {
  let sequence = 0;
  const ordered = run.backend.flags.ordered === true;
  const seed = seedFromEnv();
  try {
    await checkWithSeed(run, runs, seed, ordered, () => sequence++);
  } catch (error) {
    const replay = `[${run.mode}] differential seed ${seed}: rerun with DICTSTORE_DIFF_SEED=${seed}`;
    console.error(replay);
    throw new Error(`${replay}\n${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function checkWithSeed(
  run: ModeRun,
  runs: number,
  seed: number,
  ordered: boolean,
  next: () => number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.commands(commandArbitraries, { maxCommands: MAX_COMMANDS }), async (commands) => {
      const name = `differential-${next()}`;
      const store = await run.open({ name });
      const model: Model = { map: new Map(), ordered };
      const real: Real = { store };
      await fc.asyncModelRun(() => ({ model, real }), commands);
      // What was acknowledged must be what another handle sees once flushed.
      await store.flush();
      const other = await run.open({ name });
      await other.refresh();
      const entries = await other.entries();
      if (ordered) expect(entries).toStrictEqual([...model.map.entries()]);
      else expect(new Map(entries)).toStrictEqual(model.map);
      await store.close();
      await other.close();
      await run.backend.dropStore(name);
    }),
    { numRuns: runs, seed },
  );
}

/**
 * Defines a model-based differential test (fast-check `fc.commands`) that runs random sequences of
 * set/get/has/delete/clear/setTtl/update/pop/setdefault/keys/size and refused writes against a `Map`
 * oracle, on the dict (createStore on sync backends, openStore always) and on the async API.
 */
export function runDifferentialTest(options: DifferentialTestOptions): void {
  const env = new SuiteEnv(options);
  const runs = runsFromEnv(options.runs ?? DEFAULT_RUNS);
  describe(`${options.name}: differential test against a Map oracle`, () => {
    modeTest(
      env,
      DICT_MODES,
      "DIFF-dict",
      `dict: ${runs} random command sequences match a Map`,
      (run) => checkAgainstOracle(run, runs),
      300_000,
    );
    modeTest(
      env,
      ["createAsyncStore"],
      "DIFF-async",
      `async API: ${runs} random command sequences match a Map`,
      (run) => checkAgainstOracle(run, runs),
      300_000,
    );
    if ((options.skip ?? []).length > 0)
      it("skip rules name only tests of this suite", () => env.assertSkipsMatched());
  });
}
