export * from "./async-backend.ts";
