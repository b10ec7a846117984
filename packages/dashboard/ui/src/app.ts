import type { InfoResponse, RecordResponse, RecordsResponse, StoreSummary } from "../../src/api-types.ts";
import { ApiError, api } from "./api.ts";
import { startCountdowns } from "./countdown.ts";
import { confirmAction, confirmByName, field, openDialog, promptText } from "./dialogs.ts";
import { h, replaceChildren } from "./dom.ts";
import { createEditor } from "./editor.ts";
import { type RecordActions, renderRecord } from "./record-panel.ts";
import { renderStoreList } from "./store-list.ts";
import { createStoreView, type Filters, type StoreActions, type StoreView } from "./store-view.ts";

/** How often the page reloads what it shows while it is visible. */
const AUTO_REFRESH_MS = 5000;

/** The dashboard page: the store list, the current store's records and the open record. */
export class App {
  private stores: StoreSummary[] = [];
  private store: string | null = null;
  private filters: Filters;
  /** cursors[i] loads page i; page 0 has none. */
  private cursors: (string | undefined)[] = [undefined];
  private pageIndex = 0;
  private view: StoreView | null = null;
  private openKey: string | null = null;
  private editing = false;
  private readonly storeList = h("ul", { class: "store-list" });
  private readonly main = h("main", { class: "content", attrs: { id: "main", tabindex: "-1" } });
  private readonly panel = h("aside", { class: "panel", attrs: { "aria-label": "Record" } });
  private readonly status = h("div", { class: "status", attrs: { role: "status", "aria-live": "polite" } });
  private readonly autoRefresh = h("input", { attrs: { type: "checkbox", checked: true } });

  constructor(
    private readonly root: HTMLElement,
    private readonly info: InfoResponse,
  ) {
    this.filters = { prefix: "", q: "", limit: info.pageSize };
    this.panel.hidden = true;
  }

