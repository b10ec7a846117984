import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/* examples/integrations/bullmq.ts runs as written and exits on its own; its counter persists. */

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
let server: RedisServer;
let dir: string;

beforeAll(async () => {
  server = await startRedisServer();
  dir = mkdtempSync(join(tmpdir(), "dictstore-bullmq-example-"));
}, 30_000);

afterAll(async () => {
  await server?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("examples/integrations/bullmq.ts", () => {
  it("counts ten jobs per run on the embedded SQLite store", async () => {
    const env = {
      ...process.env,
      REDIS_URL: server.url,
      DICTSTORE_URL: `sqlite:${join(dir, "data.db")}`,
      TSX_TSCONFIG_PATH: join(repoRoot, "tsconfig.json"),
    };
    const once = () =>
      run(join(repoRoot, "node_modules/.bin/tsx"), ["examples/integrations/bullmq.ts"], {
        cwd: repoRoot,
        env,
        timeout: 60_000,
      });
    expect((await once()).stdout).toContain("the counter is now 10");
    expect((await once()).stdout).toContain("the counter is now 20");
  }, 120_000);
});
