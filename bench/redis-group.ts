import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type RedisServer, startRedisServer } from "@dictstore/testing";
import { type Clock, useClock } from "./harness.ts";

/*
 * The life cycle every Redis group shares: a private redis-server in the process that runs the
 * cases, timed on the wall clock, because the round trips and the server's work are the cost; and
 * the redis-benchmark run that gives a group its floor. This file sits outside bench/groups, so
 * run.ts does not take it for a group.
 */

/** What a Redis group's file exports as its hooks, plus the URL its cases connect to. */
export interface RedisGroup {
  /** The server's URL; throws when groupSetup did not run in this process. */
  readonly url: () => string;
  /** Starts a private redis-server and switches to the wall clock. */
  readonly groupSetup: () => Promise<void>;
  /** Stops the server and restores the clock chosen on the command line. */
  readonly groupTeardown: () => Promise<void>;
}

/** What a group adds around the shared life cycle. */
export interface RedisGroupHooks {
  /** Runs once the server is up and the clock is the wall clock. */
  readonly afterStart?: (server: RedisServer) => Promise<void>;
  /**
   * Runs after `afterStart`, in one process only: the one that runs the group's first case (each
   * case runs in its own process), or the single process of `--in-process`. For what prints once.
   */
  readonly onceAfterStart?: (server: RedisServer) => Promise<void>;
  /** Runs after the clock is restored, before the server stops. */
  readonly beforeStop?: () => Promise<void>;
}

/** The hooks of a Redis group named `label` (the name its errors show). */
export function redisGroup(label: string, hooks: RedisGroupHooks = {}): RedisGroup {
  let server: RedisServer | undefined;
  return {
    url: () => {
      if (server === undefined) throw new Error(`${label} bench: groupSetup did not run`);
      return server.url;
    },
    groupSetup: async () => {
      server = await startRedisServer();
      useClock("wall");
      await hooks.afterStart?.(server);
      if (hooks.onceAfterStart !== undefined && runsFirstCase()) await hooks.onceAfterStart(server);
    },
    groupTeardown: async () => {
      useClock(commandLineClock());
      await hooks.beforeStop?.();
      await server?.stop();
      server = undefined;
    },
  };
}

/** Runs `redis-benchmark -c 1 -n 20000 -q` plus `args` on the loopback server at `port`; resolves to its stdout. */
export async function redisBenchmark(port: number, args: readonly string[]): Promise<string> {
  const common = ["-h", "127.0.0.1", "-p", String(port), "-c", "1", "-n", "20000", "-q"];
  const { stdout } = await promisify(execFile)("redis-benchmark", [...common, ...args]);
  return stdout;
}

// --- internal ---

/** Whether this process runs the group's first case: the worker of case #0, or no worker at all. */
function runsFirstCase(): boolean {
  const worker = process.argv[process.argv.indexOf("--worker") + 1] ?? "";
  return !process.argv.includes("--worker") || worker.endsWith("#0");
}

/** The clock `--clock` chose (cpu when it is absent), as run.ts reads it. */
function commandLineClock(): Clock {
  const chosen = process.argv[process.argv.indexOf("--clock") + 1];
  return chosen === "wall" ? "wall" : "cpu";
}
