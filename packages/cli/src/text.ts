/*
 * Keys and values are user data: printed raw they could carry terminal escape sequences or
 * bidirectional overrides. Text output escapes them, the same way JSON would.
 */

// C0 and C1 controls, DEL, line/paragraph separators and bidi embeddings/overrides/isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_GLOBAL = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A key or store name as it is safe to print on a line: raw, or JSON-quoted when it holds unsafe characters. */
export function displayName(name: string): string {
  if (name === "" || UNSAFE.test(name) || name.trim() !== name) return JSON.stringify(name);
  return name;
}

/** JSON text with the characters JSON.stringify leaves raw but terminals act on escaped (still valid JSON). */
export function safeJson(text: string): string {
  return text.replace(UNSAFE_GLOBAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Rows of cells as left-aligned columns (the last column is not padded). */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  "),
    )
    .join("\n");
}

/** Seconds as a short human duration: `42s`, `5m 3s`, `2h 0m`, `3d 4h`. */
export function formatDuration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}
