import { createStore } from "@dictstore/core";
import { filler, loadSuperjson, plainRecord, richRecord } from "../fixtures.ts";
import type { BenchCase } from "../harness.ts";

function filled() {
  const store = createStore<Record<string, unknown>>();
  for (const [key, value] of filler(1000)) store[key] = value;
  return store;
}

/** P4: dict writes vs serializing the value alone (the write includes validation, encoding and the backend set). */
export const cases: BenchCase[] = [
  {
    target: "P4",
    name: "write store.k = plain object",
    baselineName: "JSON.stringify",
    maxRatio: 3,
    setup() {
      const store = filled();
      const value = plainRecord();
      return {
        measured: () => {
          store.record = value;
        },
        baseline: () => JSON.stringify(value),
      };
    },
  },
  {
    target: "P4",
    name: "write store.k = integer",
    baselineName: "JSON.stringify",
    maxRatio: 3,
    setup() {
      const store = filled();
      let i = 0;
      return {
        measured: () => {
          store.counter = i++ & 1023;
        },
        baseline: () => JSON.stringify(i++ & 1023),
      };
    },
  },
  {
    target: "P4",
    name: "write store.k = rich object",
    baselineName: "superjson.stringify",
    maxRatio: 1.2,
    // superjson allocates heavily: its per-round ratios scatter more, so take more of them.
    rounds: 90,
    async setup() {
      const superjson = await loadSuperjson();
      const store = filled();
      const value = richRecord();
      return {
        measured: () => {
          store.rich = value;
        },
        baseline: () => superjson.stringify(value),
      };
    },
  },
];
