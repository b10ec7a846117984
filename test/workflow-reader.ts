import { createInterface } from "node:readline";
import { type AsyncDataStore, backendFromUrl, createAsyncStore, storeUrlFromEnv } from "@dictstore/core";

/*
 * A reader process for the workflow tests: for each request line `{"id", "name", "keys"}` on stdin,
 * reads those keys straight from the backend DICTSTORE_URL names (the async API keeps no view, so
 * every read is a fresh round trip) and prints `<id> <json of the values>`. Prints "ready" first.
 */

const backend = await backendFromUrl(storeUrlFromEnv());
const stores = new Map<string, AsyncDataStore>();

createInterface({ input: process.stdin }).on("line", (line) => {
  const { id, name, keys } = JSON.parse(line) as { id: number; name: string; keys: string[] };
  void (async () => {
    let store = stores.get(name);
    if (store === undefined) {
      store = createAsyncStore({ backend, name });
      stores.set(name, store);
    }
    const values: Record<string, unknown> = {};
    for (const key of keys) values[key] = await store.get(key);
    process.stdout.write(`${id} ${JSON.stringify(values)}\n`);
  })();
});

process.once("SIGTERM", () => {
  void Promise.resolve(backend.dispose?.()).finally(() => process.exit(0));
});
console.log("ready");
