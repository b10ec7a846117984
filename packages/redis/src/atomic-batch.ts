import type { Cluster, Command, Redis } from "ioredis";

/** One Redis command: its name and its arguments. */
export type BatchCommand = readonly [name: string, args: (string | number)[]];

/** ioredis' Command class (taken from the loaded module: ioredis is imported lazily). */
export type CommandClass = typeof Command;

const noop = () => {};
/** The options of a command without a key prefix: string replies. */
const UTF8 = { replyEncoding: "utf8" } as const;

/**
 * Runs commands as one MULTI/EXEC transaction (all in one cluster slot) and resolves to their
 * replies; an error reply of any of them rejects. On a single node, MULTI, the commands and EXEC
 * leave in one socket write (the stream is corked while they are queued), as bare commands:
 * ioredis' own `multi()` builds a pipeline object per call, and its command methods add a layer
 * per command, which together cost more client time than Redis spends on the transaction.
 */
export async function execAtomically(
  client: Redis | Cluster,
  commands: readonly BatchCommand[],
  CommandClass: CommandClass,
): Promise<unknown[]> {
  if ((client as Cluster).isCluster === true) return viaPipeline(client as Cluster, commands);
  const node = client as Redis;
  const keyPrefix = node.options.keyPrefix;
  // What ioredis' command methods pass: string replies, and the client's key prefix, if any.
  const options = keyPrefix === undefined ? UTF8 : { replyEncoding: "utf8" as const, keyPrefix };
  const stream = node.stream;
  stream.cork();
  const queued: Promise<unknown>[] = [];
  let exec: Promise<unknown>;
  try {
    // MULTI and each command answer OK / QUEUED; their failures also fail EXEC, so only EXEC's
    // promise is awaited (theirs are kept from going unhandled, and read when EXEC fails).
    const Queued = untimed(CommandClass);
    queued.push(send(node, new Queued("multi", [], options)));
    for (const [name, args] of commands) queued.push(send(node, new Queued(name, args, options)));
    exec = send(node, new CommandClass("exec", [], options));
  } finally {
    stream.uncork();
  }
  for (const reply of queued) reply.catch(noop);
  let replies: unknown;
  try {
    replies = await exec;
  } catch (error) {
    // EXECABORT says only that a command was refused while queued: its own error says why (e.g.
    // OOM: under maxmemory, Redis refuses every command queued in a MULTI, reads included). Their
    // replies came before EXEC's, so they have settled; after any other failure (a timeout) they
    // may never settle, so they are not waited for.
    if (!/^EXECABORT/.test((error as Error).message)) throw error;
    throw (await firstRefusal(queued)) ?? error;
  }
  // A null EXEC reply means an aborted transaction: impossible without WATCH, but never read as data.
  if (!Array.isArray(replies)) throw new Error("EXECABORT transaction aborted");
  for (const reply of replies) if (reply instanceof Error) throw reply;
  return replies;
}

// --- internal ---

const untimedClasses = new WeakMap<CommandClass, CommandClass>();

/**
 * The Command class without a timeout of its own, for MULTI and the queued commands: EXEC's timeout
 * (the client's commandTimeout) bounds the whole transaction, whose replies arrive in order. Each
 * timeout is a timer set and cleared per command; one per transaction is enough.
 */
function untimed(CommandClass: CommandClass): CommandClass {
  let Untimed = untimedClasses.get(CommandClass);
  if (Untimed === undefined) {
    Untimed = class UntimedCommand extends CommandClass {
      override setTimeout(): void {}
    };
    untimedClasses.set(CommandClass, Untimed);
  }
  return Untimed;
}

/** Queues a command on the node (written at once, or at uncork) and gives its reply. */
function send(node: Redis, command: Command): Promise<unknown> {
  node.sendCommand(command);
  return command.promise;
}

/** The error of the first queued command that was refused, if any (all have settled). */
async function firstRefusal(queued: readonly Promise<unknown>[]): Promise<unknown> {
  for (const reply of queued) {
    try {
      await reply;
    } catch (error) {
      return error;
    }
  }
  return undefined;
}

/** A cluster routes the transaction to its slot's node through ioredis' pipeline. */
async function viaPipeline(client: Cluster, commands: readonly BatchCommand[]): Promise<unknown[]> {
  const results = await client.multi(commands.map(([name, args]) => [name, ...args])).exec();
  if (results === null) throw new Error("EXECABORT transaction aborted");
  return results.map(([error, reply]) => {
    if (error !== null) throw error;
    return reply;
  });
}
