import type { contextStore } from "./dist/index.cjs";

declare const factory: typeof contextStore;
export = factory;
