import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { createDashboardHandler, type DashboardHandler } from "./handler.ts";
import type { DashboardServer, StartDashboardOptions } from "./options.ts";
import { LOOPBACK_HOSTS } from "./security/hosts.ts";
import { generateToken } from "./security/token.ts";

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * Starts the dashboard on a Node HTTP server, on 127.0.0.1 and a free port unless told otherwise,
 * with a fresh random token. Resolves once it listens, to its URL (token included) and `close`.
 */
export async function startDashboard(options: StartDashboardOptions): Promise<DashboardServer> {
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? generateToken();
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  const explicitHost = !WILDCARDS.has(host) && !LOOPBACK_HOSTS.includes(urlHost(bare)) ? [urlHost(bare)] : [];
  const handler = createDashboardHandler({
    ...options,
    token,
    allowedHosts: [...(options.allowedHosts ?? []), ...explicitHost],
  });
  const server = createServer((req, res) => {
    serve(handler, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("500 Internal Server Error\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, bare, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard listens everywhere, but the browser should still open the loopback address.
  const origin = `http://${WILDCARDS.has(host) ? "127.0.0.1" : urlHost(bare)}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** An address as it appears in a URL: IPv6 in brackets. */
function urlHost(address: string): string {
  return address.includes(":") ? `[${address}]` : address;
}

/** Bridges Node's request and response to the fetch handler. */
async function serve(handler: DashboardHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Only the path and query are taken from the request line; the handler checks the Host header itself.
  const target = new URL(req.url ?? "/", "http://dashboard.invalid");
  const authority = req.headers.host ?? "";
  let url: string;
  try {
    url = new URL(target.pathname + target.search, `http://${authority}`).href;
  } catch {
    url = `http://invalid.invalid${target.pathname}${target.search}`;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = {
    method: req.method ?? "GET",
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  };
  const response = await handler(new Request(url, init));
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  res.writeHead(response.status, out);
  res.end(response.body === null ? undefined : Buffer.from(await response.arrayBuffer()));
  // Whatever the handler left unread (a refused upload) is drained so the socket stays usable.
  if (hasBody && !req.complete) req.resume();
}
