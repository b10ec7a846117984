import { plainRecord, storeAndMap } from "../fixtures.ts";
import type { BenchCase } from "../harness.ts";

/** P1: memory dict reads that need no copy (primitives, and every read in frozen mode) vs Map.get. */
export const cases: BenchCase[] = [
  {
    // The floor any dict-syntax read pays: an empty Proxy whose get trap returns a constant.
    target: "P1",
    name: "floor: Proxy get trap returning a constant",
    baselineName: "Map.get",
    setup() {
      const { map } = storeAndMap({ counter: 42 });
      const proxy = new Proxy(Object.create(null) as Record<string, unknown>, {
        get: (_target, property) => (property === "counter" ? 42 : undefined),
      });
      return { measured: () => proxy.counter, baseline: () => map.get("counter") };
    },
  },
  {
    // The floor of a dict read that must look its key up: the trap above plus one Map.get.
    target: "P1",
    name: "floor: Proxy get trap doing one Map.get",
    baselineName: "Map.get",
    setup() {
      const { map } = storeAndMap({ counter: 42 });
      const proxy = new Proxy(Object.create(null) as Record<string, unknown>, {
        get: (_target, property) => (typeof property === "string" ? map.get(property) : undefined),
      });
      return { measured: () => proxy.counter, baseline: () => map.get("counter") };
    },
  },
  {
    target: "P1",
    name: "dict read store.k (integer)",
    baselineName: "Map.get",
    maxRatio: 5,
    setup() {
      const { store, map } = storeAndMap({ counter: 42 });
      return { measured: () => store.counter, baseline: () => map.get("counter") };
    },
  },
  {
    // The same read without the Proxy: the method does the same key check, lookup and decode.
    target: "P1",
    name: 'store.get("k") method (integer)',
    baselineName: "Map.get",
    setup() {
      const { store, map } = storeAndMap({ counter: 42 });
      const get = store.get as (key: string) => unknown;
      return { measured: () => get("counter"), baseline: () => map.get("counter") };
    },
  },
  {
    target: "P1",
    name: "dict read store.k (float)",
    baselineName: "Map.get",
    maxRatio: 5,
    setup() {
      const { store, map } = storeAndMap({ ratio: 0.8125 });
      return { measured: () => store.ratio, baseline: () => map.get("ratio") };
    },
  },
  {
    target: "P1",
    name: "dict read store.k (string)",
    baselineName: "Map.get",
    maxRatio: 5,
    setup() {
      const { store, map } = storeAndMap({ status: "processing" });
      return { measured: () => store.status, baseline: () => map.get("status") };
    },
  },
  {
    target: "P1",
    name: "dict read store.k (boolean)",
    baselineName: "Map.get",
    maxRatio: 5,
    setup() {
      const { store, map } = storeAndMap({ done: true });
      return { measured: () => store.done, baseline: () => map.get("done") };
    },
  },
  {
    target: "P1",
    name: "frozen-mode read store.k (object)",
    baselineName: "Map.get",
    maxRatio: 5,
    setup() {
      const { store, map } = storeAndMap({ record: plainRecord() }, { snapshots: "frozen" });
      return { measured: () => store.record, baseline: () => map.get("record") };
    },
  },
];
