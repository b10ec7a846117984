import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Backend, SyncBackend } from "@dictstore/core";
import {
  asAsyncBackend,
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from "@dictstore/testing";
import { afterAll, beforeAll, onTestFinished } from "vitest";
import { connectTo, type Kind, sharedMemory, type Target } from "./atomic-targets.ts";

/*
 * Shared plumbing of the atomic tests: one redis-server, one 3-master cluster and one temporary
 * directory per test file, and "fleets" of connections of one backend kind, each fleet on fresh
 * keys (its own prefix or database file), every connection closed when the test ends.
 */

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const tsxLoader = new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const childScript = fileURLToPath(new URL("./atomic-child.ts", import.meta.url));

/** Connections of one backend kind, on keys no other fleet uses. */
export interface Fleet {
  readonly kind: Kind;
  /** What child processes connect with; `undefined` for memory, which lives in this process only. */
  readonly target: Target | undefined;
  /** A new connection (memory: the fleet's one shared backend), closed when the test ends. */
  connect(): Backend;
}

/** The servers of a test file, started in `beforeAll`. */
export interface Backends {
  /** A fleet of `kind`; memory is made asynchronous with `asyncMemory` (each call a macrotask away). */
  fleet(kind: Kind, options?: { asyncMemory?: boolean }): Fleet;
  readonly redis: RedisServer;
}

/** Starts the file's Redis server, cluster and temp directory; stops them after the file. */
export function useBackends(): Backends {
  let redis: RedisServer | undefined;
  let cluster: RedisCluster | undefined;
  const dir = mkdtempSync(join(tmpdir(), "dictstore-atomic-"));
  beforeAll(async () => {
    [redis, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([redis?.stop(), cluster?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the servers are started in beforeAll");
    return value;
  };
  return {
    get redis() {
      return started(redis);
    },
    fleet(kind, options = {}) {
      const prefix = `atomic:${randomUUID()}:`;
      const target: Target | undefined =
        kind === "memory"
          ? undefined
          : kind === "sqlite"
            ? { kind, path: join(dir, `${randomUUID()}.db`) }
            : kind === "redis"
              ? { kind, url: started(redis).url, prefix }
              : { kind, nodes: started(cluster).nodes, prefix };
      const memory = sharedMemory() as SyncBackend;
      const shared = options.asyncMemory === true ? asAsyncBackend(memory, { latencyMs: 1 }) : memory;
      return {
        kind,
        target,
        connect() {
          if (target === undefined) return shared;
          const backend = connectTo(target);
          onTestFinished(() => backend.dispose?.());
          return backend;
        },
      };
    },
  };
}

/** What one child process reported. */
export interface ChildReport {
  readonly done: number;
  readonly errors: string[];
}

/** The job of atomic-child.ts (see there). */
export interface ChildJob {
  readonly target: Target;
  readonly store: string;
  readonly connections: number;
  readonly count: number;
  readonly op: "increment" | "transaction";
}

function startChild(job: ChildJob): {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  report: Promise<ChildReport>;
} {
  const child = spawn(process.execPath, ["--import", tsxLoader, childScript, JSON.stringify(job)], {
    cwd: repoRoot,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(repoRoot, "tsconfig.json") },
  });
  let out = "";
  let err = "";
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    if (out.split("\n").includes("ready")) onReady();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const report = new Promise<ChildReport>((resolve, reject) => {
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !last.startsWith("{"))
        reject(new Error(`atomic-child exited with ${code}:\n${err}\n${out}`));
      else resolve(JSON.parse(last) as ChildReport);
    });
  });
  // A child that dies before "ready" must not leave the barrier waiting.
  report.catch(() => onReady());
  return { child, ready, report };
}

/** Runs `processes` children on one job, started together once all are ready; resolves with their reports. */
export async function runChildren(processes: number, job: ChildJob): Promise<ChildReport[]> {
  const children = Array.from({ length: processes }, () => startChild(job));
  await Promise.all(children.map((c) => c.ready));
  for (const { child } of children) child.stdin.write("go\n");
  return Promise.all(children.map((c) => c.report));
}

/** A small seeded PRNG (mulberry32): the same seed, the same sequence. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
