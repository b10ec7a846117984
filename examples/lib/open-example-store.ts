import { type DataStore, openStore, storeUrlFromEnv } from "@dictstore/core";

/**
 * Opens the store every example runs on. This is the one place that picks the backend, so
 * switching the examples to another backend is a change to this function only. Every example
 * uses the store named "examples"; tests pass a fresh name of their own. The backend is the one
 * `DICTSTORE_URL` names; with nothing set, the embedded SQLite file `.dictstore/data.db` under the
 * working directory, so a second run sees what the first one stored. The store owns its backend
 * and closes it on `close(store)`.
 */
export function openExampleStore<T = Record<string, unknown>>(name = "examples"): Promise<DataStore<T>> {
  return openStore<T>({ name, url: storeUrlFromEnv() });
}