  /** Builds the page and loads the first data. */
  async start(): Promise<void> {
    const refreshButton = h(
      "button",
      { attrs: { type: "button", "aria-keyshortcuts": "R" }, on: { click: () => void this.refresh() } },
      "Refresh",
    );
    const header = h(
      "header",
      { class: "topbar" },
      h("a", { class: "skip", attrs: { href: "#main" } }, "Skip to records"),
      h("h1", {}, "dictstore"),
      h("span", { class: "backend", attrs: { title: "Backend" } }, this.info.backend),
      this.info.readOnly && h("span", { class: "badge warn" }, "read-only"),
      h("span", { class: "spacer" }),
      h("label", { class: "check" }, this.autoRefresh, " Auto-refresh"),
      refreshButton,
    );
    const sidebar = h(
      "nav",
      { class: "sidebar", attrs: { "aria-label": "Stores" } },
      h(
        "div",
        { class: "sidebar-head" },
        h("h2", {}, "Stores"),
        !this.info.readOnly &&
          h(
            "button",
            { class: "small", attrs: { type: "button" }, on: { click: () => this.createStore() } },
            "New store",
          ),
      ),
      this.storeList,
    );
    replaceChildren(
      this.root,
      header,
      h("div", { class: "layout" }, sidebar, this.main, this.panel),
      this.status,
    );
    this.installShortcuts();
    startCountdowns();
    setInterval(() => {
      if (document.visibilityState === "visible" && this.autoRefresh.checked && this.idle())
        void this.refresh(true);
    }, AUTO_REFRESH_MS);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.autoRefresh.checked && this.idle())
        void this.refresh(true);
    });
    window.addEventListener("hashchange", () => this.selectFromHash());
    await this.loadStores();
    this.selectFromHash();
  }

  /** Nothing that a refresh would disturb: no dialog open, no edit going on. */
  private idle(): boolean {
    return !this.editing && document.querySelector("dialog[open]") === null;
  }

  private selectFromHash(): void {
    const name = new URLSearchParams(location.hash.slice(1)).get("store");
    if (name !== null && this.stores.some((s) => s.name === name)) {
      if (name !== this.store) this.openStore(name);
    } else if (this.store !== null || name !== null) {
      this.store = null;
      this.showWelcome();
    } else this.showWelcome();
    this.renderStores();
  }

  private go(name: string | null): void {
    const hash = name === null ? "" : `#${new URLSearchParams({ store: name })}`;
    if (location.hash !== hash) {
      history.pushState(null, "", hash === "" ? location.pathname : hash);
    }
    this.selectFromHash();
  }

  private showWelcome(): void {
    this.view = null;
    this.closeRecord();
    const count = this.stores.length;
    replaceChildren(
      this.main,
      h(
        "div",
        { class: "welcome" },
        h("h2", {}, count === 0 ? "No stores yet" : "Choose a store"),
        h(
          "p",
          { class: "muted" },
          count === 0
            ? this.info.readOnly
              ? "This backend holds no stores."
              : "Create one with “New store”."
            : `${count} ${count === 1 ? "store" : "stores"} on this backend. Pick one on the left to browse its records.`,
        ),
      ),
    );
  }

  // --- stores ---

  private async loadStores(): Promise<void> {
    try {
      this.stores = (await api.stores()).stores;
      this.renderStores();
    } catch (error) {
      this.report(error);
    }
  }

  private renderStores(): void {
    renderStoreList(this.storeList, this.stores, this.store, (name) => this.go(name));
  }

  private openStore(name: string): void {
    this.store = name;
    this.cursors = [undefined];
    this.pageIndex = 0;
    this.filters = { prefix: "", q: "", limit: this.filters.limit };
    this.closeRecord();
    this.view = createStoreView(name, this.filters, this.storeActions());
    replaceChildren(this.main, this.view.element);
    void this.loadPage();
  }

  private storeActions(): StoreActions {
    return {
      readOnly: this.info.readOnly,
      openRecord: (key, edit) => void this.openRecord(key, edit),
      deleteRecord: (key) => this.deleteRecord(key),
      addRecord: () => this.addRecord(),
      applyFilters: (filters) => {
        this.filters = filters;
        this.cursors = [undefined];
        this.pageIndex = 0;
        void this.loadPage();
      },
      nextPage: () => {
        if (this.cursors[this.pageIndex + 1] === undefined) return;
        this.pageIndex++;
        void this.loadPage();
      },
      previousPage: () => {
        if (this.pageIndex === 0) return;
        this.pageIndex--;
        void this.loadPage();
      },
      renameStore: () => this.renameStore(),
      clearStore: () => this.clearStore(),
      deleteStore: () => this.deleteStore(),
    };
  }

  private createStore(): void {
    void promptText({
      title: "New store",
      label: "Name",
      confirmLabel: "Create store",
      submit: async (name) => {
        await api.createStore(name);
        await this.loadStores();
        this.go(name);
        this.say(`Store “${name}” created.`);
      },
    });
  }

  private renameStore(): void {
    const from = this.store;
    if (from === null) return;
    void promptText({
      title: "Rename store",
      label: "New name",
      initial: from,
      confirmLabel: "Rename",
      submit: async (to) => {
        await api.renameStore(from, to);
        await this.loadStores();
        this.go(to);
        this.say(`Store “${from}” renamed to “${to}”.`);
      },
    });
  }

  private clearStore(): void {
    const name = this.store;
    if (name === null) return;
    void confirmByName({
      title: "Clear store",
      message: "This deletes every record of the store; the store itself stays. It cannot be undone.",
      name,
      confirmLabel: "Clear all records",
      submit: async (typed) => {
        await api.clearStore(name, typed);
        this.say(`Store “${name}” cleared.`);
        await this.refresh();
      },
    });
  }

  private deleteStore(): void {
    const name = this.store;
    if (name === null) return;
    void confirmByName({
      title: "Delete store",
      message: "This deletes the store and all its records. It cannot be undone.",
      name,
      confirmLabel: "Delete store",
      submit: async (typed) => {
        await api.dropStore(name, typed);
        await this.loadStores();
        this.go(null);
        this.say(`Store “${name}” deleted.`);
      },
    });
  }

  // --- records ---

  private async loadPage(): Promise<void> {
    const store = this.store;
    const view = this.view;
    if (store === null || view === null) return;
    view.showLoading();
    try {
      const cursor = this.cursors[this.pageIndex];
      const page: RecordsResponse = await api.records({
        store,
        limit: this.filters.limit,
        ...(this.filters.prefix === "" ? {} : { prefix: this.filters.prefix }),
        ...(this.filters.q === "" ? {} : { q: this.filters.q }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      if (store !== this.store || view !== this.view) return; // the user moved on meanwhile
      this.cursors[this.pageIndex + 1] = page.cursor ?? undefined;
      this.cursors.length = this.pageIndex + 2;
      view.showPage(page, this.pageIndex, Date.now(), this.pageIndex > 0);
      const summary = this.stores.find((s) => s.name === store);
      if (summary !== undefined && summary.size !== page.total) {
        this.stores = this.stores.map((s) => (s.name === store ? { name: s.name, size: page.total } : s));
        this.renderStores();
      }
    } catch (error) {
      this.report(error);
    }
  }

  private recordActions(): RecordActions {
    return {
      readOnly: this.info.readOnly,
      save: async (request) => {
        const saved = await api.saveRecord(request);
        this.showRecord(saved, false);
        this.say(`Record “${request.key}” saved.`);
        await this.loadPage();
      },
      setTtl: (key) => this.setTtl(key),
      removeTtl: (key) => void this.changeTtl(key, null),
      deleteRecord: (key) => this.deleteRecord(key),
      close: () => this.closeRecord(),
      editing: (active) => {
        this.editing = active;
      },
    };
  }

  private async openRecord(key: string, edit: boolean): Promise<void> {
    const store = this.store;
    if (store === null) return;
    try {
      const record = await api.record(store, key);
      if (store === this.store) this.showRecord(record, edit);
    } catch (error) {
      this.report(error);
    }
  }

  private showRecord(record: RecordResponse, edit: boolean): void {
    this.openKey = record.key;
    renderRecord(this.panel, record, Date.now(), this.recordActions(), edit);
    if (!edit) this.panel.querySelector<HTMLElement>("button")?.focus();
  }

  private closeRecord(): void {
    this.openKey = null;
    this.editing = false;
    this.panel.hidden = true;
    this.panel.replaceChildren();
  }

  private addRecord(): void {
    const store = this.store;
    if (store === null) return;
    const key = h("input", { attrs: { type: "text", autocomplete: "off", spellcheck: "false" } });
    const ttl = h("input", { attrs: { type: "number", min: "1", step: "any", inputmode: "decimal" } });
    void openDialog((control) => {
      let valueOk = true;
      const update = () => control.setEnabled(valueOk);
      const editor = createEditor(
        { format: "json", text: "{}" },
        (valid) => {
          valueOk = valid;
          update();
        },
        () => (key.closest("form") as HTMLFormElement | null)?.requestSubmit(),
      );
      return {
        title: "Add record",
        wide: true,
        body: [field("Key", key), editor.element, field("TTL in seconds", ttl, "Empty: never expires.")],
        confirmLabel: "Add record",
        submit: async () => {
          const value = editor.read();
          if (value === undefined) return false;
          await api.saveRecord({
            store,
            key: key.value,
            ...value,
            mode: "create",
            ttl: ttl.value === "" ? null : Number(ttl.value),
          });
          this.say(`Record “${key.value}” added.`);
          await this.loadPage();
          void this.openRecord(key.value, false);
          return true;
        },
      };
    });
  }

  private deleteRecord(key: string): void {
    const store = this.store;
    if (store === null) return;
    void confirmAction({
      title: "Delete record",
      message: ["Delete the record ", h("code", {}, key), "? This cannot be undone."],
      confirmLabel: "Delete record",
      submit: async () => {
        await api.deleteRecord(store, key);
        if (this.openKey === key) this.closeRecord();
        this.say(`Record “${key}” deleted.`);
        await this.loadPage();
      },
    });
  }

  private setTtl(key: string): void {
    const input = h("input", {
      attrs: { type: "number", min: "1", step: "any", required: true, inputmode: "decimal" },
    });
    void openDialog((control) => {
      input.addEventListener("input", () => control.setEnabled(Number(input.value) > 0));
      return {
        title: "Set TTL",
        body: [
          h("p", {}, "The record ", h("code", {}, key), " will expire after this many seconds."),
          field("Seconds", input),
        ],
        confirmLabel: "Set TTL",
        enabled: false,
        submit: async () => {
          await this.changeTtl(key, Number(input.value), true);
          return true;
        },
      };
    });
  }

  private async changeTtl(key: string, ttl: number | null, rethrow = false): Promise<void> {
    const store = this.store;
    if (store === null) return;
    try {
      const record = await api.setTtl(store, key, ttl);
      this.showRecord(record, false);
      this.say(ttl === null ? `TTL of “${key}” removed.` : `TTL of “${key}” set to ${ttl} s.`);
      await this.loadPage();
    } catch (error) {
      if (rethrow) throw error;
      this.report(error);
    }
  }

  // --- refresh, shortcuts, messages ---

  /** Reloads the store list, the current page and the open record. */
  async refresh(quiet = false): Promise<void> {
    await this.loadStores();
    if (this.store !== null && !this.stores.some((s) => s.name === this.store)) {
      this.go(null);
      return;
    }
    await this.loadPage();
    if (this.openKey !== null && !this.editing) {
      const store = this.store;
      const key = this.openKey;
      if (store === null) return;
      try {
        const record = await api.record(store, key);
        if (this.openKey === key && !this.editing)
          renderRecord(this.panel, record, Date.now(), this.recordActions(), false);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) this.closeRecord();
        else this.report(error);
      }
    }
    if (!quiet) this.say("Refreshed.");
  }

  private installShortcuts(): void {
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      const typing = target.closest("input, textarea, select, [contenteditable]") !== null;
      if (typing || document.querySelector("dialog[open]") !== null) return;
      if (event.key === "/" && this.view !== null) {
        event.preventDefault();
        this.view.search.focus();
      } else if (event.key === "r") {
        event.preventDefault();
        void this.refresh();
      } else if (event.key === "n" && this.view !== null && !this.info.readOnly) {
        event.preventDefault();
        this.addRecord();
      } else if (event.key === "Escape" && this.openKey !== null) {
        this.closeRecord();
      }
    });
  }

  private say(message: string): void {
    this.status.classList.remove("error");
    this.status.textContent = message;
    // Confirmations fade after a few seconds; errors stay until the next message.
    setTimeout(() => {
      if (this.status.textContent === message && !this.status.classList.contains("error"))
        this.status.textContent = "";
    }, 4000);
  }

  private report(error: unknown): void {
    this.status.classList.add("error");
    if (error instanceof ApiError && error.status === 401) {
      this.status.textContent =
        "Your session has ended (the dashboard was restarted?). Open the URL it printed, with its token, again.";
    } else this.status.textContent = error instanceof Error ? error.message : String(error);
  }
}
