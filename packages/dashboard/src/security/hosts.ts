/** Host names every dashboard answers to: loopback only, against DNS rebinding. */
export const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];

const PORT = /^\d{1,5}$/;

/**
 * The host name of a `Host` header value (`name`, `name:port`, `[v6]` or `[v6]:port`), lower-cased,
 * IPv6 kept in brackets; `undefined` when it is malformed.
 */
export function hostnameOf(host: string): string | undefined {
  const value = host.trim().toLowerCase();
  if (value === "") return undefined;
  let name: string;
  let port: string | undefined;
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    if (end === -1) return undefined;
    name = value.slice(0, end + 1);
    const rest = value.slice(end + 1);
    if (rest !== "" && !rest.startsWith(":")) return undefined;
    port = rest === "" ? undefined : rest.slice(1);
  } else {
    const colon = value.indexOf(":");
    name = colon === -1 ? value : value.slice(0, colon);
    port = colon === -1 ? undefined : value.slice(colon + 1);
  }
  if (port !== undefined && !PORT.test(port)) return undefined;
  if (!/^[a-z0-9.\-[\]:]+$/.test(name)) return undefined;
  return name;
}

/** Normalises allow-list entries: host names, lower-cased; bare IPv6 addresses get brackets. */
export function allowedHostSet(extra: readonly string[] = []): ReadonlySet<string> {
  const names = extra.map((h) => {
    const lower = h.trim().toLowerCase();
    return lower.includes(":") && !lower.startsWith("[") ? `[${lower}]` : lower;
  });
  return new Set([...LOOPBACK_HOSTS, ...names]);
}

/** True when a `Host` header names an allowed host (any port). */
export function isAllowedHost(host: string | null, allowed: ReadonlySet<string>): boolean {
  if (host === null) return false;
  const name = hostnameOf(host);
  return name !== undefined && allowed.has(name);
}
