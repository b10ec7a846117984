import { refresh } from "@dictstore/core";

/** The refresh of one store in flight, and the one queued behind it for runs that arrived meanwhile. */
interface Refreshing {
  readonly current: Promise<void>;
  next: Promise<void> | undefined;
}

const inFlight = new WeakMap<object, Refreshing>();

/** Records `current` as the store's refresh in flight; when it settles, the queued one takes its place. */
function track(store: object, current: Promise<void>): Promise<void> {
  const state: Refreshing = { current, next: undefined };
  inFlight.set(store, state);
  const settle = () => {
    if (inFlight.get(store) !== state) return;
    if (state.next === undefined) inFlight.delete(store);
    else track(store, state.next); // already chained after `current`, so it is running now
  };
  current.then(settle, settle);
  return current;
}

/**
 * Brings a store up to date with everything committed before this call, sharing round trips with
 * concurrent runs: with no refresh in flight, one starts; otherwise the caller joins the next one,
 * queued to start when the current one ends (the current one may have been sent before this call,
 * so it cannot vouch for it). Sixteen steps starting together cost two refreshes, not sixteen.
 */
export function freshen(store: object): Promise<void> {
  const state = inFlight.get(store);
  if (state === undefined) return track(store, refresh(store));
  state.next ??= state.current.then(
    () => refresh(store),
    () => refresh(store),
  );
  return state.next;
}
