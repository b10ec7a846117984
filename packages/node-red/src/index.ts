export type {
  ContextStoreConfig,
  GetCallback,
  KeysCallback,
  NodeRedContextStore,
  SetCallback,
} from "./context/context-store.ts";
export { contextStore } from "./context/context-store.ts";
export { parseStoreKey, storeKeyOf } from "./context/scope-keys.ts";
export type { DictstoreNodeConfig } from "./node/dictstore-node.ts";
export { dictstoreNode } from "./node/dictstore-node.ts";
export type { NodeApi, NodeInstance, NodeMessage } from "./node/node-red-types.ts";
export type { Operation, OperationInput } from "./node/operations.ts";
export { OPERATIONS, runOperation } from "./node/operations.ts";
