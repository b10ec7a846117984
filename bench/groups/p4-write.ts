import { filledStore, loadSuperjson, plainRecord, richRecord } from "../fixtures.ts";
import type { BenchCase } from "../harness.ts";

/** P4: dict writes vs serializing the value alone (the write includes validation, encoding and the backend set). */
export const cases: BenchCase[] = [
  {
    target: "P4",
    name: "write store.k = plain object",
    baselineName: "JSON.stringify",
    maxRatio: 3,
    setup() {
      const store = filledStore();
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
      const store = filledStore();
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
      const store = filledStore();
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
