import type { StoreCore } from "./store-core.ts";

/** One page of a listing, whatever its items are. */
export interface Page<TItem> {
  items: TItem[];
  cursor: string | null;
}

/**
 * A lazy, re-iterable view over a paged listing: each iteration starts from the first page and
 * fetches the next only when the previous one is used up, so `break` stops backend reads and a
 * huge store is never loaded at once.
 */
export function pagedIterable<TItem>(
  core: StoreCore,
  fetch: (cursor: string | undefined) => Page<TItem>,
): Iterable<TItem> {
  return {
    *[Symbol.iterator]() {
      let cursor: string | undefined;
      do {
        core.assertOpen();
        const page = fetch(cursor);
        yield* page.items;
        cursor = page.cursor ?? undefined;
      } while (cursor !== undefined);
    },
  };
}

/** The asynchronous twin of `pagedIterable`, for `for await`. */
export function pagedAsyncIterable<TItem>(
  core: StoreCore,
  fetch: (cursor: string | undefined) => Promise<Page<TItem>>,
): AsyncIterable<TItem> {
  return {
    async *[Symbol.asyncIterator]() {
      let cursor: string | undefined;
      do {
        core.assertOpen();
        const page = await fetch(cursor);
        yield* page.items;
        cursor = page.cursor ?? undefined;
      } while (cursor !== undefined);
    },
  };
}
