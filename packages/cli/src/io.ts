import { once } from "node:events";
import type { Readable, Writable } from "node:stream";

/** The streams and environment a CLI run uses; `runCli` defaults them to the process's own. */
export interface CliIo {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where relative paths (and the default database) are resolved. */
  readonly cwd: string;
}

/** The current process's streams, environment and working directory. */
export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Writes a chunk and waits for the stream to drain when its buffer is full, so big outputs stay in flat memory. */
export async function writeChunk(stream: Writable, chunk: string): Promise<void> {
  if (stream.write(chunk)) return;
  await once(stream, "drain");
}
