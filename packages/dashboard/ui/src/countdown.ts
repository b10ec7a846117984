import { formatTtl } from "./format.ts";

/*
 * TTL cells count down in place: each holds its expiry (by this page's clock, from the time left
 * that the server reported) and one timer updates them all once a second.
 */

/** A text element that shows the time left until `ttlMs` from now; `null` shows "—". */
export function ttlText(element: HTMLElement, ttlMs: number | null, receivedAt: number): HTMLElement {
  if (ttlMs === null) {
    delete element.dataset.expiresAt;
    element.textContent = formatTtl(null);
  } else {
    element.dataset.expiresAt = String(receivedAt + ttlMs);
    element.textContent = formatTtl(ttlMs - (Date.now() - receivedAt));
  }
  return element;
}

/** Starts the once-a-second update of every countdown on the page. */
export function startCountdowns(): void {
  setInterval(() => {
    const now = Date.now();
    for (const element of document.querySelectorAll<HTMLElement>("[data-expires-at]")) {
      const left = Number(element.dataset.expiresAt) - now;
      element.textContent = formatTtl(left);
      element.classList.toggle("expired", left <= 0);
    }
  }, 1000);
}
