import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/*
 * Real redis-server processes for tests: each on a free loopback port with its own temporary
 * directory, no persistence, and DEBUG enabled for fault injection. Only processes started here are
 * ever signalled or stopped; the Redis a developer may run on 6379 is never touched.
 */

/** Options of `startRedisServer`. */
export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `["--requirepass", "secret"]`. */
  args?: readonly string[];
  /** Use this port instead of a free one (it must not be 6379). */
  port?: number;
  /** How long to wait for the server to answer PING, in ms. @default 10000 */
  startTimeoutMs?: number;
}

/** A redis-server started by the tests. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` (no credentials). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The pid of the current process (changes on `restart`). */
  readonly pid: number;
  /** The temporary directory holding the server's files. */
  readonly dir: string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. Idempotent. */
  stop(): Promise<void>;
  /** Sends a signal to the server process (`SIGKILL`, `SIGSTOP`, `SIGCONT`, ...); waits for exit on SIGKILL/SIGTERM. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and directory (stopping it first if it runs); it comes back empty. */
  restart(): Promise<void>;
}

const RESERVED_PORT = 6379;
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

// A test runner that dies without running afterAll must not leave servers behind.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

/** A free TCP port on 127.0.0.1 (never 6379). With `busOffset`, `port + busOffset` is free as well. */
export async function freePort(busOffset?: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await listenOnce(0);
    if (port === RESERVED_PORT) continue;
    if (busOffset === undefined) return port;
    if (port + busOffset > 65535) continue;
    try {
      await listenOnce(port + busOffset);
      return port;
    } catch {
      // the bus port is taken: try another
    }
  }
  throw new Error("No free loopback port found after 50 attempts.");
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const found = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(found));
    });
  });
}

/**
 * Sends one command to a Redis server over a raw socket and resolves with the raw RESP reply text.
 * A tiny client, so the harness needs no Redis library; `QUIT` follows so the reply ends at close.
 */
export function redisCommand(port: number, args: readonly string[], timeoutMs = 2000): Promise<string> {
  const encode = (parts: readonly string[]) =>
    `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join("")}`;
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Redis on port ${port} did not answer ${args[0]} within ${timeoutMs} ms.`));
    }, timeoutMs);
    socket.on("connect", () => socket.write(encode(args) + encode(["QUIT"])));
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}

/** True when a server answers PING on the port (a server demanding a password counts as up). */
export async function isRedisUp(port: number): Promise<boolean> {
  try {
    const reply = await redisCommand(port, ["PING"], 1000);
    return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
  } catch {
    return false;
  }
}

/** Polls until `check` resolves true, or throws after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
}

/**
 * A test process killed by a signal runs no exit hook, and its redis-server would live on. A tiny
 * shell watchdog kills the server (and only it) and removes its directory once this process is
 * gone; it ends by itself when the server stops.
 */
function watch(pid: number | undefined, dir: string): void {
  if (pid === undefined) return;
  // Kills only if this process is gone and the pid still names a redis-server (never a reused pid).
  const script = [
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done`,
    `kill -0 ${process.pid} 2>/dev/null && exit 0`,
    `[ "$(cat /proc/${pid}/comm 2>/dev/null)" = redis-server ] && kill -9 ${pid}`,
    `rm -rf '${dir}'`,
  ].join("; ");
  spawn("sh", ["-c", script], { stdio: "ignore", detached: true }).unref();
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Starts a redis-server on a free loopback port and waits until it answers PING. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  if (options.port === RESERVED_PORT) throw new Error("Port 6379 is reserved for the developer's own Redis.");
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), "dictstore-redis-"));
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let port = options.port ?? 0;
  let child: ChildProcess | undefined;
  let output = "";

  const launch = async (): Promise<void> => {
    const argv = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--enable-debug-command",
      "local",
      ...(options.args ?? []),
    ];
    output = "";
    const started = spawn("redis-server", argv, { stdio: ["ignore", "pipe", "pipe"] });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-4000);
    };
    started.stdout?.on("data", collect);
    started.stderr?.on("data", collect);
    running.add(started);
    started.once("exit", () => running.delete(started));
    child = started;
    watch(started.pid, dir);
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`redis-server on port ${port} exited at start:\n${output}`);
      }
      if (await isRedisUp(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    started.kill("SIGKILL");
    await exited(started);
    throw new Error(
      `redis-server on port ${port} did not answer PING within ${startTimeoutMs} ms:\n${output}`,
    );
  };

  // A free port can be taken by someone else before redis-server binds it: try a few.
  for (let attempt = 0; ; attempt++) {
    if (options.port === undefined) port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      if (options.port !== undefined || attempt >= 4 || !/Address already in use/i.test(output)) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  let stopped = false;
  const terminate = async (): Promise<void> => {
    const current = child;
    if (current === undefined) return;
    child = undefined;
    if (current.exitCode !== null || current.signalCode !== null) return;
    // A stopped process ignores SIGTERM until continued.
    current.kill("SIGCONT");
    current.kill("SIGTERM");
    const timer = setTimeout(() => current.kill("SIGKILL"), 3000);
    await exited(current);
    clearTimeout(timer);
  };

  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    host: "127.0.0.1",
    port,
    get pid() {
      return child?.pid ?? -1;
    },
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate();
      rmSync(dir, { recursive: true, force: true });
    },
    async kill(signal) {
      const current = child;
      if (current === undefined) return;
      current.kill(signal);
      if (signal === "SIGKILL" || signal === "SIGTERM") {
        await exited(current);
        child = undefined;
      }
    },
    async restart() {
      if (stopped) throw new Error("The server was stopped; start a new one.");
      await terminate();
      await launch();
    },
  };
  return server;
}
