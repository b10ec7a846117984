// Run by the pack-and-install test inside a fresh npm project: the CommonJS entry points of the tarballs.
// Usage: node cjs.cjs <store URL>. Prints one JSON line with what it read back.
const { close, createStore, openStore } = require("@dictstore/core");
const { sqliteBackend } = require("@dictstore/sqlite");
const { runStep } = require("@dictstore/workflow");

async function main() {
  const url = process.argv[2];
  const name = `cjs-${process.pid}`;

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

  const backend = sqliteBackend({ path: `${process.cwd()}/direct-cjs.db` });
  const direct = createStore({ backend, name });
  direct.k = [1, 2];
  result.direct = direct.k;
  await close(direct);
  backend.dispose?.();

  console.log(JSON.stringify(result));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
