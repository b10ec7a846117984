import { defineConfig } from "tsup";
import { baseTsupConfig } from "../../tsup.config.base.ts";

export default defineConfig(baseTsupConfig);
