import { setTimeout as sleep } from "node:timers/promises";
import { createError, type StoreError } from "@dictstore/core";
import type { Cluster, Redis } from "ioredis";
import {
  type ErrorContext,
  isLostInFlight,
  redactUrl,
  serverLabel,
  storeError,
  translateError,
} from "./errors.ts";
import type { ResolvedOptions } from "./options.ts";
import { ALL_SCRIPTS } from "./scripts/index.ts";
import type { Script } from "./scripts/script.ts";

/** A client of either kind. */
export type RedisClient = Redis | Cluster;

const importIoredis = () => import("ioredis");
let ioredis: ReturnType<typeof importIoredis> | undefined;
// ioredis is a peer dependency, loaded on first use so importing @dictstore/redis costs nothing.
const loadIoredis = (): ReturnType<typeof importIoredis> => {
  ioredis ??= importIoredis();
  return ioredis;
};

const noop = () => {};

/** Calls a script defined with `defineCommand`. */
type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

/** A Redis server's eviction policy that silently drops store data. */
const EVICTING = /^allkeys-/;

/**
 * One connection (or cluster connection) with the fail-fast rules: commands are only sent on a
 * ready connection, every call races a deadline, nothing is re-sent after a reconnect, and each
 * failure becomes a typed error naming the server.
 */
export class Connection {
  readonly server: string;
  private readonly secret: string | undefined;
  private client: RedisClient | undefined;
  private creating: Promise<RedisClient> | undefined;
  private waiting: Promise<void> | undefined;
  private policyChecked = false;
  private lastError: Error | undefined;
  private disposed = false;
  private readonly detach: (() => void)[] = [];
  /** Calls in progress; while there are none, our client does not hold the event loop. */
  private busy = 0;

  constructor(private readonly options: ResolvedOptions) {
    this.secret = options.password ?? passwordOf(options.url);
    this.server = options.client
      ? describeClient(options.client)
      : options.cluster
        ? `cluster ${options.cluster.map((n) => `${n.host}:${n.port}`).join(",")}`
        : serverLabel(options.url);
  }

  /** The error context of a read or a write. */
  context(write: boolean): ErrorContext {
    return { server: this.server, write, secret: this.secret };
  }

  /**
   * Runs `send` on a ready client within the deadline; failures become typed errors. A read has no
   * effect, so one whose connection broke while it was in flight (its reply lost) is sent again on
   * the next connection, until the deadline; a write never is.
   */
  call<T>(write: boolean, deadline: number, send: (client: RedisClient) => Promise<T>): Promise<T> {
    this.hold();
    let first: Promise<T>;
    try {
      first = this.callOnce(write, deadline, send);
    } catch (error) {
      first = Promise.reject(error); // still settles below, so the hold is always let go
    }
    const settled = write ? first : first.catch((error: unknown) => this.readAgain(error, deadline, send));
    settled.then(this.letGo, this.letGo);
    return settled;
  }

  /*
   * A process that finished its work must end on its own, as it does over SQLite: an idle connection
   * (socket, reconnect timer) must not keep the event loop alive, while a call in progress (a commit
   * on its way) must. So our own client is referenced only while a call runs.
   */
  private hold(): void {
    if (this.busy++ === 0) this.applyRef();
  }

  private readonly letGo = (): void => {
    if (--this.busy === 0) this.applyRef();
  };

  /** References our client's sockets and timers while calls run, unreferences them while idle. */
  private readonly applyRef = (): void => {
    const client = this.client;
    if (client === undefined || this.options.client !== undefined) return;
    const ref = this.busy > 0;
    const nodes: Redis[] = this.isCluster(client) ? client.nodes() : [client];
    for (const node of nodes) {
      const internals = node as unknown as NodeInternals;
      setRef(internals.stream, ref);
      setRef(internals.reconnectTimeout, ref);
    }
    if (this.isCluster(client)) {
      const internals = client as unknown as ClusterInternals;
      setRef(internals.reconnectTimeout, ref);
      setRef(internals.slotsTimer, ref);
    }
  };

