import type { Options } from "tsup";

/** Shared build settings: dual ESM/CJS with type declarations, for Node 20. */
export const baseTsupConfig: Options = {
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
};
