import { createRequire } from "node:module";
import type { Backend } from "@dictstore/core";
import type { SqliteBackendOptions } from "@dictstore/sqlite";
import { redisCommand } from "@dictstore/testing";

/** A better-sqlite3 connection, typed through @dictstore/sqlite (the repo tests have no @types for it). */
export type Database = NonNullable<SqliteBackendOptions["database"]>;
type Statement = ReturnType<Database["prepare"]>;

/** better-sqlite3 itself (a root dev dependency). */
export const BetterSqlite3 = createRequire(import.meta.url)("better-sqlite3") as new (
  path: string,
) => Database;

/*
 * Cost that grows with the store, measured without a clock: what Redis itself counts (commands
 * run, scripts' commands included, and bytes in and out of the server), and for SQLite the rows
 * handed from SQLite to JavaScript plus SQLite's own plan for every statement the backend ran.
 */

/** The value every key of a big test store holds: the shape the issue measured with. */
export const BIG_VALUE = JSON.stringify({ id: 1, name: "user", tags: ["a", "b"] });

/** The key of the i-th record: fixed width, so prefixes select ranges of known size. */
export const bigKey = (i: number) => `k:${String(i).padStart(7, "0")}`;

/** Writes `size` records through the backend in batches of 10,000 (one atomic write each). */
export async function buildStore(backend: Backend, name: string, size: number): Promise<void> {
  for (let i = 0; i < size; i += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, size - i) }, (_, j) => ({
      key: bigKey(i + j),
      value: BIG_VALUE,
    }));
    await backend.setMany(name, batch);
  }
}

/** What one operation cost a Redis server. */
export interface RedisCost {
  /** Commands run, those inside scripts included, by name. */
  readonly calls: Record<string, number>;
  readonly totalCalls: number;
  /** Bytes the server received and sent. */
  readonly bytes: number;
}

const MEASURING = new Set(["config", "info", "quit"]);

/** Runs `op` between a CONFIG RESETSTAT and an INFO of the server on `port`, and reports what Redis counted. */
export async function redisCost(port: number, op: () => Promise<unknown>): Promise<RedisCost> {
  await redisCommand(port, ["CONFIG", "RESETSTAT"]);
  await op();
  const info = await redisCommand(port, ["INFO", "commandstats", "stats"], 5000);
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const name = match[1] as string;
    if (!MEASURING.has(name)) calls[name] = Number(match[2]);
  }
  const stat = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? Number.NaN);
  return {
    calls,
    totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
    bytes: stat("total_net_input_bytes") + stat("total_net_output_bytes"),
  };
}

/** A better-sqlite3 connection that counts what its statements hand back and records what they ran. */
export interface SqliteProbe {
  /** Pass this to `sqliteBackend({ database })`. */
  readonly database: Database;
  /** Measures `op`: rows handed to JavaScript, statements run, and SQLite's plan of each distinct read. */
  measure(op: () => unknown | Promise<unknown>): Promise<SqliteCost>;
}

/** What one operation cost SQLite. */
export interface SqliteCost {
  readonly rows: number;
  readonly statements: number;
  /** `EXPLAIN QUERY PLAN` lines of every distinct SELECT run, with the parameters it ran with. */
  readonly plans: string[];
}

/**
 * Wraps `db` so every statement prepared through it counts its rows. The statements stay
 * better-sqlite3's own (their methods are called on the real objects); only the results are counted.
 */
export function probeSqlite(db: Database): SqliteProbe {
  let rows = 0;
  let statements = 0;
  const reads = new Map<string, unknown[]>();
  const record = (sql: string, params: unknown[]) => {
    statements++;
    if (/^\s*SELECT/i.test(sql) && !reads.has(sql)) reads.set(sql, params);
  };
  const wrap = (statement: Statement, sql: string): Statement => {
    const proxy: Statement = new Proxy(statement, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        const method = value as (...args: unknown[]) => unknown;
        switch (property) {
          case "all":
            return (...params: unknown[]) => {
              record(sql, params);
              const result = method.apply(target, params) as unknown[];
              rows += result.length;
              return result;
            };
          case "get":
            return (...params: unknown[]) => {
              record(sql, params);
              const result = method.apply(target, params);
              if (result !== undefined) rows++;
              return result;
            };
          case "iterate":
            return function* (...params: unknown[]) {
              record(sql, params);
              for (const row of method.apply(target, params) as Iterable<unknown>) {
                rows++;
                yield row;
              }
            };
          case "run":
            return (...params: unknown[]) => {
              record(sql, params);
              return method.apply(target, params);
            };
          case "pluck":
          case "raw":
          case "expand":
          case "safeIntegers":
            return (...args: unknown[]) => {
              method.apply(target, args);
              return proxy;
            };
          default:
            return method.bind(target);
        }
      },
    });
    return proxy;
  };
  const database = new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    database,
    async measure(op) {
      rows = 0;
      statements = 0;
      reads.clear();
      await op();
      const measured = { rows, statements };
      const plans: string[] = [];
      for (const [sql, params] of reads) {
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
        plans.push(...plan.map((p) => `${p.detail}  <-  ${sql.replace(/\s+/g, " ").slice(0, 90)}`));
      }
      return { ...measured, plans };
    },
  };
}
