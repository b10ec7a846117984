import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import type { StepLog } from "./types.ts";

/** Where the console lines of one running step go. */
export interface LogSink {
  readonly lines: StepLog[];
  /** Also print the lines through the original console. */
  readonly print: boolean;
  attempt: number;
}

type Level = StepLog["level"];
const LEVELS: readonly Level[] = ["log", "info", "warn", "error", "debug"];

// One store for the whole process: each running step has its own sink in its async context, so
// steps that run at the same time never see each other's lines.
const storage = new AsyncLocalStorage<LogSink>();
const wrappers = new WeakSet<object>();

/**
 * Routes `console.log`/`info`/`warn`/`error`/`debug` through the current step's sink, if any;
 * outside a step the console behaves as before. Checked on every captured run: test tools and
 * loggers replace and restore console methods, which would silently undo a one-time install.
 */
function install(): void {
  for (const level of LEVELS) {
    const original = console[level];
    if (wrappers.has(original)) continue;
    const wrapper = (...args: unknown[]) => {
      const sink = storage.getStore();
      if (sink === undefined) {
        original.apply(console, args);
        return;
      }
      sink.lines.push({ level, message: format(...args), time: Date.now(), attempt: sink.attempt });
      if (sink.print) original.apply(console, args);
    };
    wrappers.add(wrapper);
    console[level] = wrapper;
  }
}

/** Runs `fn` with everything it (and whatever it starts) logs through `console` captured in `sink`. */
export function captureLogs<T>(sink: LogSink, fn: () => Promise<T>): Promise<T> {
  install();
  return storage.run(sink, fn);
}
