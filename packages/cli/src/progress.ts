import type { Writable } from "node:stream";
import type { Style } from "./style.ts";

/** A progress indicator for long runs; a no-op unless its stream is a terminal. */
export interface Progress {
  /** Records `n` more items done (and `bytes` of input read, for byte-measured totals). */
  advance(n: number, bytes?: number): void;
  /** Erases the bar. */
  done(): void;
}

/** What the bar measures: items (with a known total or none) or bytes of an input of known size. */
export interface ProgressOptions {
  readonly stream: Writable & { isTTY?: boolean };
  /** Set false to never draw (e.g. when the data itself goes to the same terminal). @default true */
  readonly enabled?: boolean;
  readonly style: Style;
  /** The word after the count, e.g. "records". */
  readonly unit: string;
  /** Total items, when known. */
  readonly total?: number;
  /** Total bytes of the input, when the bar should follow bytes read instead. */
  readonly totalBytes?: number;
  /**
   * The environment: `DICTSTORE_PROGRESS_DELAY_MS=0` draws the bar from the first record and on every
   * advance, however short the run (for demos and for tests that must not depend on the machine's speed).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

// Short runs finish before anyone could read a bar: only draw after this long, then at most this often.
const SHOW_AFTER_MS = 400;
const REDRAW_EVERY_MS = 100;
const BAR_WIDTH = 24;

/** A single-line progress bar on a terminal (drawn on stderr, erased when done); silent elsewhere. */
export function createProgress(options: ProgressOptions): Progress {
  const { stream, style, unit } = options;
  if (stream.isTTY !== true || options.enabled === false) return { advance: () => {}, done: () => {} };
  const showAfter = delayFrom(options.env) ?? SHOW_AFTER_MS;
  const redrawEvery = Math.min(showAfter, REDRAW_EVERY_MS);
  const started = Date.now();
  let count = 0;
  let bytes = 0;
  let lastDraw = 0;
  let drawn = false;

  const fraction = (): number | undefined => {
    if (options.totalBytes !== undefined && options.totalBytes > 0)
      return Math.min(1, bytes / options.totalBytes);
    if (options.total !== undefined && options.total > 0) return Math.min(1, count / options.total);
    return undefined;
  };
  const draw = () => {
    const part = fraction();
    const counted = options.total === undefined ? `${count} ${unit}` : `${count}/${options.total} ${unit}`;
    let line = counted;
    if (part !== undefined) {
      const filled = Math.round(part * BAR_WIDTH);
      const bar = style.cyan("█".repeat(filled)) + style.dim("░".repeat(BAR_WIDTH - filled));
      line = `${bar} ${String(Math.floor(part * 100)).padStart(3)}%  ${counted}`;
    }
    stream.write(`\r\u001b[2K${line}`);
    drawn = true;
  };

  return {
    advance(n, more = 0) {
      count += n;
      bytes += more;
      const now = Date.now();
      if (now - started < showAfter || now - lastDraw < redrawEvery) return;
      lastDraw = now;
      draw();
    },
    done() {
      if (drawn) stream.write("\r\u001b[2K");
    },
  };
}

/** `DICTSTORE_PROGRESS_DELAY_MS` as a number of milliseconds, when set to one. */
function delayFrom(env: ProgressOptions["env"]): number | undefined {
  const text = env?.DICTSTORE_PROGRESS_DELAY_MS;
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}
