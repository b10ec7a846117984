import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

/*
 * For bundlers (the package build, and tests that bundle src): replaces lua-text.ts, which reads
 * the `.lua` files beside it at load time, with a module that imports each of them through
 * esbuild's `text` loader, so the bundle carries the texts and reads no file. Not part of the
 * package's runtime: nothing in src imports it.
 */

const scriptsDir = fileURLToPath(new URL(".", import.meta.url));

/** The esbuild loader setting the plugin needs beside it. */
export const luaLoader = { ".lua": "text" } as const;

/** The esbuild plugin (structurally typed, so this file needs no esbuild types). */
export const inlineLua = {
  name: "dictstore-inline-lua",
  setup(build: {
    onLoad(
      options: { filter: RegExp },
      callback: () => { contents: string; loader: "ts"; resolveDir: string },
    ): void;
  }): void {
    build.onLoad({ filter: /[\\/]redis[\\/]src[\\/]scripts[\\/]lua-text\.ts$/ }, () => {
      const files = readdirSync(scriptsDir).filter((file) => file.endsWith(".lua"));
      return {
        contents: [
          ...files.map((file, i) => `import lua${i} from "./${file}";`),
          "const TEXTS: Record<string, string> = {",
          ...files.map((file, i) => `  ${JSON.stringify(file.slice(0, -4))}: lua${i},`),
          "};",
          "export function luaText(name: string): string {",
          "  const text = TEXTS[name];",
          "  if (text === undefined) throw new Error(`no Lua script named ${name}`);",
          "  return text;",
          "}",
        ].join("\n"),
        loader: "ts",
        resolveDir: scriptsDir,
      };
    });
  },
};
