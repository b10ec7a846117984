import type { RichType, ViewNode } from "../api-types.ts";

/** How many nodes one value view holds at most; the rest is summarised as `more` nodes. */
export const MAX_VIEW_NODES = 20_000;
/** How many bytes of a typed array are shown as hex. */
const MAX_HEX_BYTES = 4096;

interface Budget {
  left: number;
  readonly seen: Map<object, string>;
}

/** Turns a decoded value into a view tree: JSON-like, rich types marked, shared objects shown once. */
export function toViewTree(value: unknown, maxNodes: number = MAX_VIEW_NODES): ViewNode {
  return convert(value, "", { left: maxNodes, seen: new Map() });
}

/** The top-level type of a value, as the record list shows it. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const rich = richScalar(value);
  if (rich !== undefined) return rich.type;
  if (value instanceof Map) return "Map";
  if (value instanceof Set) return "Set";
  return typeof value;
}

function convert(value: unknown, path: string, budget: Budget): ViewNode {
  budget.left--;
  switch (typeof value) {
    case "string":
      return { t: "string", v: value };
    case "boolean":
      return { t: "boolean", v: value };
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0)
        ? { t: "number", v: value }
        : { t: "rich", type: "Number", label: "Number", text: Object.is(value, -0) ? "-0" : String(value) };
  }
  if (value === null) return { t: "null" };
  const rich = richScalar(value);
  if (rich !== undefined) return rich;
  if (typeof value !== "object") return { t: "rich", type: "undefined", label: "?", text: String(value) };
  const earlier = budget.seen.get(value);
  if (earlier !== undefined) return { t: "ref", path: earlier === "" ? "(root)" : earlier };
  budget.seen.set(value, path);
  if (Array.isArray(value))
    return { t: "array", items: children(value, path, budget, (item, i) => [`[${i}]`, item]) };
  if (value instanceof Set) {
    return { t: "set", items: children([...value], path, budget, (item, i) => [`.<item ${i}>`, item]) };
  }
  if (value instanceof Map) {
    const entries: [ViewNode, ViewNode][] = [];
    let index = 0;
    for (const [k, v] of value) {
      if (budget.left <= 0) {
        entries.push([{ t: "more", count: value.size - index }, { t: "null" }]);
        break;
      }
      entries.push([
        convert(k, `${path}.<key ${index}>`, budget),
        convert(v, `${path}.get(${index})`, budget),
      ]);
      index++;
    }
    return { t: "map", entries };
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const entries: [string, ViewNode][] = [];
  for (let i = 0; i < keys.length; i++) {
    if (budget.left <= 0) {
      entries.push(["…", { t: "more", count: keys.length - i }]);
      break;
    }
    const key = keys[i] as string;
    entries.push([key, convert(record[key], `${path}.${key}`, budget)]);
  }
  return { t: "object", entries };
}

function children<T>(
  items: readonly T[],
  path: string,
  budget: Budget,
  step: (item: T, index: number) => [string, unknown],
): ViewNode[] {
  const out: ViewNode[] = [];
  for (let i = 0; i < items.length; i++) {
    if (budget.left <= 0) {
      out.push({ t: "more", count: items.length - i });
      break;
    }
    const [suffix, item] = step(items[i] as T, i);
    out.push(convert(item, path + suffix, budget));
  }
  return out;
}

function rich(type: RichType, label: string, text: string): ViewNode {
  return { t: "rich", type, label, text };
}

/** The view of a value that is shown as one marked scalar, or `undefined` for anything else. */
function richScalar(value: unknown): (ViewNode & { t: "rich" }) | undefined {
  let node: ViewNode | undefined;
  if (value === undefined) node = rich("undefined", "undefined", "undefined");
  else if (typeof value === "bigint") node = rich("BigInt", "BigInt", `${value}n`);
  else if (value instanceof Date) node = rich("Date", "Date", value.toISOString());
  else if (value instanceof RegExp) node = rich("RegExp", "RegExp", String(value));
  else if (value instanceof URL) node = rich("URL", "URL", value.href);
  else if (value instanceof Error) node = rich("Error", value.name, `${value.name}: ${value.message}`);
  else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) node = bytesNode(value);
  return node as (ViewNode & { t: "rich" }) | undefined;
}

function bytesNode(view: ArrayBufferView): ViewNode {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, Math.min(view.byteLength, MAX_HEX_BYTES));
  let hex = "";
  for (const byte of bytes) hex += `${byte.toString(16).padStart(2, "0")} `;
  const more = view.byteLength > MAX_HEX_BYTES ? `… (${view.byteLength} bytes)` : "";
  return rich("Bytes", view.constructor.name, (hex.trimEnd() + more).trim());
}
