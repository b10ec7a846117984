import { createConnection, createServer, type Socket } from "node:net";

/*
 * A small TCP proxy for fault injection (reliability.md F4): it forwards both ways and, at random,
 * swallows a reply and breaks the connection, as when a link fails after the server executed a
 * request but before its reply arrived. The client sees its connection close with the request in
 * flight and cannot know whether it ran.
 */

/** Options of `startTcpProxy`. */
export interface TcpProxyOptions {
  /** Where to forward to. */
  target: { host?: string; port: number };
  /** The probability that a reply is dropped (and its connection broken). @default 0 */
  dropRate?: number;
  /** The random source, for seeded runs. @default Math.random */
  random?: () => number;
  /** Only replies to requests for which this returns true may be dropped (it sees the request's bytes). @default every request */
  dropWhen?: (request: Buffer) => boolean;
}

/** A running proxy. */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** Replies dropped so far. */
  readonly dropped: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** The drop probability; may be changed while the proxy runs. */
  dropRate: number;
  /** Drops the next reply that `dropWhen` allows, whatever the rate. */
  dropNextReply(): void;
  /** Breaks every open connection (both sides), without dropping anything. */
  breakAll(): void;
  /** Stops listening and breaks every connection. */
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port that forwards to `options.target`. */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const random = options.random ?? Math.random;
  const dropWhen = options.dropWhen ?? (() => true);
  const sockets = new Set<Socket>();
  let armed = false;
  let dropped = 0;
  let connections = 0;
  const state = { dropRate: options.dropRate ?? 0 };

  const server = createServer((client) => {
    connections++;
    const upstream = createConnection({
      host: options.target.host ?? "127.0.0.1",
      port: options.target.port,
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      // A broken link is the point of this proxy: its errors are expected.
      socket.on("error", () => {});
    }
    // Whether a request that may be dropped is waiting for its reply on this connection.
    let droppable = false;
    client.on("data", (chunk: Buffer) => {
      if (dropWhen(chunk)) droppable = true;
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (droppable && (armed || random() < state.dropRate)) {
        armed = false;
        dropped++;
        client.destroy();
        upstream.destroy();
        return;
      }
      droppable = false;
      client.write(chunk);
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const breakAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    host: "127.0.0.1",
    port,
    get dropped() {
      return dropped;
    },
    get connections() {
      return connections;
    },
    get dropRate() {
      return state.dropRate;
    },
    set dropRate(rate: number) {
      state.dropRate = rate;
    },
    dropNextReply() {
      armed = true;
    },
    breakAll,
    close() {
      breakAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
