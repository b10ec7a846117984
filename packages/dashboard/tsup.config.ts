import { defineConfig } from "tsup";
import { baseTsupConfig } from "../../tsup.config.base.ts";

// shims: the server finds its built UI next to the bundle through import.meta.url, in the CJS build too.
export default defineConfig({ ...baseTsupConfig, shims: true });
