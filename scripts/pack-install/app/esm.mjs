// Run by the pack-and-install test inside a fresh npm project: the ESM entry points of the tarballs.
// Usage: node esm.mjs <store URL>. Prints one JSON line with what it read back.
import { close, createStore, openStore } from "@dictstore/core";
import { sqliteBackend } from "@dictstore/sqlite";
import { runStep } from "@dictstore/workflow";

const url = process.argv[2];
const name = `esm-${process.pid}`;

const first = await openStore({ url, name });
first.greeting = "hello";
first.when = new Date(0);
await first.increment("visits");
await close(first);

const again = await openStore({ url, name });
const step = await runStep(
  (pd) => {
    const store = pd.inputs.data_store;
    store.visits = (store.visits ?? 0) + 1;
    return store.visits;
  },
  { stores: { data_store: again } },
);
const result = {
  greeting: again.greeting,
  date: again.when instanceof Date,
  visits: again.visits,
  step: step.ok ? step.value : String(step.error),
  keys: Object.keys(again).sort(),
};
await close(again);

// A synchronous backend straight from @dictstore/sqlite, on a file of its own.
const backend = sqliteBackend({ path: `${process.cwd()}/direct-esm.db` });
const direct = createStore({ backend, name });
direct.k = [1, 2];
result.direct = direct.k;
await close(direct);
backend.dispose?.();

console.log(JSON.stringify(result));
