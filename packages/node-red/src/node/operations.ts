import { type AsyncDataStore, StoreError } from "@dictstore/core";

/** What a dictstore node does with each message. */
export const OPERATIONS = ["get", "set", "delete", "increment", "setIfAbsent", "append", "keys"] as const;
export type Operation = (typeof OPERATIONS)[number];

export function isOperation(value: unknown): value is Operation {
  return typeof value === "string" && (OPERATIONS as readonly string[]).includes(value);
}

/** One operation's input, already read from the message. */
export interface OperationInput {
  /** The key; for `keys`, an optional prefix. */
  readonly key: string | undefined;
  /** The value to write (`set`, `setIfAbsent`) or the item to add (`append`). */
  readonly value: unknown;
  /** Seconds to live (`set`, `setIfAbsent`); `undefined` keeps the key forever. */
  readonly ttl: number | undefined;
  /** How much `increment` adds. */
  readonly by: number;
}

function requireKey(operation: Operation, key: string | undefined): string {
  if (key === undefined || key === "") {
    throw new StoreError(
      "INVALID_ARGUMENT",
      `[@dictstore/node-red] The ${operation} operation needs a key: set one on the node, or send it in msg.topic.`,
    );
  }
  return key;
}

/**
 * Runs one operation and resolves to the result put on the message: the value (`get`); the value
 * written (`set`); whether the key was there (`delete`); the new number (`increment`); whether this
 * message inserted it (`setIfAbsent`); the new length (`append`); the keys, sorted (`keys`).
 */
export async function runOperation(
  store: AsyncDataStore,
  operation: Operation,
  input: OperationInput,
): Promise<unknown> {
  const options = input.ttl === undefined ? undefined : { ttl: input.ttl };
  switch (operation) {
    case "get":
      return store.get(requireKey(operation, input.key));
    case "set":
      await store.set(requireKey(operation, input.key), input.value, options);
      return input.value;
    case "delete":
      return store.delete(requireKey(operation, input.key));
    case "increment":
      return store.increment(requireKey(operation, input.key), input.by);
    case "setIfAbsent":
      return store.setIfAbsent(requireKey(operation, input.key), input.value, options);
    case "append":
      return store.append(requireKey(operation, input.key), input.value);
    case "keys": {
      const keys: string[] = [];
      for await (const key of store.keys())
        if (input.key === undefined || key.startsWith(input.key)) keys.push(key);
      return keys.sort();
    }
  }
}
