import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

// Static `import … from "x"`, `export … from "x"`, side-effect `import "x"` and dynamic `import("x")`.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;

describe("@dictstore/core dependencies", () => {
  it("runtime dependencies are exactly superjson and immer", () => {
    expect(manifest.name).toBe("@dictstore/core");
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(["immer", "superjson"]);
  });

  it("names no other @dictstore package, so `pnpm -r build` builds core before the packages that use it", () => {
    // The backends depend on core; were core to name them back (even as optional peers), pnpm would
    // see a cycle and build them in parallel, before core's types exist. Core imports them by name at run time.
    const named = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      ...Object.keys(manifest.devDependencies ?? {}),
    ];
    expect(named.filter((name) => name.startsWith("@dictstore/"))).toEqual([]);
  });

  it("every peer dependency is optional", () => {
    for (const peer of Object.keys(manifest.peerDependencies ?? {})) {
      expect(manifest.peerDependenciesMeta?.[peer]?.optional, peer).toBe(true);
    }
  });

  it("src imports nothing but its dependencies, Node built-ins (node:) and its own files", () => {
    const allowed = new Set(Object.keys(manifest.dependencies ?? {}));
    const sources = filesUnder(join(packageDir, "src")).filter((file) => file.endsWith(".ts"));
    expect(sources.length).toBeGreaterThan(0);
    const strays: string[] = [];
    for (const file of sources) {
      for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
        const specifier = match[1] as string;
        if (specifier.startsWith(".")) {
          if (!specifier.endsWith(".ts")) strays.push(`${file}: relative import without .ts: ${specifier}`);
          continue;
        }
        if (specifier.startsWith("node:")) {
          expect(builtinModules, specifier).toContain(specifier.slice(5));
          continue;
        }
        if (!allowed.has(packageOf(specifier))) strays.push(`${file}: ${specifier}`);
      }
    }
    expect(strays).toEqual([]);
  });
});

describe("the version the code knows", () => {
  it("CORE_VERSION equals package.json's version (it names the store table the ESM and CJS builds share)", async () => {
    const { CORE_VERSION } = await import("../src/version.ts");
    expect(CORE_VERSION).toBe((manifest as { version?: string }).version);
  });
});
