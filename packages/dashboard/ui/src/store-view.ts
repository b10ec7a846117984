import type { RecordRow, RecordsResponse } from "../../src/api-types.ts";
import { ttlText } from "./countdown.ts";
import { h, replaceChildren } from "./dom.ts";
import { formatBytes, formatCount } from "./format.ts";

/** What the store view asks the app to do. */
export interface StoreActions {
  readonly readOnly: boolean;
  openRecord(key: string, edit: boolean): void;
  deleteRecord(key: string): void;
  addRecord(): void;
  applyFilters(filters: Filters): void;
  nextPage(): void;
  previousPage(): void;
  renameStore(): void;
  clearStore(): void;
  deleteStore(): void;
}

/** The listing's filters. */
export interface Filters {
  readonly prefix: string;
  readonly q: string;
  readonly limit: number;
}

/** The parts of a store's view the app updates after each load. */
export interface StoreView {
  readonly element: HTMLElement;
  readonly search: HTMLInputElement;
  showPage(page: RecordsResponse, pageIndex: number, receivedAt: number, hasPrevious: boolean): void;
  showLoading(): void;
}

const PAGE_SIZES = [20, 50, 100, 200];

/** Builds the view of one store: its header and actions, the filters, the record table and the pager. */
export function createStoreView(name: string, filters: Filters, actions: StoreActions): StoreView {
  const count = h("span", { class: "store-count" });
  const prefix = h("input", {
    attrs: { type: "text", name: "prefix", autocomplete: "off", spellcheck: "false" },
  });
  prefix.value = filters.prefix;
  const search = h("input", {
    attrs: { type: "search", name: "q", autocomplete: "off", spellcheck: "false" },
  });
  search.value = filters.q;
  const limit = h(
    "select",
    { attrs: { name: "limit" } },
    ...PAGE_SIZES.map((n) => h("option", { attrs: { value: String(n) } }, String(n))),
  );
  limit.value = String(filters.limit);
  const read = (): Filters => ({ prefix: prefix.value, q: search.value, limit: Number(limit.value) });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => actions.applyFilters(read()), 350);
  };
  prefix.addEventListener("input", soon);
  search.addEventListener("input", soon);
  limit.addEventListener("change", () => actions.applyFilters(read()));

  const writable = !actions.readOnly;
  const header = h(
    "div",
    { class: "store-head" },
    h("h2", { class: "store-title" }, h("span", { class: "muted" }, "Store "), h("span", {}, name)),
    count,
    h("span", { class: "spacer" }),
    writable && button("Rename…", actions.renameStore),
    writable && button("Clear…", actions.clearStore, "danger-outline"),
    writable && button("Delete store…", actions.deleteStore, "danger-outline"),
  );
  const form = h(
    "form",
    {
      class: "filters",
      attrs: { role: "search" },
      on: {
        submit: (event) => {
          event.preventDefault();
          clearTimeout(timer);
          actions.applyFilters(read());
        },
      },
    },
    h("label", { class: "field inline" }, h("span", {}, "Key prefix"), prefix),
    h("label", { class: "field inline grow" }, h("span", {}, "Search keys and values"), search),
    h("label", { class: "field inline" }, h("span", {}, "Per page"), limit),
    h("button", { attrs: { type: "submit" } }, "Apply"),
    h("span", { class: "spacer" }),
    writable && button("Add record", actions.addRecord, "primary"),
  );
  const scanInfo = h("p", { class: "scan-info", attrs: { "aria-live": "polite" } });
  const rows = h("tbody");
  const table = h(
    "table",
    { class: "records" },
    h("caption", { class: "visually-hidden" }, `Records of store ${name}`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { attrs: { scope: "col" } }, "Key"),
        h("th", { attrs: { scope: "col" } }, "Value"),
        h("th", { attrs: { scope: "col" } }, "Type"),
        h("th", { attrs: { scope: "col" }, class: "num" }, "Size"),
        h("th", { attrs: { scope: "col" } }, "TTL"),
        h("th", { attrs: { scope: "col" } }, h("span", { class: "visually-hidden" }, "Actions")),
      ),
    ),
    rows,
  );
  // Up/Down move between the record keys, like a list.
  rows.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const keys = [...rows.querySelectorAll<HTMLButtonElement>("button.key-link")];
    const at = keys.indexOf(document.activeElement as HTMLButtonElement);
    if (at === -1) return;
    event.preventDefault();
    keys[Math.max(0, Math.min(keys.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)))]?.focus();
  });
  const previous = button("← Previous", actions.previousPage);
  const next = button("Next →", actions.nextPage);
  const position = h("span", { class: "muted" });
  const pager = h("nav", { class: "pager", attrs: { "aria-label": "Pages" } }, previous, position, next);

  const element = h(
    "section",
    { class: "store", attrs: { "aria-label": `Store ${name}` } },
    header,
    form,
    scanInfo,
    table,
    pager,
  );

  return {
    element,
    search,
    showLoading: () => {
      element.setAttribute("aria-busy", "true");
    },
    showPage: (page, pageIndex, receivedAt, hasPrevious) => {
      element.removeAttribute("aria-busy");
      count.textContent = `${formatCount(page.total)} ${page.total === 1 ? "key" : "keys"}`;
      const filtered = read().q !== "";
      scanInfo.textContent = filtered
        ? `Searched ${formatCount(page.scanned)} records on this page: ${page.records.length} found${page.cursor === null ? " (end of store)" : "; Next searches further"}.`
        : "";
      if (page.records.length === 0) {
        replaceChildren(
          rows,
          h(
            "tr",
            {},
            h(
              "td",
              { class: "empty", attrs: { colspan: "6" } },
              filtered ? "No match on this page." : "No records.",
            ),
          ),
        );
      } else {
        replaceChildren(rows, ...page.records.map((row) => recordRow(row, receivedAt, actions)));
      }
      previous.disabled = !hasPrevious;
      next.disabled = page.cursor === null;
      position.textContent = `Page ${pageIndex + 1}`;
    },
  };
}

function recordRow(row: RecordRow, receivedAt: number, actions: StoreActions): HTMLTableRowElement {
  return h(
    "tr",
    {},
    h(
      "td",
      { class: "key" },
      h(
        "button",
        {
          class: "key-link",
          attrs: { type: "button", title: "Open this record" },
          on: { click: () => actions.openRecord(row.key, false) },
        },
        row.key === "" ? h("em", {}, "(empty key)") : row.key,
      ),
    ),
    h(
      "td",
      { class: "value" },
      h("span", { class: "preview" }, row.preview),
      row.truncated &&
        h(
          "span",
          { class: "badge subtle", attrs: { title: "Cut here; open the record for the whole value" } },
          "truncated",
        ),
    ),
    h("td", { class: "type" }, row.type),
    h("td", { class: "num" }, formatBytes(row.bytes)),
    h("td", { class: "ttl" }, ttlText(h("span", {}), row.ttlMs, receivedAt)),
    h(
      "td",
      { class: "actions" },
      !actions.readOnly &&
        button("Edit", () => actions.openRecord(row.key, true), "small", `Edit ${row.key}`),
      !actions.readOnly &&
        button("Delete", () => actions.deleteRecord(row.key), "small danger-outline", `Delete ${row.key}`),
    ),
  );
}

function button(label: string, onClick: () => void, className = "", ariaLabel?: string): HTMLButtonElement {
  return h(
    "button",
    { class: className, attrs: { type: "button", "aria-label": ariaLabel }, on: { click: onClick } },
    label,
  );
}
