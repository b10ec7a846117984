import { defineConfig } from "vite";

// The UI is built into dist/ui, which the Node server serves; tsup empties dist first, so it runs before this.
export default defineConfig({
  root: "ui",
  base: "/",
  build: {
    outDir: "../dist/ui",
    emptyOutDir: true,
    target: "es2022",
    // Everything stays in same-origin files: the CSP allows no inline script or style.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
