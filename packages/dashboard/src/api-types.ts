/*
 * The JSON shapes of the dashboard's HTTP API, shared by the server and the browser UI (type-only:
 * the UI imports this file with `import type`, so nothing here may need Node).
 */

/** Names of the rich (non-JSON) types a value view can mark. */
export type RichType =
  | "Date"
  | "BigInt"
  | "Number"
  | "undefined"
  | "RegExp"
  | "URL"
  | "Error"
  | "Map"
  | "Set"
  | "Bytes";

/** A decoded value as a tree the UI renders as text, with rich types marked. */
export type ViewNode =
  | { readonly t: "null" }
  | { readonly t: "boolean"; readonly v: boolean }
  | { readonly t: "number"; readonly v: number }
  | { readonly t: "string"; readonly v: string }
  | { readonly t: "array"; readonly items: ViewNode[] }
  | { readonly t: "object"; readonly entries: [string, ViewNode][] }
  /** A rich scalar: `text` is its readable form (ISO date, `123n`, `NaN`, `/a/g`, hex bytes…). */
  | { readonly t: "rich"; readonly type: RichType; readonly label: string; readonly text: string }
  | { readonly t: "map"; readonly entries: [ViewNode, ViewNode][] }
  | { readonly t: "set"; readonly items: ViewNode[] }
  /** A second reference to an object shown earlier (shared or cyclic), by its path. */
  | { readonly t: "ref"; readonly path: string }
  /** The view stopped here to stay small; `count` items were left out. */
  | { readonly t: "more"; readonly count: number };

/** Facts about the dashboard, for the UI. */
export interface InfoResponse {
  readonly backend: string;
  readonly readOnly: boolean;
  /** Default page size of record listings. */
  readonly pageSize: number;
  /** The largest value, in bytes, a save may send. */
  readonly maxValueBytes: number;
}

/** One store in the store list. */
export interface StoreSummary {
  readonly name: string;
  readonly size: number;
}

/** GET /api/stores */
export interface StoresResponse {
  readonly stores: StoreSummary[];
}

/** One record of a listing: values are previews, cut to a few hundred characters. */
export interface RecordRow {
  readonly key: string;
  /** A one-line preview of the value, rich types marked, at most `PREVIEW_CHARS` characters. */
  readonly preview: string;
  /** True when the preview was cut; the whole value is loaded on demand. */
  readonly truncated: boolean;
  /** The top-level type: `object`, `array`, `string`, … or a rich type name. */
  readonly type: string;
  /** Size of the stored encoding, in UTF-8 bytes. */
  readonly bytes: number;
  /** Milliseconds left to live when the page was read; `null` when it never expires. */
  readonly ttlMs: number | null;
}

/** GET /api/records */
export interface RecordsResponse {
  readonly store: string;
  readonly records: RecordRow[];
  /** Pass it back as `cursor` for the next page; `null` on the last page. */
  readonly cursor: string | null;
  /** Live keys in the whole store (not only those matching the filter). */
  readonly total: number;
  /** With a value search: how many records this request looked at. */
  readonly scanned: number;
}

/** How a value is written in the editor: plain JSON, or superjson's `{ json, meta }` for rich values. */
export type EditFormat = "json" | "superjson";

/** GET /api/record */
export interface RecordResponse {
  readonly store: string;
  readonly key: string;
  readonly view: ViewNode;
  readonly type: string;
  readonly bytes: number;
  readonly ttlMs: number | null;
  /** The value as editable text, in `format`. */
  readonly edit: { readonly format: EditFormat; readonly text: string };
}

/** PUT /api/record: `mode: "create"` refuses an existing key; `ttl` in seconds, `null` none, `"keep"` keep the current one. */
export interface SaveRecordRequest {
  readonly store: string;
  readonly key: string;
  readonly format: EditFormat;
  readonly text: string;
  readonly mode?: "create" | "replace";
  readonly ttl?: number | null | "keep";
}

/** Every error answer: `{ error: { code, message } }`. */
export interface ErrorResponse {
  readonly error: { readonly code: string; readonly message: string };
}

/** Longest list preview, in characters. */
export const PREVIEW_CHARS = 160;

/** The header the UI sends with every state change (a cross-site page cannot send it without a preflight). */
export const CSRF_HEADER = "x-dictstore-csrf";
