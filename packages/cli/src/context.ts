import { type AsyncDataStore, type Backend, createAsyncStore } from "@dictstore/core";
import type { CliIo } from "./io.ts";
import { openBackend, resolveUrl } from "./open-backend.ts";
import { Output } from "./output.ts";
import { redactUrl, secretsOf } from "./redact.ts";

/** The options every command accepts (declared on the program). */
export interface GlobalOptions {
  url?: string;
  json?: boolean;
}

/** What a command runs with: its output, and the backend opened on first use and disposed of at the end. */
export class CommandContext {
  readonly output: Output;
  /** The backend URL in use (it may hold a password: print `displayUrl` instead). */
  readonly url: string;
  private opened: Promise<Backend> | undefined;

  constructor(
    readonly io: CliIo,
    options: GlobalOptions,
  ) {
    this.url = resolveUrl(options.url, io.env, io.cwd);
    this.output = new Output(io, options.json === true, secretsOf(this.url));
  }

  /** The URL with its password masked. */
  get displayUrl(): string {
    return redactUrl(this.url);
  }

  /** The backend, opened once. */
  backend(): Promise<Backend> {
    this.opened ??= openBackend(this.url, this.io.cwd);
    return this.opened;
  }

  /** The all-async store `name`: every read and write goes through the public API (key checks, encoding, limits). */
  async store(name: string): Promise<AsyncDataStore> {
    return createAsyncStore({ backend: await this.backend(), name });
  }

  /** Releases the backend (connections, files) if it was opened. */
  async dispose(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (opened === undefined) return;
    const backend = await opened.catch(() => undefined);
    await backend?.dispose?.();
  }
}
