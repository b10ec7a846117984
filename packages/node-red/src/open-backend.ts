import { type Backend, backendFromUrl, storeUrlFromEnv } from "@dictstore/core";

/** Where a Node-RED store lives: an explicit URL, else `DICTSTORE_URL`, else SQLite under the user directory. */
export interface BackendLocation {
  /** A dictstore URL (`sqlite:…`, `redis://…`, `redis+cluster://…`, `memory:`). */
  readonly url?: string | undefined;
  /** Node-RED's user directory: the default SQLite file and relative SQLite paths live under it. */
  readonly userDir?: string | undefined;
}

/** The URL a location resolves to, e.g. `sqlite:/home/me/.node-red/.dictstore/data.db`. */
export function resolveUrl(location: BackendLocation): string {
  const base = location.userDir ?? process.cwd();
  const url = location.url?.trim();
  return url === undefined || url === "" ? storeUrlFromEnv(process.env, base) : url;
}

/**
 * Opens the backend of a location. Relative SQLite paths are resolved against the user directory,
 * as Node-RED's own file store does, so the data does not move with the directory Node-RED starts in.
 */
export function openBackend(location: BackendLocation): Promise<Backend> {
  return backendFromUrl(resolveUrl(location), { cwd: location.userDir ?? process.cwd() });
}
