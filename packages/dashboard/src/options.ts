import type { Backend, StoreLimits } from "@dictstore/core";

/** Options of `createDashboardHandler`. */
export interface DashboardHandlerOptions {
  /** The backend whose stores the dashboard shows. */
  backend: Backend;
  /**
   * The launch secret: accepted once as `?token=` in the page URL (and exchanged for a session
   * cookie) or on every request as `Authorization: Bearer <token>`. At least 22 URL-safe characters.
   */
  token: string;
  /** Refuse every change (stores and records) with 403 `READ_ONLY`. @default false */
  readOnly?: boolean;
  /**
   * More host names the `Host` header may carry (e.g. a LAN name when serving beyond loopback).
   * `localhost`, `127.0.0.1` and `[::1]` are always allowed; any other Host gets 403.
   * @default []
   */
  allowedHosts?: readonly string[];
  /** Store limits; `maxValueBytes` also bounds request bodies. @default DEFAULT_LIMITS */
  limits?: Partial<StoreLimits>;
  /** Records per page when the UI does not ask for another size. @default 50 */
  pageSize?: number;
  /** The folder holding the built UI (`vite build` output). @default the package's own `dist/ui` */
  assetsDir?: string;
}

/** Options of `startDashboard`. */
export interface StartDashboardOptions extends Omit<DashboardHandlerOptions, "token"> {
  /**
   * The address to listen on. Loopback by default; any other address is an explicit choice, and its
   * host name is added to `allowedHosts` (except the wildcards `0.0.0.0` and `::`).
   * @default "127.0.0.1"
   */
  host?: string;
  /** The port; 0 picks a free one. @default 0 */
  port?: number;
  /** The launch token. @default a random 256-bit token */
  token?: string;
}

/** A running dashboard server. */
export interface DashboardServer {
  /** The URL to open, with the token: `http://127.0.0.1:PORT/?token=…`. */
  readonly url: string;
  /** The origin, without the token: `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}
