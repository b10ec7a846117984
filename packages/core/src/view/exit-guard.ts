/*
 * A process that ends with writes still buffered in a local view would lose them silently
 * (reliability.md F19). Views with buffered writes register here; on `beforeExit` they are flushed,
 * and a failure is reported and turned into a non-zero exit code instead of vanishing.
 */

interface Flushable {
  flush(): Promise<unknown>;
}

const pending = new Set<Flushable>();
let listening = false;

function onBeforeExit(): void {
  for (const view of [...pending]) {
    pending.delete(view);
    view.flush().catch((error: unknown) => {
      process.exitCode = 1;
      console.error("[@dictstore/core] Buffered writes could not be committed before exit:", error);
    });
  }
}

function onExit(): void {
  // process.exit() skips beforeExit and nothing async can run now: say what was lost, never stay silent.
  if (pending.size === 0) return;
  process.exitCode = process.exitCode || 1;
  console.error(
    `[@dictstore/core] ${pending.size} store view(s) exited with writes that were never committed; await flush(store) or close(store) before exiting.`,
  );
}

/** Registers a view that holds buffered writes. */
export function guardExit(view: Flushable): void {
  pending.add(view);
  if (!listening) {
    listening = true;
    process.on("beforeExit", onBeforeExit);
    process.on("exit", onExit);
  }
}

/** Forgets a view whose writes are all committed. */
export function releaseExitGuard(view: Flushable): void {
  pending.delete(view);
}
