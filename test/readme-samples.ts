import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * A ```ts block of a README. The info string may add one flag: `no-run` (type-checked, not run:
 * it needs something a sample cannot have, e.g. a vitest run) or `fragment` (neither: a piece of a
 * larger program). Keep both rare: a sample that is not run can rot unnoticed.
 */
export interface ReadmeSample {
  /** `README.md:12`: the file, relative to the repo, and the line of the opening fence. */
  readonly where: string;
  /** A file name for the extracted sample, unique across READMEs. */
  readonly fileName: string;
  readonly code: string;
  readonly mode: "run" | "no-run" | "fragment";
}

/** README.md and every packages/<name>/README.md. */
export function readmeFiles(repoRoot: string): string[] {
  const packages = readdirSync(join(repoRoot, "packages"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(repoRoot, "packages", entry.name, "README.md"))
    .filter((file) => {
      try {
        readFileSync(file);
        return true;
      } catch {
        return false;
      }
    });
  return [join(repoRoot, "README.md"), ...packages];
}

const FENCE = /^(\s*)```(.*)$/;

/** Every ```ts (or ```typescript) block of the READMEs, in file order. */
export function readmeSamples(repoRoot: string): ReadmeSample[] {
  const samples: ReadmeSample[] = [];
  for (const file of readmeFiles(repoRoot)) {
    const name = relative(repoRoot, file);
    const lines = readFileSync(file, "utf8").split("\n");
    for (let index = 0; index < lines.length; index++) {
      const open = FENCE.exec(lines[index] as string);
      if (open === null) continue;
      const indent = (open[1] as string).length;
      const [language = "", ...flags] = (open[2] as string).trim().split(/\s+/);
      let end = index + 1;
      while (end < lines.length && !/^\s*```\s*$/.test(lines[end] as string)) end++;
      if (language === "ts" || language === "typescript") {
        const mode = flags.includes("fragment") ? "fragment" : flags.includes("no-run") ? "no-run" : "run";
        const code = lines
          .slice(index + 1, end)
          .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
          .join("\n");
        const fileName = `${name.replace(/[/\\.]/g, "_")}_${index + 1}.ts`;
        samples.push({ where: `${name}:${index + 1}`, fileName, code, mode });
      }
      index = end;
    }
  }
  return samples;
}