  private async readAgain<T>(
    error: unknown,
    deadline: number,
    send: (client: RedisClient) => Promise<T>,
  ): Promise<T> {
    let last = error;
    while (isLostInFlight(last) && Date.now() + 100 < deadline) {
      await sleep(50);
      try {
        return await this.callOnce(false, deadline, send);
      } catch (again) {
        last = again;
      }
    }
    throw last;
  }

  private callOnce<T>(
    write: boolean,
    deadline: number,
    send: (client: RedisClient) => Promise<T>,
  ): Promise<T> {
    const current = this.client;
    // A ready client gets the command at once, in call order: calls made one after another in a
    // step reach Redis in that order (same-key writes apply in program order), whatever budget each
    // has left. Only a client that is not ready yet makes a call wait (slowCall).
    if (current !== undefined && current.status === "ready" && this.policyChecked && !this.disposed) {
      const sent = send(current);
      // Our own client with the whole budget left: ioredis' commandTimeout (set to the same budget)
      // bounds the call without a timer of ours. Otherwise our deadline does.
      const bounded =
        this.options.client === undefined && deadline - Date.now() >= this.options.timeoutMs - 5
          ? sent
          : this.race(sent, deadline, () => this.timeoutError(write));
      return bounded.catch((error: unknown) => {
        throw translateError(error, this.context(write));
      });
    }
    return this.slowCall(write, deadline, send);
  }

