import { close, memoryBackend, openStore } from "@dictstore/core";
import { asAsyncBackend } from "@dictstore/testing";
import { filler } from "../fixtures.ts";
import type { BenchCase } from "../harness.ts";

/*
 * P5's read path on the CPU clock. A view read after first touch never reaches its backend, so a
 * view over an in-process asynchronous backend runs the very code a view over Redis runs; the Redis
 * row (redis-views.ts) is timed on the wall clock, which other processes on a busy machine move.
 */
export const cases: BenchCase[] = [
  {
    target: "P5",
    name: "view read store.k (integer, after first touch; in-process async backend)",
    baselineName: "Map.get",
    async setup() {
      const backend = asAsyncBackend(memoryBackend(undefined));
      const writer = await openStore<Record<string, unknown>>({ backend, name: "p5" });
      for (const [key, value] of filler(1000)) writer[key] = value;
      writer.counter = 42;
      await close(writer);
      const view = await openStore<Record<string, unknown>>({ backend, name: "p5" });
      const map = new Map<string, unknown>(filler(1000));
      map.set("counter", 42);
      void view.counter;
      return {
        measured: () => view.counter,
        baseline: () => map.get("counter"),
        teardown: () => close(view),
      };
    },
  },
];
