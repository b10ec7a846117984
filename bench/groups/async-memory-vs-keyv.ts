import { createAsyncStore } from "@dictstore/core";
import { Keyv } from "keyv";
import type { BenchCase } from "../harness.ts";
import { keyvCases } from "../keyv-cases.ts";

/** The async API on memory vs keyv's in-memory store: both awaited per call; dictstore must be faster. */
export const cases: BenchCase[] = keyvCases({
  target: "ASYNC",
  nameSuffix: "",
  baselineSuffix: "",
  maxRatio: 1,
  strict: true,
  open: () => ({ store: createAsyncStore<Record<string, unknown>>(), keyv: new Keyv() }),
});
