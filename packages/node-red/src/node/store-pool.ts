import { type AsyncDataStore, type Backend, close, createAsyncStore } from "@dictstore/core";
import { type BackendLocation, openBackend, resolveUrl } from "../open-backend.ts";

/*
 * Every dictstore node naming the same URL and store shares one store (and so one Redis connection
 * or one SQLite handle); the last node to close it closes it and disposes of its backend.
 */

interface Opened {
  readonly backend: Backend;
  readonly store: AsyncDataStore;
}

interface Entry {
  opened: Promise<Opened> | undefined;
  users: number;
}

const entries = new Map<string, Entry>();

/** A node's hold on a shared store; `release` it when the node closes. */
export interface Lease {
  /** The store, opened on first use; a failed open (Redis down) is retried on the next call. */
  store(): Promise<AsyncDataStore>;
  release(): Promise<void>;
}

async function openEntry(location: BackendLocation, name: string): Promise<Opened> {
  const backend = await openBackend(location);
  return { backend, store: createAsyncStore({ backend, name }) };
}

export function leaseStore(location: BackendLocation, name: string): Lease {
  const id = `${resolveUrl(location)}\n${name}`;
  let found = entries.get(id);
  if (found === undefined) {
    found = { opened: undefined, users: 0 };
    entries.set(id, found);
  }
  const entry = found;
  entry.users += 1;
  let released = false;
  return {
    async store() {
      if (entry.opened === undefined) {
        const opening = openEntry(location, name);
        entry.opened = opening;
        opening.catch(() => {
          if (entry.opened === opening) entry.opened = undefined;
        });
      }
      return (await entry.opened).store;
    },
    async release() {
      if (released) return;
      released = true;
      entry.users -= 1;
      if (entry.users > 0) return;
      entries.delete(id);
      const opening = entry.opened;
      entry.opened = undefined;
      const opened = await opening?.catch(() => undefined);
      if (opened === undefined) return;
      try {
        await close(opened.store);
      } finally {
        await opened.backend.dispose?.();
      }
    },
  };
}
