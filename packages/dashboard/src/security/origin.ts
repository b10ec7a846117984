/**
 * True when a state-changing request comes from the dashboard's own origin: its `Origin` names the
 * same host (and port) as its `Host`, or, without `Origin`, `Sec-Fetch-Site` says `same-origin`.
 * `requireSignal`: a request with neither header fails (cookie sessions, which a browser attaches
 * on its own); a Bearer client, which a browser never adds, may send neither.
 */
export function isSameOrigin(request: Request, host: string, requireSignal: boolean): boolean {
  const origin = request.headers.get("origin");
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite !== null && fetchSite !== "same-origin") return false;
  if (origin === null) return fetchSite === "same-origin" || !requireSignal;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // includes the opaque origin "null"
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  return parsed.host === host.trim().toLowerCase();
}
