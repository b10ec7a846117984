import { inspect } from "node:util";
import { StoreError } from "../errors.ts";
import { isValidKeyText } from "../limits.ts";
import { RESERVED_KEYS } from "../reserved.ts";
import { DICT_METHODS, type MethodMaker } from "./dict-methods.ts";
import { mayBeReserved } from "./reserved-shapes.ts";
import type { SyncStore } from "./sync-store.ts";
import type { DataStore } from "./types.ts";

function reservedKeyError(name: string, action: "assign" | "delete"): StoreError {
  const hint =
    action === "assign"
      ? `store.set(${JSON.stringify(name)}, value)`
      : `store.delete(${JSON.stringify(name)})`;
  return new StoreError(
    "RESERVED_KEY",
    `[@dictstore/core] "${name}" is a reserved name on the store (a method), so it cannot be ${action === "assign" ? "assigned" : "deleted"} as a property. Use ${hint} for a data key with that name.`,
    { key: name },
  );
}

function symbolKeyError(): TypeError {
  return new TypeError("[@dictstore/core] Store keys are strings (or numbers); a symbol cannot be a key.");
}

/**
 * The reserved methods of one store, each made on its first read and kept, so every read returns the
 * same function. Made lazily, not all at open: a step that opens a view, reads a few keys and closes
 * it uses few or none of them, and opening a view is on the path of every step (P6).
 */
function lazyMethods(store: SyncStore): (name: string) => unknown {
  const made: Record<string, unknown> = Object.create(null);
  return (name) => {
    const method = made[name];
    if (method !== undefined || !Object.hasOwn(DICT_METHODS, name)) return method;
    const make = DICT_METHODS[name as keyof typeof DICT_METHODS] as MethodMaker;
    const fresh = make(store, createDictProxy);
    made[name] = fresh;
    return fresh;
  };
}

/** Answers the symbols the runtime reads off objects, locally: no symbol ever reaches the backend. */
function symbolValue(store: SyncStore, symbol: symbol): unknown {
  switch (symbol) {
    case Symbol.iterator:
      return () => store.keys()[Symbol.iterator]();
    case Symbol.toStringTag:
      return "DataStore";
    case Symbol.toPrimitive:
      return (hint: string) => (hint === "number" ? Number.NaN : `[DataStore ${store.core.name}]`);
    case inspect.custom:
      return () => `DataStore(${store.core.backend.name}:${JSON.stringify(store.core.name)})`;
    default:
      return undefined;
  }
}

/**
 * Wraps a sync store in the dict Proxy. The target is an empty null-prototype object, so no
 * Proxy invariant can bite and `"toString" in store` is false; every trap answers from the store.
 */
export function createDictProxy<T>(store: SyncStore): DataStore<T> {
  const methodNamed = lazyMethods(store);
  const core = store.core;
  const fast = store.fastReader;
  const missIsFinal = fast?.coversEveryKey === true;
  const limits = core.limits;
  /** A property read the hot path left: a reserved name's method or property, else a checked read. */
  const methodOrRead = (property: string): unknown => {
    if (mayBeReserved(property)) {
      const method = methodNamed(property);
      if (method !== undefined) return method;
      if (property === "size") return store.size();
      if (property === "then") return undefined;
    }
    return store.read(property);
  };
  /** The get trap after the symbol check: the hot path, then the reserved names and the checked read. */
  const read = (property: string): unknown => {
    // The hot path, for a source that reads from memory: the key's entry, looked up before the
    // reserved names are checked. What the entry keeps (a decoded primitive, a frozen value) is
    // never kept for a key that may be reserved (StoreCore.decode), so it can shadow no method.
    if (fast !== undefined && !core.closed) {
      const entry = fast(property);
      if (entry !== undefined) {
        const kept = core.kept(entry);
        if (kept !== undefined) return kept;
        if (!mayBeReserved(property)) return core.decodeUnkept(property, entry, true);
      }
    }
    return methodOrRead(property);
  };
  const keptOf = store.keptReader;
  const handler: ProxyHandler<object> = {
    // Two traps, chosen once, so a source without a kept reader (the memory backend) pays no test
    // for it. A kept primitive, like the entry's, is never kept for a key that may be reserved.
    get:
      keptOf === undefined
        ? (_target, property) =>
            typeof property === "string" ? read(property) : symbolValue(store, property)
        : (_target, property) => {
            if (typeof property !== "string") return symbolValue(store, property);
            if (!core.closed) {
              const kept = keptOf(property);
              if (kept !== undefined) return kept;
            }
            return read(property);
          },
    set(_target, property, value) {
      if (typeof property === "symbol") throw symbolKeyError();
      if (mayBeReserved(property) && RESERVED_KEYS.has(property)) throw reservedKeyError(property, "assign");
      store.set(property, value);
      return true;
    },
    has(_target, property) {
      if (typeof property !== "string") return false;
      // The get trap's hot path, for `in`: a key with an entry was valid when it was stored, so it
      // needs no check. A miss is final when the reader sees every key of the store (a limited
      // view's reader does not: its general path throws NOT_LOADED for a key outside the view), and
      // then only a malformed key must go on, to throw.
      if (fast !== undefined && !core.closed) {
        if (fast(property) !== undefined) return true;
        if (missIsFinal && isValidKeyText(property, limits)) return false;
      }
      return store.has(property);
    },
    deleteProperty(_target, property) {
      if (typeof property === "symbol") throw symbolKeyError();
      if (mayBeReserved(property) && RESERVED_KEYS.has(property)) throw reservedKeyError(property, "delete");
      store.delete(property);
      return true;
    },
    ownKeys() {
      return [...store.keys()];
    },
    getOwnPropertyDescriptor(_target, property) {
      if (typeof property === "symbol" || !store.has(property)) return undefined;
      // Every data key is enumerable, so Object.keys lists all of them. A data key with a reserved name
      // is still shadowed by the method on property reads: spread and Object.entries (which read
      // through `get`) show the method for it, as the README says; toObject() shows the data.
      return { value: store.get(property), writable: true, enumerable: true, configurable: true };
    },
    defineProperty(_target, property) {
      throw new StoreError(
        "UNSUPPORTED_OPERATION",
        `[@dictstore/core] Properties of a store cannot be defined (tried ${String(property)}); assign a value or use store.set().`,
      );
    },
    setPrototypeOf() {
      throw new StoreError(
        "UNSUPPORTED_OPERATION",
        "[@dictstore/core] A store's prototype cannot be changed.",
      );
    },
    preventExtensions() {
      throw new StoreError("UNSUPPORTED_OPERATION", "[@dictstore/core] A store cannot be frozen or sealed.");
    },
  };
  // A null prototype like Object.create(null), but in V8's fast mode (Object.create(null) makes a
  // dictionary): the check V8 runs on the target after every trap call is then a little cheaper.
  const target: object = Object.setPrototypeOf({}, null);
  // util.inspect reads a Proxy's target, never its traps, so the description must live on the target
  // (configurable, so the traps may keep hiding it from ownKeys and `in`).
  Object.defineProperty(target, inspect.custom, {
    value: symbolValue(store, inspect.custom),
    configurable: true,
  });
  return new Proxy(target, handler) as DataStore<T>;
}
