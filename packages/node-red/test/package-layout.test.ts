import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as {
  keywords: string[];
  files: string[];
  exports: Record<string, unknown>;
  "node-red": { version: string; nodes: Record<string, string> };
};

describe("the package as Node-RED installs it", () => {
  it("declares its node in the node-red section, with the editor file beside it", () => {
    // The palette manager lists packages with this keyword; the runtime loads what `nodes` names.
    expect(manifest.keywords).toContain("node-red");
    expect(manifest["node-red"].version).toBe(">=4.0.0");
    for (const [type, file] of Object.entries(manifest["node-red"].nodes)) {
      expect(type).toBe("dictstore");
      expect(existsSync(join(packageRoot, file))).toBe(true);
      const html = readFileSync(join(packageRoot, file.replace(/\.c?js$/, ".html")), "utf8");
      expect(html).toContain('RED.nodes.registerType("dictstore"');
      expect(html).toContain('data-template-name="dictstore"');
      expect(html).toContain('data-help-name="dictstore"');
      expect(manifest.files).toContain(file.split("/")[0]);
    }
  });

  it("exports the context-store factory as the CommonJS module `@dictstore/node-red/context`", () => {
    expect(manifest.exports["./context"]).toEqual({ types: "./context.d.cts", default: "./context.cjs" });
    for (const file of ["context.cjs", "context.d.cts"]) expect(manifest.files).toContain(file);
    expect(readFileSync(join(packageRoot, "context.cjs"), "utf8")).toContain(
      'module.exports = require("./dist/index.cjs").contextStore;',
    );
  });
});
