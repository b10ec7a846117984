import { decodeValue, RICH_ENCODING_MARK } from "@dictstore/core";
import { PREVIEW_CHARS, type ViewNode } from "../api-types.ts";
import { toViewTree, typeName } from "./view-tree.ts";

/** Stored texts longer than this are previewed from the text itself, without decoding the value. */
const DECODE_LIMIT = 64 * 1024;
/** Nodes a preview looks at: enough to fill a line, few enough to stay cheap. */
const PREVIEW_NODES = 200;

/** A one-line preview of a stored value for the record list. */
export interface Preview {
  readonly preview: string;
  readonly truncated: boolean;
  readonly type: string;
}

/** Previews a stored text: decoded and rendered compactly when small, cut from the raw text when large. */
export function previewStored(text: string, maxChars: number = PREVIEW_CHARS): Preview {
  if (text.length > DECODE_LIMIT) return rawPreview(text, maxChars);
  const value = decodeValue(text);
  const line = render(toViewTree(value, PREVIEW_NODES));
  return line.length > maxChars
    ? { preview: `${line.slice(0, maxChars - 1)}…`, truncated: true, type: typeName(value) }
    : { preview: line, truncated: false, type: typeName(value) };
}

function rawPreview(text: string, maxChars: number): Preview {
  if (text.startsWith(RICH_ENCODING_MARK)) {
    return { preview: `(rich value, ${text.length} characters)`, truncated: true, type: "rich" };
  }
  const type = text[0] === "{" ? "object" : text[0] === "[" ? "array" : text[0] === '"' ? "string" : "value";
  return { preview: `${text.slice(0, maxChars - 1)}…`, truncated: true, type };
}

/** Renders a view tree on one line; rich values as `Type(text)`. */
export function render(node: ViewNode): string {
  switch (node.t) {
    case "null":
      return "null";
    case "boolean":
    case "number":
      return String(node.v);
    case "string":
      return JSON.stringify(node.v);
    case "rich":
      return node.type === "BigInt" || node.type === "Number" || node.type === "undefined"
        ? node.text
        : node.type === "RegExp"
          ? node.text
          : `${node.label}(${node.text})`;
    case "array":
      return `[${node.items.map(render).join(", ")}]`;
    case "set":
      return `Set[${node.items.map(render).join(", ")}]`;
    case "object":
      return `{${node.entries.map(([k, v]) => (v.t === "more" ? render(v) : `${JSON.stringify(k)}: ${render(v)}`)).join(", ")}}`;
    case "map":
      return `Map{${node.entries.map(([k, v]) => (k.t === "more" ? render(k) : `${render(k)} => ${render(v)}`)).join(", ")}}`;
    case "ref":
      return `[Ref ${node.path}]`;
    case "more":
      return `…${node.count} more`;
  }
}
