/*
 * A worker process for test/atomic-concurrency.test.ts. It opens `connections` connections to the
 * target, prints "ready", waits for "go" on stdin (so every process starts at once), runs `count`
 * operations on each connection (the connections concurrently, each one's operations in
 * sequence), closes everything and prints one JSON line: {"done": n, "errors": [...]}.
 * Usage: atomic-child.ts '<json: { target, store, connections, count, op }>'
 */
import { createInterface } from "node:readline";
import { createAsyncStore, type DataStore, flush, openStore } from "@dictstore/core";
import { connectTo, type Target } from "./atomic-targets.ts";

interface Job {
  target: Target;
  store: string;
  connections: number;
  count: number;
  /** increment: `increment("counter")`; transaction: the seed's counter in a transaction, on a local view. */
  op: "increment" | "transaction";
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job;
const backends = Array.from({ length: job.connections }, () => connectTo(job.target));

/** The seed's counter, unchanged, as a transaction function. */
function seedCounter(tx: DataStore<{ counter: number }>): void {
  if (tx.get("counter") === undefined) tx.counter = 1;
  else tx.counter = (tx.counter as number) + 1;
}

async function worker(index: number): Promise<number> {
  const backend = backends[index];
  if (backend === undefined) throw new Error("no backend");
  if (job.op === "increment") {
    const store = createAsyncStore({ backend, name: job.store });
    for (let i = 0; i < job.count; i++) await store.increment("counter");
  } else {
    const store = await openStore<{ counter: number }>({ backend, name: job.store });
    for (let i = 0; i < job.count; i++) await store.transaction(seedCounter);
    await flush(store);
  }
  return job.count;
}

// Connect (and load the scripts) before the start signal, so the timed part is the operations.
await Promise.all(backends.map((b) => b.version(job.store)));
console.log("ready");
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.on("line", (line) => line === "go" && resolve()));
lines.close();

const errors: string[] = [];
const results = await Promise.allSettled(backends.map((_, i) => worker(i)));
let done = 0;
for (const result of results) {
  if (result.status === "fulfilled") done += result.value;
  else errors.push(String((result.reason as Error)?.stack ?? result.reason));
}
await Promise.all(backends.map((b) => b.dispose?.()));
console.log(JSON.stringify({ done, errors }));
