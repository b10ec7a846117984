/*
 * How Node-RED context lands in a dictstore store: one dictstore key per top-level context key,
 * named `<scope>/<key>`, so `dictstore keys` and the dashboard show readable names:
 *   global.set("count", 1)             -> "global/count"
 *   flow.set("count", 1)   (flow f1)   -> "f1/count"
 *   context.set("count", 1) (node n1)  -> "n1:f1/count"
 * Node-RED scope ids never contain "/", but the scope is escaped anyway ("%" and "/"), so a key is
 * always split back at its first "/" (the context key itself may contain "/").
 */

const SEPARATOR = "/";

function escapeScope(scope: string): string {
  return scope.replaceAll("%", "%25").replaceAll("/", "%2F");
}

function unescapeScope(escaped: string): string {
  return escaped.replaceAll("%2F", "/").replaceAll("%25", "%");
}

/** The dictstore key of a top-level context key in a scope. */
export function storeKeyOf(scope: string, key: string): string {
  return `${escapeScope(scope)}${SEPARATOR}${key}`;
}

/** The prefix every key of a scope starts with. */
export function scopePrefix(scope: string): string {
  return `${escapeScope(scope)}${SEPARATOR}`;
}

/** The scope and context key of a dictstore key; `undefined` for keys this package did not write. */
export function parseStoreKey(storeKey: string): { scope: string; key: string } | undefined {
  const at = storeKey.indexOf(SEPARATOR);
  if (at <= 0) return undefined;
  return { scope: unescapeScope(storeKey.slice(0, at)), key: storeKey.slice(at + 1) };
}
