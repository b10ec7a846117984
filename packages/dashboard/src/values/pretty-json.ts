/** Widest line an array of primitives may take before it is broken into one item per line. */
const INLINE_WIDTH = 72;

/**
 * `JSON.stringify(value, null, 2)`, except that short arrays of primitives stay on one line
 * (`["Date"]`, `[1, 2, 3]`): superjson's meta is mostly such arrays, and one per line buries the data.
 */
export function prettyJson(value: unknown): string {
  return write(value, "");
}

function write(value: unknown, indent: string): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((item) => item === null || typeof item !== "object")) {
      const line = `[${value.map((item) => JSON.stringify(item) ?? "null").join(", ")}]`;
      if (indent.length + line.length <= INLINE_WIDTH) return line;
    }
    return `[\n${value.map((item) => inner + write(item, inner)).join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return "{}";
  const record = value as Record<string, unknown>;
  return `{\n${keys.map((key) => `${inner}${JSON.stringify(key)}: ${write(record[key], inner)}`).join(",\n")}\n${indent}}`;
}
