import {
  backendOf,
  close,
  createAsyncStore,
  createError,
  createRequiredError,
  createStore,
  ERROR_CODES,
  flush,
  isStoreError,
  memoryBackend,
  refresh,
  StoreError,
} from "@dictstore/core";
import { describe, expect, it } from "vitest";
import { expectRejection, expectStoreError, thrown } from "./support.ts";

describe("StoreError", () => {
  it("is an Error with name StoreError, a code, and an own cause even when there is none", () => {
    const error = new StoreError("CONFLICT", "it changed");
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.name).toBe("StoreError");
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("it changed");
    expect(Object.hasOwn(error, "cause")).toBe(true);
    expect(error.cause).toBeUndefined();
    expect(error.backend).toBeUndefined();
    expect(error.key).toBeUndefined();
    expect(String(error)).toBe("StoreError: it changed");
  });

  it("carries cause, backend and key when given", () => {
    const cause = new Error("socket closed");
    const error = new StoreError("BACKEND_UNAVAILABLE", "down", { cause, backend: "redis", key: "k" });
    expect(error.cause).toBe(cause);
    expect(error.backend).toBe("redis");
    expect(error.key).toBe("k");
  });

  it("has a stack that starts at the caller, not inside the error module", () => {
    function callerOfStoreError(): StoreError {
      return new StoreError("CONFLICT", "x");
    }
    const stack = callerOfStoreError().stack ?? "";
    expect(stack.split("\n")[1]).toContain("callerOfStoreError");
  });

  it("ERROR_CODES lists every code a store can raise", () => {
    for (const code of [
      "BACKEND_UNAVAILABLE",
      "AUTH_FAILED",
      "UNKNOWN_OUTCOME",
      "CONFLICT",
      "CAPACITY",
      "LIMIT_EXCEEDED",
      "INVALID_KEY",
      "INVALID_VALUE",
      "INVALID_ARGUMENT",
      "RESERVED_KEY",
      "KEY_ERROR",
      "SERIALIZE_FAILED",
      "UNSUPPORTED_OPERATION",
      "MISSING_OPTION",
      "READ_ONLY",
      "CLOSED",
      "CORRUPT",
    ]) {
      expect(ERROR_CODES).toContain(code);
    }
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});

describe("createError and createRequiredError", () => {
  it("prefix the package and the backend, and set backend and cause", () => {
    const cause = new Error("ECONNREFUSED");
    const error = createError("redis", "BACKEND_UNAVAILABLE", "Redis did not answer.", { cause, key: "k" });
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toBe("[@dictstore/core] [redis] Redis did not answer.");
    expect(error.backend).toBe("redis");
    expect(error.cause).toBe(cause);
    expect(error.key).toBe("k");
    expect(Object.hasOwn(createError("memory", "CONFLICT", "x"), "cause")).toBe(true);
  });

  it("name the missing option(s)", () => {
    const one = createRequiredError("redis", "url");
    expect(one.code).toBe("MISSING_OPTION");
    expect(one.message).toBe("[@dictstore/core] [redis] Missing required option `url`.");
    const either = createRequiredError("redis", ["url", "client"]);
    expect(either.message).toBe("[@dictstore/core] [redis] Missing required option `url` or `client`.");
  });
});

describe("isStoreError", () => {
  it("recognises StoreErrors, with or without a code filter", () => {
    const error = new StoreError("CONFLICT", "x");
    expect(isStoreError(error)).toBe(true);
    expect(isStoreError(error, "CONFLICT")).toBe(true);
    expect(isStoreError(error, "CLOSED")).toBe(false);
  });

  it("works across package copies: it checks the name, not instanceof", () => {
    const foreign = { name: "StoreError", code: "CONFLICT", message: "from another copy" };
    expect(isStoreError(foreign)).toBe(true);
    expect(isStoreError(foreign, "CONFLICT")).toBe(true);
    expect(isStoreError(foreign, "CLOSED")).toBe(false);
    class OtherCopyStoreError extends Error {
      override readonly name = "StoreError";
      readonly code = "READ_ONLY";
    }
    expect(isStoreError(new OtherCopyStoreError("x"), "READ_ONLY")).toBe(true);
  });

  it("rejects everything else", () => {
    for (const value of [
      new Error("x"),
      new TypeError("x"),
      { name: "Error", code: "CONFLICT" },
      "StoreError",
      null,
      undefined,
      42,
    ]) {
      expect(isStoreError(value)).toBe(false);
    }
  });
});

describe("errors raised by stores", () => {
  it("messages start with the package prefix and say what to do", () => {
    const store = createStore();
    const reserved = expectStoreError(() => {
      (store as Record<string, unknown>).keys = 1;
    }, "RESERVED_KEY");
    expect(reserved.message.startsWith("[@dictstore/core] ")).toBe(true);
    const invalid = expectStoreError(() => {
      store.k = () => 1;
    }, "INVALID_VALUE");
    expect(invalid.message.startsWith("[@dictstore/core] ")).toBe(true);
    expect(Object.hasOwn(invalid, "cause")).toBe(true);
  });

  it("a backend error carries the backend name in its prefix and its `backend` field", () => {
    const store = createStore({ limits: { maxKeys: 0 } });
    const error = expectStoreError(() => {
      store.k = 1;
    }, "LIMIT_EXCEEDED");
    expect(error.message.startsWith("[@dictstore/core] [memory] ")).toBe(true);
    expect((error as StoreError).backend).toBe("memory");
  });
});

describe("KEY_ERROR with missingKey: 'throw'", () => {
  it("a bracket read of a missing key throws KEY_ERROR naming the key and pointing to get()", () => {
    const store = createStore({ missingKey: "throw", name: "orders" });
    const error = expectStoreError(() => store.nope, "KEY_ERROR");
    expect(error.message).toContain('"nope"');
    expect(error.message).toContain('"orders"');
    expect(error.message).toContain("store.get(key, default)");
    expect((error as StoreError).key).toBe("nope");
  });

  it("get(), in, has() and present keys are unaffected; a present undefined is not missing", () => {
    const store = createStore({ missingKey: "throw" });
    expect(store.get("nope")).toBeUndefined();
    expect(store.get("nope", 1)).toBe(1);
    expect("nope" in store).toBe(false);
    expect(store.has("nope")).toBe(false);
    store.zero = 0;
    store.undef = undefined;
    expect(store.zero).toBe(0);
    expect(store.undef).toBeUndefined();
  });

  it("pop of a missing key throws KEY_ERROR in both modes unless a fallback is given", () => {
    for (const missingKey of ["throw", "undefined"] as const) {
      const store = createStore({ missingKey });
      expectStoreError(() => store.pop("nope"), "KEY_ERROR");
      expect(store.pop("nope", "d")).toBe("d");
    }
  });

  it("the default mode reads a missing key as undefined", () => {
    expect(createStore().nope).toBeUndefined();
  });
});

describe("READ_ONLY with readOnly: true", () => {
  function readOnlyStore() {
    const backend = memoryBackend(undefined);
    const writer = createStore({ backend });
    writer.update({ k: 1, list: [1] });
    writer.set("ttl", 1, { ttl: 60 });
    const store = createStore({ backend, readOnly: true });
    return { store, writer };
  }

  it("reads work", () => {
    const { store } = readOnlyStore();
    expect(store.k).toBe(1);
    expect(store.get("list")).toEqual([1]);
    expect("k" in store).toBe(true);
    expect([...store.keys()]).toEqual(["k", "list", "ttl"]);
    expect(store.size).toBe(3);
    expect(store.getTtl("ttl")).toBeGreaterThan(0);
  });

  it("every write is refused with READ_ONLY and nothing changes", async () => {
    const { store, writer } = readOnlyStore();
    const record = store as Record<string, unknown>;
    const sync: [string, () => unknown][] = [
      ["assignment", () => (record.k = 2)],
      ["new key", () => (record.fresh = 2)],
      ["delete operator", () => delete record.k],
      ["set", () => store.set("k", 2)],
      ["delete", () => store.delete("k")],
      ["clear", () => store.clear()],
      ["update(mapping)", () => store.update({ k: 2 })],
      ["setTtl", () => store.setTtl("k", 5)],
      ["pop", () => store.pop("k")],
      ["setdefault", () => store.setdefault("fresh", 1)],
    ];
    for (const [label, write] of sync) {
      const error = thrown(write);
      expect(error, label).toMatchObject({ name: "StoreError", code: "READ_ONLY" });
    }
    await expectRejection(store.increment("n"), "READ_ONLY");
    await expectRejection(store.setIfAbsent("fresh", 1), "READ_ONLY");
    await expectRejection(store.append("list", 2), "READ_ONLY");
    await expectRejection(
      store.update("k", () => 2),
      "READ_ONLY",
    );
    expect(writer.toObject()).toEqual({ k: 1, list: [1], ttl: 1 });
  });

  it("the async API refuses writes too", async () => {
    const store = createAsyncStore({ readOnly: true });
    await expectRejection(store.set("k", 1), "READ_ONLY");
    await expectRejection(store.delete("k"), "READ_ONLY");
    await expectRejection(store.clear(), "READ_ONLY");
    expect(await store.size()).toBe(0);
  });
});

describe("CLOSED after close()", () => {
  it("every operation of a closed dict store throws CLOSED", async () => {
    const store = createStore();
    store.k = 1;
    await close(store);
    const record = store as Record<string, unknown>;
    const ops: [string, () => unknown][] = [
      ["read", () => record.k],
      ["assign", () => (record.k = 2)],
      ["in", () => "k" in store],
      ["delete operator", () => delete record.k],
      ["get", () => store.get("k")],
      ["set", () => store.set("k", 1)],
      ["has", () => store.has("k")],
      ["delete", () => store.delete("k")],
      ["keys", () => [...store.keys()]],
      ["entries", () => [...store.entries()]],
      ["values", () => [...store.values()]],
      ["for..of", () => [...store]],
      ["Object.keys", () => Object.keys(store)],
      ["size", () => store.size],
      ["clear", () => store.clear()],
      ["toObject", () => store.toObject()],
      ["getTtl", () => store.getTtl("k")],
      ["setTtl", () => store.setTtl("k", 1)],
      ["update", () => store.update({ k: 1 })],
    ];
    for (const [label, op] of ops) {
      expect(thrown(op), label).toMatchObject({ name: "StoreError", code: "CLOSED" });
    }
    await expectRejection(store.increment("k"), "CLOSED");
    await expectRejection(store.setIfAbsent("x", 1), "CLOSED");
    await expectRejection(flush(store), "CLOSED");
    await expectRejection(refresh(store), "CLOSED");
  });

  it("the message names the store", async () => {
    const store = createStore({ name: "jobs" });
    await close(store);
    const error = expectStoreError(() => store.get("k"), "CLOSED");
    expect(error.message).toContain('"jobs"');
  });

  it("close is idempotent", async () => {
    const store = createStore();
    await close(store);
    await expect(close(store)).resolves.toBeUndefined();
  });

  it("a closed async store rejects with CLOSED", async () => {
    const store = createAsyncStore();
    await store.set("k", 1);
    await close(store);
    await expectRejection(store.get("k"), "CLOSED");
    await expectRejection(store.set("k", 2), "CLOSED");
    await expectRejection(store.size(), "CLOSED");
  });

  it("closing a store over a backend it was given leaves the backend and its data usable", async () => {
    const backend = memoryBackend(undefined);
    const first = createStore({ backend });
    first.k = "kept";
    await close(first);
    expect(backendOf(first)).toBe(backend);
    expect(createStore({ backend }).k).toBe("kept");
  });

  it("the free functions refuse things that are not stores with INVALID_ARGUMENT", async () => {
    await expectRejection(
      Promise.resolve().then(() => close({})),
      "INVALID_ARGUMENT",
    );
    expectStoreError(() => backendOf({}), "INVALID_ARGUMENT");
  });
});

describe("TTL validation", () => {
  const bad: [string, unknown][] = [
    ["negative", -1],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a string", "5"],
  ];
  for (const [label, ttl] of bad) {
    it(`a ${label} TTL is INVALID_ARGUMENT and writes nothing`, () => {
      const store = createStore();
      store.k = "old";
      const error = expectStoreError(() => store.set("k", "new", { ttl: ttl as number }), "INVALID_ARGUMENT");
      expect(error.message).toContain("TTL");
      expectStoreError(() => store.set("fresh", 1, { ttl: ttl as number }), "INVALID_ARGUMENT");
      expectStoreError(() => store.setTtl("k", ttl as number), "INVALID_ARGUMENT");
      expect(store.toObject()).toEqual({ k: "old" });
      expect(store.getTtl("k")).toBeNull();
    });
  }

  it("a TTL of 0 expires at once (never persists forever)", () => {
    const store = createStore();
    store.k = 1;
    store.set("k", 2, { ttl: 0 });
    expect("k" in store).toBe(false);
    expect(store.size).toBe(0);
  });

  it("null and an absent ttl mean no expiry; fractions are allowed", () => {
    let now = 0;
    const store = createStore({ backend: memoryBackend({ now: () => now }) });
    store.set("a", 1, { ttl: null });
    store.set("b", 1, {});
    store.set("c", 1, { ttl: 1.5 });
    expect(store.getTtl("a")).toBeNull();
    expect(store.getTtl("b")).toBeNull();
    expect(store.getTtl("c")).toBe(1.5);
    now = 1_499;
    expect(store.has("c")).toBe(true);
    now = 1_500;
    expect(store.has("c")).toBe(false);
  });

  it("increment's `by` must be a finite number: INVALID_ARGUMENT, value unchanged", async () => {
    const store = createStore();
    store.n = 1;
    await expectRejection(store.increment("n", Number.NaN), "INVALID_ARGUMENT");
    await expectRejection(store.increment("n", Number.POSITIVE_INFINITY), "INVALID_ARGUMENT");
    await expectRejection(store.increment("n", "1" as unknown as number), "INVALID_ARGUMENT");
    expect(store.n).toBe(1);
  });

  it("update(42) is INVALID_ARGUMENT and writes nothing", () => {
    const store = createStore();
    expectStoreError(() => store.update(42 as unknown as Record<string, unknown>), "INVALID_ARGUMENT");
    expectStoreError(
      () => store.update([["a", 1], ["b"]] as unknown as Record<string, unknown>),
      "INVALID_ARGUMENT",
    );
    expect(store.size).toBe(0);
  });
});