  private async slowCall<T>(
    write: boolean,
    deadline: number,
    send: (client: RedisClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.ready(deadline);
    try {
      return await this.race(send(client), deadline, () => this.timeoutError(write));
    } catch (error) {
      throw translateError(error, this.context(write));
    }
  }

  /** Runs one of our scripts: its encoder builds the arguments, its decoder reads the reply. */
  async run<Args, Result>(
    script: Script<Args, Result>,
    write: boolean,
    deadline: number,
    keys: readonly string[],
    args: Args,
  ): Promise<Result> {
    const raw = await this.call(write, deadline, (client) => {
      const command = (client as unknown as Record<string, ScriptCall>)[script.command] as ScriptCall;
      return command.call(client, ...keys, ...script.encode(args));
    });
    return script.decode(raw);
  }

  /** True for a Redis Cluster connection. */
  isCluster(client: RedisClient): client is Cluster {
    return (client as Cluster).isCluster === true;
  }

  /** Quits a client we created (an injected one is left open) and refuses later calls with `CLOSED`. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const undo of this.detach) undo();
    const client = this.client ?? (await this.creating?.catch(() => undefined));
    if (client === undefined || this.options.client !== undefined) return;
    if (client.status === "ready") {
      const quit = client.quit().catch(noop);
      const timer = setTimeout(() => client.disconnect(), Math.min(this.options.timeoutMs, 1000));
      await quit;
      clearTimeout(timer);
    }
    client.disconnect();
  }

  // --- internal ---

  private async ready(deadline: number): Promise<RedisClient> {
    if (this.disposed) {
      throw createError("redis", "CLOSED", "This Redis backend was disposed of; create a new one to use it.");
    }
    const client = this.client ?? (await this.race(this.create(), deadline, () => this.timeoutError(false)));
    if (client.status !== "ready") {
      if (client.status === "wait" || client.status === "end") {
        this.lastError = undefined;
        client.connect().catch(noop);
      }
      await this.race(this.waitReady(client), deadline, () => this.unreachable());
    }
    if (!this.policyChecked)
      await this.race(this.checkPolicy(client), deadline, () => this.timeoutError(false));
    return client;
  }

  private create(): Promise<RedisClient> {
    this.creating ??= (async () => {
      const client = this.options.client ?? (await this.construct());
      for (const script of ALL_SCRIPTS) {
        if (typeof (client as unknown as Record<string, unknown>)[script.command] !== "function") {
          client.defineCommand(script.command, { lua: script.lua, numberOfKeys: script.numberOfKeys });
        }
      }
      const onError = (error: Error) => {
        this.lastError = error;
      };
      // Every (re)connection is checked again: the policy may have changed, or the server.
      const onReady = () => {
        this.policyChecked = false;
      };
      client.on("error", onError);
      client.on("ready", onReady);
      this.detach.push(() => {
        client.off("error", onError);
        client.off("ready", onReady);
      });
      if (this.options.client === undefined) this.followRefs(client);
      this.client = client;
      return client;
    })();
    return this.creating;
  }

  /**
   * ioredis makes a new socket on every (re)connection and a new timer before every reconnection
   * attempt, referenced by default: apply the current state to each as it appears.
   */
  private followRefs(client: RedisClient): void {
    const events = ["connect", "ready", "reconnecting", "close", "end", "error"];
    const follow = (emitter: RedisClient) => {
      for (const event of events) emitter.on(event, this.applyRef);
    };
    follow(client);
    if (this.isCluster(client)) {
      client.on("+node", follow);
      client.on("refresh", this.applyRef);
      client.on("node error", this.applyRef);
    }
    this.applyRef();
  }

  private async construct(): Promise<RedisClient> {
    const { Redis, Cluster } = await loadIoredis();
    const o = this.options;
    const backoff = (times: number) => Math.min(50 * 2 ** Math.min(times, 5), 1000);
    const node = {
      // Fail fast: a command on a lost connection is rejected at once instead of being queued or
      // re-sent after the reconnect (a re-sent write could apply twice).
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: o.timeoutMs,
      connectTimeout: Math.min(o.timeoutMs, 10_000),
      protocol: o.protocol,
      connectionName: "dictstore",
      ...(o.username === undefined ? {} : { username: o.username }),
      ...(o.password === undefined ? {} : { password: o.password }),
    };
    if (o.cluster !== undefined) {
      const fromUrl = credentialsOf(o.url);
      const options = {
        lazyConnect: true,
        enableOfflineQueue: false,
        clusterRetryStrategy: backoff,
        // A command on a closed node connection may have run: never re-send it.
        retryDelayOnFailover: 0,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        slotsRefreshTimeout: Math.min(o.timeoutMs, 2000),
        redisOptions: { ...fromUrl, ...node },
      };
      return new Cluster(
        o.cluster.map((n) => ({ host: n.host, port: n.port })),
        options,
      );
    }
    return new Redis(o.url, {
      ...node,
      retryStrategy: backoff,
      lazyConnect: true,
      enableOfflineQueue: false,
    });
  }

  private waitReady(client: RedisClient): Promise<void> {
    if (this.waiting !== undefined) return this.waiting;
    const waiting = new Promise<void>((resolve, reject) => {
      const cleanup = () => {
        client.off("ready", onReady);
        client.off("error", onError);
        client.off("end", onEnd);
      };
      const onReady = () => {
        cleanup();
        resolve();
      };
      // Fail fast: a refused or broken connection attempt ends the wait (the client keeps
      // reconnecting in the background, so a later call succeeds once the server is back).
      const onError = (error: Error & { lastNodeError?: Error }) => {
        const cause = error.lastNodeError ?? error;
        this.lastError = cause;
        cleanup();
        const translated = translateError(cause, this.context(false)) as StoreError;
        if (translated.code === "AUTH_FAILED" || translated.code === "INVALID_ARGUMENT") {
          // A wrong password or database never heals by retrying: stop reconnecting until the next call.
          client.disconnect();
          reject(translated);
          return;
        }
        reject(this.unreachable());
      };
      const onEnd = () => {
        cleanup();
        reject(this.unreachable());
      };
      client.on("ready", onReady);
      client.on("error", onError);
      client.on("end", onEnd);
      if (client.status === "ready") onReady();
    });
    this.waiting = waiting;
    const clear = () => {
      if (this.waiting === waiting) this.waiting = undefined;
    };
    waiting.then(clear, clear);
    return waiting;
  }

  private async checkPolicy(client: RedisClient): Promise<void> {
    const nodes: Redis[] = this.isCluster(client) ? client.nodes("master") : [client];
    for (const node of nodes) {
      let info: string;
      try {
        info = await node.info("memory");
      } catch (error) {
        // A server that forbids INFO (an ACL) cannot be checked; that is not a reason to refuse it.
        if (/NOPERM/.test((error as Error).message)) continue;
        throw translateError(error, this.context(false));
      }
      const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1] ?? "";
      if (EVICTING.test(policy) && !this.options.allowEvictionPolicy) {
        throw storeError(
          "UNSUPPORTED_OPERATION",
          `maxmemory-policy is "${policy}", which silently evicts store data when memory runs short. Set it to "noeviction" (or a volatile-* policy), or pass allowEvictionPolicy: true to accept the risk.`,
          this.context(false),
        );
      }
    }
    this.policyChecked = true;
  }

