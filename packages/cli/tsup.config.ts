import { defineConfig } from "tsup";
import { baseTsupConfig } from "../../tsup.config.base.ts";

// The library entry, plus the `dictstore` bin (dist/cli.js, which keeps its shebang).
export default defineConfig({ ...baseTsupConfig, entry: ["src/index.ts", "src/cli.ts"] });
