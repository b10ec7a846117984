import { createAsyncStore } from "@dictstore/core";
import { Keyv } from "keyv";
import { plainRecord } from "../fixtures.ts";
import type { BenchCase } from "../harness.ts";

/** The async API on memory vs keyv's in-memory store: both awaited per call; dictstore must be faster. */
export const cases: BenchCase[] = [
  {
    target: "ASYNC",
    name: "await asyncStore.get (object)",
    baselineName: "await keyv.get",
    maxRatio: 1,
    strict: true,
    async: true,
    async setup() {
      const store = createAsyncStore<Record<string, unknown>>();
      const keyv = new Keyv();
      await store.set("record", plainRecord());
      await keyv.set("record", plainRecord());
      return { measured: () => store.get("record"), baseline: () => keyv.get("record") };
    },
  },
  {
    target: "ASYNC",
    name: "await asyncStore.set (object)",
    baselineName: "await keyv.set",
    maxRatio: 1,
    strict: true,
    async: true,
    setup() {
      const store = createAsyncStore<Record<string, unknown>>();
      const keyv = new Keyv();
      const value = plainRecord();
      return { measured: () => store.set("record", value), baseline: () => keyv.set("record", value) };
    },
  },
  {
    target: "ASYNC",
    name: "await asyncStore.get (integer)",
    baselineName: "await keyv.get",
    maxRatio: 1,
    strict: true,
    async: true,
    async setup() {
      const store = createAsyncStore<Record<string, unknown>>();
      const keyv = new Keyv();
      await store.set("counter", 42);
      await keyv.set("counter", 42);
      return { measured: () => store.get("counter"), baseline: () => keyv.get("counter") };
    },
  },
  {
    target: "ASYNC",
    name: "await asyncStore.set (integer)",
    baselineName: "await keyv.set",
    maxRatio: 1,
    strict: true,
    async: true,
    setup() {
      const store = createAsyncStore<Record<string, unknown>>();
      const keyv = new Keyv();
      return { measured: () => store.set("counter", 42), baseline: () => keyv.set("counter", 42) };
    },
  },
];