  private async race<T>(promise: Promise<T>, deadline: number, onTimeout: () => Error): Promise<T> {
    promise.catch(noop);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw onTimeout();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), remaining);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private timeoutError(write: boolean): Error {
    const ms = this.options.timeoutMs;
    return write
      ? storeError(
          "UNKNOWN_OUTCOME",
          `no answer within ${ms} ms; the write may or may not have been applied.`,
          this.context(true),
        )
      : storeError("BACKEND_UNAVAILABLE", `no answer within ${ms} ms.`, this.context(false));
  }

  private unreachable(): Error {
    const error = this.lastError;
    if (error !== undefined) {
      const translated = translateError(error, this.context(false)) as StoreError;
      if (translated.code === "AUTH_FAILED" || translated.code === "INVALID_ARGUMENT") return translated;
    }
    const message =
      error === undefined
        ? `could not connect within ${this.options.timeoutMs} ms.`
        : `cannot connect (${error.message || error.name}).`;
    return storeError("BACKEND_UNAVAILABLE", message, this.context(false), error);
  }
}

/** What ioredis keeps on a node and does not type: its socket and its reconnection timer. */
interface NodeInternals {
  stream?: { ref?(): unknown; unref?(): unknown };
  reconnectTimeout?: NodeJS.Timeout | null;
}

/** What ioredis keeps on a cluster and does not type: its reconnection and slot-refresh timers. */
interface ClusterInternals {
  reconnectTimeout?: NodeJS.Timeout | null;
  slotsTimer?: NodeJS.Timeout | null;
}

function setRef(handle: { ref?(): unknown; unref?(): unknown } | null | undefined, ref: boolean): void {
  if (ref) handle?.ref?.();
  else handle?.unref?.();
}

function passwordOf(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === "" ? undefined : password;
  } catch {
    return undefined;
  }
}

function credentialsOf(url: string): { username?: string; password?: string; tls?: Record<string, never> } {
  try {
    const parsed = new URL(url);
    const out: { username?: string; password?: string; tls?: Record<string, never> } = {};
    if (parsed.username !== "") out.username = decodeURIComponent(parsed.username);
    if (parsed.password !== "") out.password = decodeURIComponent(parsed.password);
    if (parsed.protocol === "rediss:") out.tls = {};
    return out;
  } catch {
    return {};
  }
}

function describeClient(client: RedisClient): string {
  if ((client as Cluster).isCluster === true) {
    const nodes = (client as unknown as { startupNodes: unknown[] }).startupNodes;
    return `cluster ${nodes.map((n) => (typeof n === "string" ? redactUrl(n) : `${(n as { host?: string }).host}:${(n as { port?: number }).port}`)).join(",")}`;
  }
  const o = (client as Redis).options;
  return `${o.host ?? "127.0.0.1"}:${o.port ?? 6379}`;
}
