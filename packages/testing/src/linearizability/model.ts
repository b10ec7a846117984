import { isDeepStrictEqual } from "node:util";

/**
 * A sequential specification: what one operation does to the state of one key, and whether the
 * output it returned is possible from that state. `output` is `undefined` when the outcome is
 * unknown: any output is then possible, and the operation's effect still applies.
 */
export interface Model<TState, TInput, TOutput> {
  /** The state of a key nobody has touched. */
  init(): TState;
  /** `{ state }` after the operation, or `null` when `output` is impossible from `state`. */
  step(state: TState, input: TInput, output: TOutput | undefined): { readonly state: TState } | null;
  /** A string that is equal for equal states (the checker memoizes on it). */
  hash(state: TState): string;
  /** The operation as text, for violation reports. */
  describe?(input: TInput, output: TOutput | undefined): string;
}

/** An operation on a store key, as the store model knows them. */
export type StoreInput =
  | { readonly op: "get" }
  | { readonly op: "set"; readonly value: unknown }
  | { readonly op: "delete" }
  | { readonly op: "increment"; readonly by: number }
  | { readonly op: "setIfAbsent"; readonly value: unknown }
  | {
      readonly op: "update";
      /** What the recipe does, as a pure function of the current value (or `initial`). */
      readonly apply: (value: unknown) => unknown;
      readonly initial: unknown;
      /** The recipe as text, for reports. */
      readonly label: string;
    };

/** What a store operation returned: a value, or the code of a typed error. */
export type StoreOutput = { readonly value: unknown } | { readonly error: string };

/** `{ state }` when the output is unknown or returned `expected`; `null` otherwise. */
function expect(output: StoreOutput | undefined, expected: unknown, state: unknown) {
  const possible = output === undefined || ("value" in output && isDeepStrictEqual(output.value, expected));
  return possible ? { state } : null;
}

/**
 * The store's atomic semantics for one key (state: its value, `undefined` when missing): `get`
 * returns the value; `set` writes; `delete` returns whether the key was present; `increment` adds
 * to a number (a missing key counts as 0) and refuses anything else with `INVALID_VALUE`, leaving it
 * unchanged; `update` applies its recipe; `setIfAbsent` writes only when missing and says whether it did.
 */
export const storeModel: Model<unknown, StoreInput, StoreOutput> = {
  init: () => undefined,
  step(state, input, output) {
    switch (input.op) {
      case "get":
        return expect(output, state, state);
      case "set":
        return expect(output, undefined, input.value);
      case "delete":
        return expect(output, state !== undefined, undefined);
      case "increment": {
        if (state === undefined || typeof state === "number") {
          const next = (state ?? 0) + input.by;
          return expect(output, next, next);
        }
        const refused = output === undefined || ("error" in output && output.error === "INVALID_VALUE");
        return refused ? { state } : null;
      }
      case "setIfAbsent":
        return state === undefined ? expect(output, true, input.value) : expect(output, false, state);
      case "update": {
        const next = input.apply(state === undefined ? input.initial : state);
        return expect(output, next, next);
      }
    }
  },
  hash: (state) => (state === undefined ? "-" : JSON.stringify(state)),
  describe(input, output) {
    const argument =
      input.op === "set" || input.op === "setIfAbsent"
        ? JSON.stringify(input.value)
        : input.op === "increment"
          ? String(input.by)
          : input.op === "update"
            ? input.label
            : "";
    const result =
      output === undefined
        ? "?"
        : "error" in output
          ? output.error
          : (JSON.stringify(output.value) ?? "undefined");
    return `${input.op}(${argument}) → ${result}`;
  },
};
