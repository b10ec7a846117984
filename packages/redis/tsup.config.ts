import { readdirSync } from "node:fs";
import { defineConfig } from "tsup";
import { baseTsupConfig } from "../../tsup.config.base.ts";

/*
 * The Lua scripts are `.lua` files in src/scripts. From source, src/scripts/lua-text.ts reads them
 * at load time; in the build this plugin replaces that module with one that imports every file
 * through esbuild's `text` loader, so dist (ESM and CJS) carries the texts and reads no file.
 */
const scriptsDir = new URL("./src/scripts/", import.meta.url);
const luaFiles = readdirSync(scriptsDir).filter((file) => file.endsWith(".lua"));

const inlineLua = {
  name: "inline-lua",
  setup(build: {
    onLoad(
      options: { filter: RegExp },
      callback: () => { contents: string; loader: "ts"; resolveDir: string },
    ): void;
  }) {
    build.onLoad({ filter: /[\\/]src[\\/]scripts[\\/]lua-text\.ts$/ }, () => ({
      contents: [
        ...luaFiles.map((file, i) => `import lua${i} from "./${file}";`),
        `const TEXTS: Record<string, string> = {`,
        ...luaFiles.map((file, i) => `  ${JSON.stringify(file.slice(0, -4))}: lua${i},`),
        `};`,
        `export function luaText(name: string): string {`,
        `  const text = TEXTS[name];`,
        `  if (text === undefined) throw new Error("no Lua script named " + name);`,
        `  return text;`,
        `}`,
      ].join("\n"),
      loader: "ts",
      resolveDir: scriptsDir.pathname,
    }));
  },
};

export default defineConfig({
  ...baseTsupConfig,
  loader: { ".lua": "text" },
  esbuildPlugins: [inlineLua],
});
