import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One file of the built UI, held in memory. */
export interface Asset {
  readonly body: Uint8Array;
  readonly type: string;
  /** Vite names bundles by content hash, so those can be cached; index.html never is. */
  readonly immutable: boolean;
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Where `vite build` put the UI: `dist/ui` beside the bundled `dist/index.js`, or, when running
 * from source (tests), `../dist/ui` from `src/`. `undefined` when the UI was never built.
 */
export function defaultAssetsDir(): string | undefined {
  const here = fileURLToPath(new URL(".", import.meta.url));
  for (const candidate of [join(here, "ui"), join(here, "..", "dist", "ui")]) {
    if (existsSync(join(candidate, "index.html"))) return candidate;
  }
  return undefined;
}

/**
 * Reads every file of the built UI once, keyed by URL path (`/index.html`, `/assets/…`). Serving
 * only from this map means no request path ever reaches the file system (no traversal).
 */
export function loadAssets(dir: string | undefined): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  if (dir === undefined) return assets;
  const walk = (folder: string, urlPath: string): void => {
    for (const name of readdirSync(folder)) {
      const file = join(folder, name);
      if (statSync(file).isDirectory()) walk(file, `${urlPath}${name}/`);
      else {
        assets.set(`${urlPath}${name}`, {
          body: readFileSync(file),
          type: TYPES[extname(name).toLowerCase()] ?? "application/octet-stream",
          immutable: urlPath.startsWith("/assets/"),
        });
      }
    }
  };
  walk(dir, "/");
  return assets;
}
