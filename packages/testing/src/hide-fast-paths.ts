import { type BackendContract, FAST_PATHS } from "@dictstore/core";

/**
 * The same backend with every optional fast path hidden: only the required members of the contract
 * are left, so the core derives the rest. The compliance suite runs each backend this way too, which
 * proves that a fast path behaves exactly like its derivation.
 */
export function hideFastPaths<TSync extends boolean>(
  backend: BackendContract<TSync>,
): BackendContract<TSync> {
  const hidden = new Set<string>(FAST_PATHS);
  return new Proxy(backend, {
    get(target, property, receiver) {
      if (typeof property === "string" && hidden.has(property)) return undefined;
      return Reflect.get(target, property, receiver);
    },
    has(target, property) {
      return !(typeof property === "string" && hidden.has(property)) && Reflect.has(target, property);
    },
  });
}
