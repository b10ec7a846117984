import { defineConfig } from "tsup";
import { baseTsupConfig } from "../../tsup.config.base.ts";
import { inlineLua, luaLoader } from "./src/scripts/inline-lua-plugin.ts";

// The Lua scripts are `.lua` files: the build inlines their text (src/scripts/inline-lua-plugin.ts).
export default defineConfig({ ...baseTsupConfig, loader: luaLoader, esbuildPlugins: [inlineLua] });
