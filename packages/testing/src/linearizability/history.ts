/*
 * A concurrent history: every operation with the times it was called and returned, taken with
 * `process.hrtime.bigint()` (one monotonic clock for every client of the process). An operation
 * whose outcome is unknown (the reply was lost) has no return time: it may have taken effect at any
 * point after its call, or never.
 */

/** One operation of a history, on one key. */
export interface Operation<TInput, TOutput> {
  /** Which client ran it (operations of one client never overlap). */
  readonly client: number;
  /** The key it touched: the checker checks each key on its own. */
  readonly key: string;
  readonly input: TInput;
  /** What it returned; `undefined` when the outcome is unknown. */
  readonly output: TOutput | undefined;
  /** When it was called, in ns. */
  readonly call: bigint;
  /** When it returned, in ns; `null` when the outcome is unknown. */
  readonly return: bigint | null;
}

/** What `record` makes of a failure: an output the model checks, an unknown outcome, or nothing (no effect). */
export type FailureOutcome<TOutput> =
  | { readonly kind: "output"; readonly output: TOutput }
  | { readonly kind: "unknown" }
  | { readonly kind: "omit" };

/** Records operations as clients run them. */
export class HistoryRecorder<TInput, TOutput> {
  readonly operations: Operation<TInput, TOutput>[] = [];

  /**
   * @param onFailure Turns an error thrown by an operation into what the history keeps: an output
   *   (e.g. a typed error the model expects), an unknown outcome, or `omit` for a failure that
   *   certainly had no effect. Rethrow to fail the run.
   */
  constructor(private readonly onFailure: (error: unknown) => FailureOutcome<TOutput>) {}

  /** Runs `run` as one operation of `client` on `key`, and records it with its times and result. */
  async record(
    client: number,
    key: string,
    input: TInput,
    run: () => Promise<TOutput>,
  ): Promise<TOutput | undefined> {
    const call = process.hrtime.bigint();
    let output: TOutput;
    try {
      output = await run();
    } catch (error) {
      const outcome = this.onFailure(error);
      const returned = process.hrtime.bigint();
      if (outcome.kind === "omit") return undefined;
      const known = outcome.kind === "output";
      this.operations.push({
        client,
        key,
        input,
        output: known ? outcome.output : undefined,
        call,
        return: known ? returned : null,
      });
      return known ? outcome.output : undefined;
    }
    this.operations.push({ client, key, input, output, call, return: process.hrtime.bigint() });
    return output;
  }
}
