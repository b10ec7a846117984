import { filledStore, plainRecord } from "../fixtures.ts";
import type { BenchCase } from "../harness.ts";

/** P3: a default (copy-mode) read of an object value vs JSON.parse of the text it is stored as. */
export const cases: BenchCase[] = [
  {
    target: "P3",
    name: "copy read store.k (object, 250 B)",
    baselineName: "JSON.parse(text)",
    maxRatio: 1.3,
    setup() {
      const store = filledStore();
      store.record = plainRecord();
      const text = JSON.stringify(plainRecord());
      return { measured: () => store.record, baseline: () => JSON.parse(text) };
    },
  },
  {
    target: "P3",
    name: "copy read store.k (object, 40 B)",
    baselineName: "JSON.parse(text)",
    maxRatio: 1.3,
    setup() {
      const store = filledStore();
      const small = { id: 7, name: "Ada", tags: ["x", "y"] };
      store.small = small;
      const text = JSON.stringify(small);
      return { measured: () => store.small, baseline: () => JSON.parse(text) };
    },
  },
];
