import { constants } from "node:os";
import type { StoreError } from "../errors.ts";

/*
 * A process that ends with writes still buffered in a local view would lose them silently
 * (reliability.md F19). Views with buffered writes register here. When the event loop runs dry
 * (`beforeExit`) or on SIGTERM/SIGINT, they are given EXIT_DEADLINE_MS to commit; whatever is
 * then not known to be committed is reported on stderr, per store and key, as "not committed" or
 * "outcome unknown" (a commit that was sent and never answered may have been applied: someone who
 * re-applies it on the word "not committed" would apply it twice), and the exit code says so.
 */

/** What a view holds that is not known to be committed. */
export interface Unsettled {
  readonly store: string;
  readonly backend: string;
  /** Keys whose writes never reached the backend. */
  readonly notCommitted: readonly string[];
  /** Keys whose commit was sent and not answered: they may or may not be in the store. */
  readonly unknown: readonly string[];
  /** Why the last commit failed, if it did. */
  readonly error: StoreError | null;
}

/** A view the guard can settle and ask about. */
export interface ExitGuarded {
  /** Lets the commit in flight finish and retries once what is worth retrying; never rejects. */
  settle(): Promise<void>;
  /** What is not known to be committed now; undefined when everything is. */
  unsettled(): Unsettled | undefined;
}

/**
 * How long buffered writes get to commit at exit. Fixed, not the backend's `timeoutMs`: a smaller
 * one ends the wait sooner anyway (every call settles within it), and a larger one must not delay
 * the report past the SIGKILL a process manager sends after its grace period (docs/process-exit.md).
 */
const EXIT_DEADLINE_MS = 5000;
/** At most this many keys are named per store and kind; the rest are counted. */
const KEYS_SHOWN = 50;

const pending = new Set<ExitGuarded>();
let listening = false;
let settling = false;
let signalled: NodeJS.Signals | null = null;

/** Registers a view that holds buffered writes. */
export function guardExit(view: ExitGuarded): void {
  pending.add(view);
  if (!listening) {
    listening = true;
    process.on("beforeExit", onBeforeExit);
    process.on("exit", onExit);
    // Installed once, for the life of the process: adding and removing a signal listener costs
    // ~50 µs, more than a commit. With nothing buffered the handler behaves as if it were absent.
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  }
}

/** Forgets a view whose writes are all committed (or were handed back to the caller as an error). */
export function releaseExitGuard(view: ExitGuarded): void {
  pending.delete(view);
}

/** Waits until every view settled or the deadline passed; true when all settled in time. */
async function settleWithin(views: readonly ExitGuarded[]): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), EXIT_DEADLINE_MS);
  });
  const all = Promise.all(views.map((view) => view.settle())).then(() => true as const);
  try {
    return await Promise.race([all, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function onBeforeExit(): void {
  if (pending.size === 0 || settling || signalled !== null) return;
  settling = true;
  const views = [...pending];
  void settleWithin(views).then((inTime) => {
    settling = false;
    if (reportLost(views)) process.exitCode = process.exitCode || 1;
    // A commit that outlived the deadline would keep the process alive: it is reported, so go.
    if (!inTime) process.exit();
  });
}

function onExit(): void {
  // process.exit() or an uncaught exception: nothing async can run now, so say what is at stake.
  if (reportLost([...pending])) process.exitCode = process.exitCode || 1;
}

function onSignal(signal: NodeJS.Signals): void {
  // The user's own handler decides what the signal means; the exit report still runs at exit.
  if (process.listenerCount(signal) > 1) return;
  const code = 128 + (constants.signals[signal] ?? 0);
  if (signalled !== null) {
    // A second signal: stop waiting.
    reportLost([...pending]);
    process.exit(code);
    return;
  }
  if (pending.size === 0) {
    // Nothing buffered: do what the signal does by default.
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    process.kill(process.pid, signal);
    return;
  }
  signalled = signal;
  const views = [...pending];
  console.error(
    `[@dictstore/core] ${signal}: committing the buffered writes of ${views.length} store(s) before exiting (at most ${EXIT_DEADLINE_MS / 1000} s; send ${signal} again to exit now).`,
  );
  void settleWithin(views).then(() => {
    reportLost(views);
    process.exit(code);
  });
}

/** Prints what the views hold that is not known to be committed and forgets them; true if anything. */
function reportLost(views: readonly ExitGuarded[]): boolean {
  const lines: string[] = [];
  for (const view of views) {
    pending.delete(view);
    const state = view.unsettled();
    if (state === undefined) continue;
    const where = `store "${state.store}" (${state.backend})`;
    const cause = state.error === null ? "" : ` Cause: ${state.error.code}: ${state.error.message}`;
    if (state.unknown.length > 0) {
      lines.push(
        `  ${where}: outcome unknown for ${describeKeys(state.unknown)}: their commit was sent but never answered, so they may or may not be in the store; check before writing them again.${cause}`,
      );
    }
    if (state.notCommitted.length > 0) {
      lines.push(`  ${where}: not committed: ${describeKeys(state.notCommitted)}.${cause}`);
    }
  }
  if (lines.length === 0) return false;
  const why = signalled === null ? "" : ` (${signalled})`;
  console.error(
    `[@dictstore/core] The process is exiting${why} with writes that are not known to be committed; await flush(store) or close(store) before exiting to handle this yourself:\n${lines.join("\n")}`,
  );
  return true;
}

function describeKeys(keys: readonly string[]): string {
  const shown = keys.slice(0, KEYS_SHOWN).map((key) => JSON.stringify(key));
  const more = keys.length > KEYS_SHOWN ? ` and ${keys.length - KEYS_SHOWN} more` : "";
  return `${keys.length} key(s) ${shown.join(", ")}${more}`;
}
