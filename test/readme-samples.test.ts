import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeSamples } from "./readme-samples.ts";
import { repoRoot, tempDir, tsxLoader } from "./sqlite-support.ts";

/*
 * README samples are code that runs: every ```ts block of README.md and packages/*\/README.md is
 * type-checked strictly, and every one not marked `no-run`/`fragment` is run as its own process on
 * memory, SQLite and a private Redis (DICTSTORE_URL, and REDIS_URL for samples that name Redis) and
 * must exit on its own, with code 0.
 */

const samples = readmeSamples(repoRoot);
const checked = samples.filter((sample) => sample.mode !== "fragment");
const runnable = samples.filter((sample) => sample.mode === "run");
/** How long a sample may take before it counts as hanging: far above a normal run, which takes ~1 s. */
const EXIT_DEADLINE_MS = 20_000;

// Inside the repo (for its tsconfig paths and node_modules); ignored by git, removed after the run.
const dir = mkdtempSync(join(repoRoot, ".readme-samples-"));
let redis: RedisServer | undefined;
let diagnostics: Promise<string>;

interface Exit {
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
) {
  return new Promise<Exit>((resolve) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs,
        killSignal: "SIGKILL",
      },
      (error, stdout, stderr) => {
        const timedOut = error !== null && error.killed === true;
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, timedOut, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

beforeAll(async () => {
  for (const sample of checked) writeFileSync(join(dir, sample.fileName), `${sample.code}\nexport {};\n`);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ extends: "../tsconfig.json", include: ["*.ts"] }),
  );
  // One tsc run for every sample (strict, as the repo's tsconfig); each test then reads its own file's errors.
  diagnostics = run(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", dir], {
    cwd: dir,
    timeoutMs: 120_000,
  }).then((result) => result.stdout + result.stderr);
  redis = await startRedisServer();
}, 60_000);

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("README samples", () => {
  it("are found, and samples that are not run stay rare", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(10);
    expect(samples.length - runnable.length).toBeLessThanOrEqual(3);
  });

  it("tsc reports nothing outside the samples (a broken config would hide every error)", async () => {
    const names = new Set(checked.map((sample) => sample.fileName));
    const strays = (await diagnostics)
      .split("\n")
      .filter((line) => line.includes("error") && !names.has(line.split("(")[0] as string));
    expect(strays).toEqual([]);
  }, 120_000);

  it.each(checked.map((sample) => [sample.where, sample] as const))(
    "%s type-checks strictly",
    async (_where, sample) => {
      const errors = (await diagnostics).split("\n").filter((line) => line.startsWith(sample.fileName));
      expect(errors, `${sample.where}:\n${sample.code}`).toEqual([]);
    },
    120_000,
  );

  it.each(runnable.map((sample) => [sample.where, sample] as const))(
    "%s reads a Redis address only from the environment",
    (_where, sample) => {
      // A fixed redis:// address would make the test write to a server it does not own.
      const code = sample.code.replace(/\/\/.*$/gm, "");
      for (const match of code.matchAll(/["'`]rediss?(?:\+cluster)?:\/\/[^"'`]*["'`]/g)) {
        const before = code.slice(0, match.index);
        expect(
          before.trimEnd().endsWith("??"),
          `${sample.where}: ${match[0]} must be a fallback after process.env`,
        ).toBe(true);
      }
    },
  );

  const backends = ["memory", "sqlite", "redis"] as const;
  const runs = runnable.flatMap((sample) =>
    backends.map((backend) => [sample.where, backend, sample] as const),
  );
  it.each(runs)(
    "%s runs on %s and exits on its own",
    async (_where, backend, sample) => {
      const cwd = tempDir();
      const url =
        backend === "memory"
          ? "memory:"
          : backend === "sqlite"
            ? `sqlite:${join(cwd, "data.db")}`
            : (redis as RedisServer).url;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DICTSTORE_URL: url,
        REDIS_URL: (redis as RedisServer).url,
        TSX_TSCONFIG_PATH: join(dir, "tsconfig.json"),
      };
      delete env.NODE_OPTIONS;
      const exit = await run(process.execPath, ["--import", tsxLoader, join(dir, sample.fileName)], {
        cwd,
        env,
        timeoutMs: EXIT_DEADLINE_MS,
      });
      const output = `--- stdout\n${exit.stdout}\n--- stderr\n${exit.stderr}`;
      expect(
        exit.timedOut,
        `${sample.where} on ${backend} did not exit on its own within ${EXIT_DEADLINE_MS} ms\n${output}`,
      ).toBe(false);
      expect(exit.code, `${sample.where} on ${backend} failed\n${output}`).toBe(0);
    },
    EXIT_DEADLINE_MS + 30_000,
  );
});
