import type { StoreSummary } from "../../src/api-types.ts";
import { h, replaceChildren } from "./dom.ts";
import { formatCount } from "./format.ts";

/** Renders the store list: one button per store, its key count beside it; the current one marked. */
export function renderStoreList(
  list: HTMLUListElement,
  stores: readonly StoreSummary[],
  current: string | null,
  select: (name: string) => void,
): void {
  if (stores.length === 0) {
    replaceChildren(list, h("li", { class: "empty" }, "No stores yet."));
    return;
  }
  replaceChildren(
    list,
    ...stores.map((store) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            class: "store-link",
            attrs: { type: "button", "aria-current": store.name === current ? "page" : undefined },
            on: { click: () => select(store.name) },
          },
          h("span", { class: "store-name" }, store.name),
          h("span", { class: "count", attrs: { title: `${store.size} keys` } }, formatCount(store.size)),
        ),
      ),
    ),
  );
}
