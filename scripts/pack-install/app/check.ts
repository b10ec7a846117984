// Type-checked by the pack-and-install test (strict, skipLibCheck false) against the installed
// tarballs: as ESM (check.mts) and CommonJS (check.cts) under nodenext, and as check.ts under bundler.
// It is never run; it only has to compile the way a user's code would.
import { EXIT_CODES, runCli } from "@dictstore/cli";
import {
  type AsyncDataStore,
  close,
  createAsyncStore,
  type DataStore,
  openStore,
  StoreError,
} from "@dictstore/core";
import type { createDashboardHandler, DashboardHandlerOptions } from "@dictstore/dashboard";
import { type RedisBackendOptions, redisBackend } from "@dictstore/redis";
import { type SqliteBackendOptions, sqliteBackend } from "@dictstore/sqlite";
import { defineStep, type Pd, runStep } from "@dictstore/workflow";

interface Profile {
  visits: number;
  tags: string[];
}
type Records = { counter: number; profile: Profile };

export async function check(): Promise<number> {
  const store: DataStore<Records> = await openStore<Records>({ url: "memory:" });
  store.counter = (store.counter ?? 0) + 1;
  const profile = await store.update(
    "profile",
    (draft) => {
      draft.visits += 1;
    },
    { visits: 0, tags: [] },
  );
  const sqlite: SqliteBackendOptions = { path: "x.db", synchronous: "full" };
  const redis: RedisBackendOptions = { url: "redis://127.0.0.1:1" };
  const factories = [() => sqliteBackend(sqlite), () => redisBackend(redis)];
  const asyncStore: AsyncDataStore<Records> = createAsyncStore<Records>({ url: "memory:" });
  const dashboard: typeof createDashboardHandler | DashboardHandlerOptions | undefined = undefined;
  const step = defineStep((pd: Pd<{ data_store: DataStore<Records> }>) => pd.inputs.data_store.counter);
  const result = await runStep(step, { stores: { data_store: store } });
  const error = result.ok ? undefined : new StoreError("INVALID_ARGUMENT", "unused");
  await close(asyncStore);
  const cli: typeof runCli = runCli;
  return (
    profile.visits +
    factories.length +
    EXIT_CODES.OK +
    (error === undefined ? 0 : 1) +
    (dashboard ? 1 : 0) +
    cli.length
  );
}
