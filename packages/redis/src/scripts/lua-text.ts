import { readFileSync } from "node:fs";

/*
 * The Lua scripts live in `.lua` files beside this module. From source (vitest, tsx) they are read
 * here at load time; the package build replaces this module with one that holds every file's text
 * (tsup.config.ts, through esbuild's `text` loader), so the published dist reads no file.
 */

/** The text of `<name>.lua` beside this module. */
export function luaText(name: string): string {
  return readFileSync(new URL(`./${name}.lua`, import.meta.url), "utf8");
}
