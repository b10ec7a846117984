import type { ContextStoreConfig, NodeRedContextStore } from "./dist/index.cjs";

/** Node-RED's context-store factory, as `contextStorage: { ds: { module: require("@dictstore/node-red/context"), config } }` takes it. */
declare const factory: (config?: ContextStoreConfig) => NodeRedContextStore;
export = factory;
