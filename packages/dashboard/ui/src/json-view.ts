import type { ViewNode } from "../../src/api-types.ts";
import { h } from "./dom.ts";

/*
 * Renders a value's view tree as pretty JSON. Every key and value is a text node; rich types get a
 * badge (`Date`, `BigInt`, `Map`, …) so they are never mistaken for the strings JSON would show.
 */

/** A `<pre>` with the value pretty-printed, rich types marked. */
export function jsonView(node: ViewNode): HTMLPreElement {
  const pre = h("pre", { class: "json", attrs: { tabindex: "0", "aria-label": "Value" } });
  write(pre, node, 0);
  return pre;
}

const INDENT = "  ";

function write(out: HTMLElement, node: ViewNode, depth: number): void {
  const pad = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  switch (node.t) {
    case "null":
      out.append(h("span", { class: "j-null" }, "null"));
      return;
    case "boolean":
      out.append(h("span", { class: "j-bool" }, String(node.v)));
      return;
    case "number":
      out.append(h("span", { class: "j-num" }, String(node.v)));
      return;
    case "string":
      out.append(h("span", { class: "j-str" }, JSON.stringify(node.v)));
      return;
    case "rich":
      out.append(badge(node.label), h("span", { class: "j-rich" }, node.text));
      return;
    case "ref":
      out.append(badge("Ref"), h("span", { class: "j-rich" }, node.path));
      return;
    case "more":
      out.append(h("span", { class: "j-more" }, `… ${node.count} more not shown`));
      return;
    case "array":
    case "set":
      if (node.t === "set") out.append(badge("Set"));
      list(out, "[", "]", node.items.length, pad, close, (i) =>
        write(out, node.items[i] as ViewNode, depth + 1),
      );
      return;
    case "object":
      list(out, "{", "}", node.entries.length, pad, close, (i) => {
        const [key, value] = node.entries[i] as [string, ViewNode];
        if (value.t !== "more") out.append(h("span", { class: "j-key" }, JSON.stringify(key)), ": ");
        write(out, value, depth + 1);
      });
      return;
    case "map":
      out.append(badge("Map"));
      list(out, "{", "}", node.entries.length, pad, close, (i) => {
        const [key, value] = node.entries[i] as [ViewNode, ViewNode];
        write(out, key, depth + 1);
        if (key.t !== "more") {
          out.append(h("span", { class: "j-arrow" }, " => "));
          write(out, value, depth + 1);
        }
      });
      return;
  }
}

function list(
  out: HTMLElement,
  open: string,
  end: string,
  count: number,
  pad: string,
  close: string,
  item: (index: number) => void,
): void {
  if (count === 0) {
    out.append(open + end);
    return;
  }
  out.append(`${open}\n`);
  for (let i = 0; i < count; i++) {
    out.append(pad);
    item(i);
    out.append(i < count - 1 ? ",\n" : "\n");
  }
  out.append(close + end);
}

function badge(label: string): HTMLElement {
  return h("span", { class: "badge", attrs: { title: `${label} (not plain JSON)` } }, label);
}
