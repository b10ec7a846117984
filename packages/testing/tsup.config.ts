import { defineConfig } from "tsup";
import { baseTsupConfig } from "../../tsup.config.base.ts";

// ESM only: the suite imports vitest, which cannot be loaded from a CommonJS build.
export default defineConfig({ ...baseTsupConfig, format: ["esm"] });
