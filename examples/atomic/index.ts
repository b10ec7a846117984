import type { Example } from "../lib/define-example.ts";
import { example as counterIncrement } from "./12-counter-increment.ts";
import { example as counterTransaction } from "./12-counter-transaction.ts";
import { example as dedupeSetIfAbsent } from "./13-dedupe-set-if-absent.ts";
import { example as dedupeTransaction } from "./13-dedupe-transaction.ts";

/** The seed's counter and dedupe examples, race-free: run concurrently, they lose nothing. */
export const atomicExamples: readonly Example[] = [
  counterIncrement,
  counterTransaction,
  dedupeTransaction,
  dedupeSetIfAbsent,
];
