import { type DataStore, openStore } from "@dictstore/core";

/**
 * Opens the store every example runs on. This is the one place that picks the backend, so
 * switching the examples to another backend is a change to this function only. Every example
 * uses the store named "examples"; tests pass a fresh name of their own.
 */
export function openExampleStore<T = Record<string, unknown>>(name = "examples"): Promise<DataStore<T>> {
  return openStore<T>({ name });
}
