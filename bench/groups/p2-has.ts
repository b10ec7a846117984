import { storeAndMap } from "../fixtures.ts";
import type { BenchCase } from "../harness.ts";

/** A filled store and Map that both hold "present" (and not "absent"). */
function pair() {
  return storeAndMap({ present: 1 });
}

/** P2: memory `"k" in store` vs Map.has, for a present and a missing key. */
export const cases: BenchCase[] = [
  {
    // The floor of `in` on any Proxy: a has trap that returns a constant.
    target: "P2",
    name: "floor: Proxy has trap returning a constant",
    baselineName: "Map.has",
    setup() {
      const { map } = pair();
      const proxy = new Proxy(Object.create(null) as Record<string, unknown>, {
        has: (_target, property) => property === "present",
      });
      return { measured: () => "present" in proxy, baseline: () => map.has("present") };
    },
  },
  {
    // The floor of an `in` that must look its key up: the trap above plus one Map.has.
    target: "P2",
    name: "floor: Proxy has trap doing one Map.has",
    baselineName: "Map.has",
    setup() {
      const { map } = pair();
      const proxy = new Proxy(Object.create(null) as Record<string, unknown>, {
        has: (_target, property) => typeof property === "string" && map.has(property),
      });
      return { measured: () => "present" in proxy, baseline: () => map.has("present") };
    },
  },
  {
    // The same for a missing key: a trap answering false costs more on every Proxy, since the
    // engine then checks the target for a property the trap may not hide (a non-configurable one).
    target: "P2",
    name: "floor: Proxy has trap doing one Map.has (missing key)",
    baselineName: "Map.has",
    setup() {
      const { map } = pair();
      const proxy = new Proxy(Object.setPrototypeOf({}, null) as Record<string, unknown>, {
        has: (_target, property) => typeof property === "string" && map.has(property),
      });
      return { measured: () => "absent" in proxy, baseline: () => map.has("absent") };
    },
  },
  {
    target: "P2",
    name: '"k" in store (present)',
    baselineName: "Map.has",
    maxRatio: 4.5,
    setup() {
      const { store, map } = pair();
      return { measured: () => "present" in store, baseline: () => map.has("present") };
    },
  },
  {
    target: "P2",
    name: '"k" in store (missing)',
    baselineName: "Map.has",
    maxRatio: 4.5,
    setup() {
      const { store, map } = pair();
      return { measured: () => "absent" in store, baseline: () => map.has("absent") };
    },
  },
];
