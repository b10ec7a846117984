import type { EditFormat } from "../../src/api-types.ts";
import { h } from "./dom.ts";

/** A JSON editor that checks its text as you type; `read()` is `undefined` while it is invalid. */
export interface Editor {
  readonly element: HTMLElement;
  read(): { format: EditFormat; text: string } | undefined;
  focus(): void;
}

const SUPERJSON_HELP =
  'Rich values (Date, Map, Set, BigInt, …) use superjson\'s form: {"json": …, "meta": {"values": {"path": ["Date"]}}}. ' +
  "Keys named __proto__, constructor or prototype carry one extra leading ~ in that form.";

/** Checks editor text; returns an error message, or `undefined` when it can be saved. */
export function validate(format: EditFormat, text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (format === "superjson") {
    if (
      typeof parsed !== "object" ||
      parsed === null ||
      Array.isArray(parsed) ||
      !Object.hasOwn(parsed, "json")
    ) {
      return 'A superjson value is an object with a "json" member (and optionally "meta").';
    }
    const meta = (parsed as { meta?: unknown }).meta;
    if (meta !== undefined && (typeof meta !== "object" || meta === null || Array.isArray(meta))) {
      return 'The "meta" member must be an object.';
    }
  }
  return undefined;
}

/** Creates the editor; `onChange` hears whether the text is valid after every edit. */
export function createEditor(
  initial: { format: EditFormat; text: string },
  onChange: (valid: boolean) => void,
  onSubmit: () => void,
): Editor {
  const textarea = h("textarea", {
    class: "editor-text",
    attrs: { spellcheck: "false", rows: "18", "aria-label": "Value (JSON)", autocomplete: "off" },
  });
  textarea.value = initial.text;
  const format = h(
    "select",
    { attrs: { "aria-label": "Value format" } },
    h("option", { attrs: { value: "json" } }, "JSON"),
    h("option", { attrs: { value: "superjson" } }, "superjson (rich types)"),
  );
  format.value = initial.format;
  const status = h("p", { class: "editor-status", attrs: { "aria-live": "polite" } });
  const help = h("p", { class: "hint" }, SUPERJSON_HELP);

  const check = (): boolean => {
    const problem = validate(format.value as EditFormat, textarea.value);
    status.textContent = problem === undefined ? "✓ Valid" : `✗ ${problem}`;
    status.classList.toggle("invalid", problem !== undefined);
    textarea.setAttribute("aria-invalid", String(problem !== undefined));
    help.hidden = format.value !== "superjson";
    onChange(problem === undefined);
    return problem === undefined;
  };
  textarea.addEventListener("input", check);
  format.addEventListener("change", check);
  // Ctrl/Cmd+Enter saves from inside the editor; Tab keeps moving focus, so the page stays keyboard-usable.
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onSubmit();
    }
  });

  const element = h(
    "div",
    { class: "editor" },
    h(
      "div",
      { class: "editor-bar" },
      h("label", {}, "Format ", format),
      h("span", { class: "hint" }, "Ctrl+Enter saves"),
    ),
    textarea,
    status,
    help,
  );
  queueMicrotask(check);
  return {
    element,
    read: () => (check() ? { format: format.value as EditFormat, text: textarea.value } : undefined),
    // Start at the top of the value: a plain focus() would put the caret (and the scroll) at the end.
    focus: () => {
      textarea.setSelectionRange(0, 0);
      textarea.focus();
      textarea.scrollTop = 0;
    },
  };
}
