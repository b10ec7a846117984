import type { Operation } from "./history.ts";
import type { Model } from "./model.ts";

/*
 * A linearizability checker: Wing & Gong's search with Lowe's memoization, as in porcupine
 * (anishathalye/porcupine). The history of each key is checked on its own, which is sound because
 * linearizability is local (Herlihy & Wing) and every operation touches one key. The problem is
 * NP-complete; the cache of (linearized set, state) pairs keeps histories of a few hundred
 * operations per key fast, and `maxSteps` bounds the rest.
 */

/** Options of `checkHistory`. */
export interface CheckOptions {
  /** Search steps per key before giving up with `timeout`. @default 5_000_000 */
  maxSteps?: number;
}

/** The verdict for one key. */
export interface KeyVerdict<TInput, TOutput> {
  readonly key: string;
  readonly operations: number;
  /** `ok`: linearizable; `violation`: provably not; `timeout`: the search ran out of steps. */
  readonly result: "ok" | "violation" | "timeout";
  /** For a violation: the longest order found that explains the history so far. */
  readonly linearized?: readonly Operation<TInput, TOutput>[];
  /** For a violation: the operation that returned before any order could place it. */
  readonly stuck?: Operation<TInput, TOutput>;
}

/** The verdict for a whole history. */
export interface CheckResult<TInput, TOutput> {
  /** True when every key's history is linearizable. */
  readonly ok: boolean;
  readonly keys: readonly KeyVerdict<TInput, TOutput>[];
}

/** One call or return event in the doubly linked list the search walks. */
interface Event {
  readonly id: number;
  readonly isCall: boolean;
  readonly time: bigint;
  /** For a call, its return event. */
  match: Event | null;
  prev: Event | null;
  next: Event | null;
}

const NEVER = BigInt(Number.MAX_SAFE_INTEGER) ** 2n;

function eventList(operations: readonly Operation<unknown, unknown>[]): Event {
  const events: Event[] = [];
  operations.forEach((op, id) => {
    const call: Event = { id, isCall: true, time: op.call, match: null, prev: null, next: null };
    const ret: Event = { id, isCall: false, time: op.return ?? NEVER, match: null, prev: null, next: null };
    call.match = ret;
    events.push(call, ret);
  });
  // At equal times a call goes first: the two operations then count as concurrent (never a false alarm).
  events.sort((a, b) =>
    a.time < b.time ? -1 : a.time > b.time ? 1 : a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1,
  );
  const head: Event = { id: -1, isCall: false, time: -1n, match: null, prev: null, next: null };
  let last = head;
  for (const event of events) {
    last.next = event;
    event.prev = last;
    last = event;
  }
  return head;
}

/** Removes a call and its return from the list (the operation is linearized). */
function lift(call: Event): void {
  const ret = call.match as Event;
  (call.prev as Event).next = call.next;
  if (call.next !== null) call.next.prev = call.prev;
  (ret.prev as Event).next = ret.next;
  if (ret.next !== null) ret.next.prev = ret.prev;
}

/** Puts them back, in the reverse order of `lift`. */
function unlift(call: Event): void {
  const ret = call.match as Event;
  (ret.prev as Event).next = ret;
  if (ret.next !== null) ret.next.prev = ret;
  (call.prev as Event).next = call;
  if (call.next !== null) call.next.prev = call;
}

/** Checks the history of one key. */
export function checkKey<TState, TInput, TOutput>(
  key: string,
  operations: readonly Operation<TInput, TOutput>[],
  model: Model<TState, TInput, TOutput>,
  options: CheckOptions = {},
): KeyVerdict<TInput, TOutput> {
  const maxSteps = options.maxSteps ?? 5_000_000;
  const head = eventList(operations);
  const linearized = new Uint32Array(Math.ceil(operations.length / 32) + 1);
  const seen = new Set<string>();
  const stack: { call: Event; state: TState }[] = [];
  let state = model.init();
  let entry = head.next;
  let steps = 0;
  let deepest: { order: number[]; stuck: number } = { order: [], stuck: -1 };
  while (head.next !== null) {
    if (++steps > maxSteps) return { key, operations: operations.length, result: "timeout" };
    const event = entry as Event;
    if (event.isCall) {
      const op = operations[event.id] as Operation<TInput, TOutput>;
      const after = model.step(state, op.input, op.output);
      if (after !== null) {
        const word = event.id >>> 5;
        const bit = 1 << (event.id & 31);
        linearized[word] = (linearized[word] as number) | bit;
        const memo = `${linearized.join(",")}|${model.hash(after.state)}`;
        if (!seen.has(memo)) {
          seen.add(memo);
          stack.push({ call: event, state });
          state = after.state;
          lift(event);
          entry = head.next;
          continue;
        }
        linearized[word] = (linearized[word] as number) & ~bit;
      }
      entry = event.next;
      continue;
    }
    // A return reached: its operation could not be placed before it, so undo the latest choice.
    if (stack.length >= deepest.order.length)
      deepest = { order: stack.map((s) => s.call.id), stuck: event.id };
    const top = stack.pop();
    if (top === undefined) {
      return {
        key,
        operations: operations.length,
        result: "violation",
        linearized: deepest.order.map((id) => operations[id] as Operation<TInput, TOutput>),
        stuck: operations[deepest.stuck] as Operation<TInput, TOutput>,
      };
    }
    state = top.state;
    linearized[top.call.id >>> 5] = (linearized[top.call.id >>> 5] as number) & ~(1 << (top.call.id & 31));
    unlift(top.call);
    entry = top.call.next;
  }
  return { key, operations: operations.length, result: "ok" };
}

/** Checks a history key by key against `model`. */
export function checkHistory<TState, TInput, TOutput>(
  operations: readonly Operation<TInput, TOutput>[],
  model: Model<TState, TInput, TOutput>,
  options: CheckOptions = {},
): CheckResult<TInput, TOutput> {
  const byKey = new Map<string, Operation<TInput, TOutput>[]>();
  for (const op of operations) {
    const list = byKey.get(op.key);
    if (list === undefined) byKey.set(op.key, [op]);
    else list.push(op);
  }
  const keys = [...byKey].map(([key, ops]) => checkKey(key, ops, model, options));
  return { ok: keys.every((k) => k.result === "ok"), keys };
}

/** A violation as readable text: the key, the order found so far, and the operation that broke it. */
export function describeViolation<TState, TInput, TOutput>(
  verdict: KeyVerdict<TInput, TOutput>,
  model: Model<TState, TInput, TOutput>,
): string {
  const show = (op: Operation<TInput, TOutput>) =>
    `client ${op.client}: ${model.describe?.(op.input, op.output) ?? JSON.stringify(op.input)}`;
  const lines = (verdict.linearized ?? []).map((op) => `  ${show(op)}`);
  return [
    `key "${verdict.key}" (${verdict.operations} operations): ${verdict.result}`,
    "longest linearization found:",
    ...lines,
    verdict.stuck === undefined ? "" : `no place for: ${show(verdict.stuck)}`,
  ].join("\n");
}
