import type { RecordResponse, SaveRecordRequest } from "../../src/api-types.ts";
import { ttlText } from "./countdown.ts";
import { h, replaceChildren } from "./dom.ts";
import { createEditor } from "./editor.ts";
import { formatBytes } from "./format.ts";
import { jsonView } from "./json-view.ts";

/** What the record panel asks the app to do. */
export interface RecordActions {
  readonly readOnly: boolean;
  save(request: SaveRecordRequest): Promise<void>;
  setTtl(key: string): void;
  removeTtl(key: string): void;
  deleteRecord(key: string): void;
  close(): void;
  /** Tells the app whether an edit is in progress (auto-refresh waits meanwhile). */
  editing(active: boolean): void;
}

/** Shows a record in the panel: its facts, its value as pretty JSON, and its actions; or its editor. */
export function renderRecord(
  panel: HTMLElement,
  record: RecordResponse,
  receivedAt: number,
  actions: RecordActions,
  edit: boolean,
): void {
  panel.hidden = false;
  const closeButton = h(
    "button",
    { class: "small", attrs: { type: "button", "aria-label": "Close record" }, on: { click: actions.close } },
    "Close",
  );
  const head = h(
    "div",
    { class: "panel-head" },
    h("h2", {}, "Record"),
    h("span", { class: "spacer" }),
    closeButton,
  );
  const facts = h(
    "dl",
    { class: "facts" },
    h("dt", {}, "Key"),
    h("dd", {}, h("code", { class: "record-key" }, record.key)),
    h("dt", {}, "Type"),
    h("dd", {}, record.type),
    h("dt", {}, "Size"),
    h("dd", {}, formatBytes(record.bytes)),
    h("dt", {}, "TTL"),
    h("dd", {}, ttlText(h("span", { class: "record-ttl" }), record.ttlMs, receivedAt)),
  );
  if (edit && !actions.readOnly) {
    renderEditor(panel, record, receivedAt, actions, head, facts);
    return;
  }
  actions.editing(false);
  const buttons = actions.readOnly
    ? null
    : h(
        "div",
        { class: "panel-actions" },
        h(
          "button",
          {
            class: "primary",
            attrs: { type: "button" },
            on: { click: () => renderRecord(panel, record, receivedAt, actions, true) },
          },
          "Edit value",
        ),
        h(
          "button",
          { attrs: { type: "button" }, on: { click: () => actions.setTtl(record.key) } },
          "Set TTL…",
        ),
        record.ttlMs !== null &&
          h(
            "button",
            { attrs: { type: "button" }, on: { click: () => actions.removeTtl(record.key) } },
            "Remove TTL",
          ),
        h(
          "button",
          {
            class: "danger-outline",
            attrs: { type: "button" },
            on: { click: () => actions.deleteRecord(record.key) },
          },
          "Delete…",
        ),
      );
  replaceChildren(panel, head, facts, buttons, jsonView(record.view));
}

function renderEditor(
  panel: HTMLElement,
  record: RecordResponse,
  receivedAt: number,
  actions: RecordActions,
  head: HTMLElement,
  facts: HTMLElement,
): void {
  actions.editing(true);
  const save = h("button", { class: "primary", attrs: { type: "submit" } }, "Save");
  const error = h("p", { class: "error", attrs: { role: "alert" } });
  error.hidden = true;
  // Saving keeps the record's time to live unless the box is cleared (a plain overwrite would drop it).
  const keepTtl = h("input", { attrs: { type: "checkbox", checked: true } });
  const submit = (): void => {
    const value = editor.read();
    if (value === undefined) return;
    save.disabled = true;
    actions
      .save({
        store: record.store,
        key: record.key,
        ...value,
        mode: "replace",
        ttl: keepTtl.checked ? "keep" : null,
      })
      .catch((e: unknown) => {
        error.hidden = false;
        error.textContent = e instanceof Error ? e.message : String(e);
        save.disabled = false;
      });
  };
  const editor = createEditor(
    record.edit,
    (valid) => {
      save.disabled = !valid;
    },
    submit,
  );
  const form = h(
    "form",
    {
      class: "record-editor",
      on: {
        submit: (event) => {
          event.preventDefault();
          submit();
        },
      },
    },
    editor.element,
    record.ttlMs !== null && h("label", { class: "check" }, keepTtl, " Keep the current TTL"),
    error,
    h(
      "div",
      { class: "panel-actions" },
      save,
      h(
        "button",
        {
          attrs: { type: "button" },
          on: { click: () => renderRecord(panel, record, receivedAt, actions, false) },
        },
        "Cancel",
      ),
    ),
  );
  replaceChildren(panel, head, facts, form);
  editor.focus();
}
