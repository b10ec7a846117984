import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { type CliIo, EXIT_CODES, runCli } from "@dictstore/cli";
import { close, createAsyncStore, isStoreError, openStore } from "@dictstore/core";
import { type RedisServer, startRedisCluster, startRedisServer, waitFor } from "@dictstore/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { repoRoot, tempDir, tsxLoader } from "./sqlite-support.ts";

/*
 * A Redis-backed script ends like an SQLite-backed one: each case runs a real child process against
 * a private redis-server (healthy, killed or SIGSTOPped) and checks how it exits, what it says on
 * stderr and what Redis holds afterwards. A child that does not exit on its own is killed after
 * HANG_MS and the test fails: hanging is the bug these tests exist for.
 */

const fixture = fileURLToPath(new URL("./fixtures/exit-child.ts", import.meta.url));
/** Far above the 5 s operation deadline: only a process that hangs gets near it. */
const HANG_MS = 30_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  hung: boolean;
}

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout (or stderr) holds `text`; rejects if the child exits first. */
  waitFor(text: string, stream?: "stdout" | "stderr"): Promise<void>;
  readonly exited: Promise<Exit>;
}

function startChild(mode: string, url: string, store: string): Child {
  return startScript(fixture, [mode, url, store]);
}

/** Runs a TypeScript file under tsx with the repo's path mapping (so @dictstore/* is the source). */
function startScript(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Child {
  const child = spawn(process.execPath, ["--import", tsxLoader, file, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env, TSX_TSCONFIG_PATH: join(repoRoot, "tsconfig.json") },
  });
  let out = "";
  let err = "";
  let hung = false;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
    changed();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
    changed();
  });
  const timer = setTimeout(() => {
    hung = true;
    child.kill("SIGKILL");
  }, HANG_MS);
  const exited = new Promise<Exit>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, hung });
    });
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(text, stream = "stdout") {
      return new Promise((resolve, reject) => {
        const check = () => {
          if ((stream === "stdout" ? out : err).includes(text)) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        check();
        void exited.then(() =>
          reject(new Error(`the child exited before printing "${text}":\n${out}\n${err}`)),
        );
      });
    },
  };
}

/** What a store holds, read with a fresh client. */
async function readStore(
  url: string,
  name: string,
  keys: readonly string[],
): Promise<Record<string, unknown>> {
  const store = createAsyncStore({ url, name });
  try {
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = await store.get(key);
    return out;
  } finally {
    await close(store);
  }
}

/** A server of this test's own, for cases that kill or stop it. */
async function privateServer(): Promise<RedisServer> {
  const server = await startRedisServer();
  onTestFinished(() => server.stop());
  return server;
}

/**
 * A store that exists on `server` already: the child's commit is then the one script call that
 * writes (a first write to a new store would start with a directory lookup, a read, and a read that
 * goes unanswered is "not committed", rightly).
 */
async function existingStore(server: RedisServer): Promise<string> {
  const name = storeName();
  const store = createAsyncStore({ url: server.url, name });
  await store.set("seed", 0);
  await close(store);
  return name;
}

/**
 * Starts `mode` on an existing store of a private server, waits until the script opened it, does
 * `fault` to the server (SIGSTOP is undone when the server stops), then lets the script go on.
 */
async function afterFault(mode: string, fault: "SIGKILL" | "SIGSTOP") {
  const server = await privateServer();
  const name = await existingStore(server);
  const child = startChild(mode, server.url, name);
  await child.waitFor("opened");
  await server.kill(fault);
  child.process.stdin.write("go\n");
  return { server, name, child };
}

const storeName = () => `exit-${randomUUID().slice(0, 8)}`;

let shared: RedisServer;
beforeAll(async () => {
  shared = await startRedisServer();
}, 30_000);
afterAll(() => shared?.stop());

describe("a script on a healthy Redis", () => {
  it("openStore, writes, end of script: exits 0 on its own with the writes committed", async () => {
    const name = storeName();
    const child = startChild("view-end", shared.url, name);
    const exit = await child.exited;
    expect(exit, child.stderr()).toEqual({ code: 0, signal: null, hung: false });
    expect(child.stderr()).toBe("");
    expect(await readStore(shared.url, name, ["a", "b"])).toEqual({ a: 1, b: { n: [1, 2] } });
  });

  it("createAsyncStore, an awaited and an unawaited set: exits 0 on its own, both committed", async () => {
    const name = storeName();
    const child = startChild("async-end", shared.url, name);
    expect(await child.exited, child.stderr()).toEqual({ code: 0, signal: null, hung: false });
    expect(await readStore(shared.url, name, ["a", "b"])).toEqual({ a: 1, b: 2 });
  });

  it("a write then an uncaught throw: the commit in flight is reported as outcome unknown, never as not committed", async () => {
    const name = storeName();
    const child = startChild("view-throw", shared.url, name);
    const exit = await child.exited;
    expect(exit.hung).toBe(false);
    expect(exit.code).not.toBe(0);
    expect(child.stderr()).toContain("boom after a write");
    expect(child.stderr()).toMatch(/store "exit-[^"]+" \(redis\): outcome unknown for 1 key\(s\) "a"/);
    expect(child.stderr()).not.toMatch(/not committed|never committed/);
  });

  it("a write then process.exit(0) before the commit is answered: outcome unknown, exit code 1", async () => {
    const name = storeName();
    const child = startChild("view-exit", shared.url, name);
    const exit = await child.exited;
    expect(exit).toEqual({ code: 1, signal: null, hung: false });
    expect(child.stderr()).toMatch(/outcome unknown for 1 key\(s\) "a"/);
    expect(child.stderr()).not.toMatch(/not committed|never committed/);
  });

  it("SIGTERM with nothing buffered does what SIGTERM does by default", async () => {
    const child = startChild("flush-linger", shared.url, storeName());
    await child.waitFor("opened");
    child.process.stdin.write("go\n");
    await child.waitFor("flushed");
    child.process.kill("SIGTERM");
    expect(await child.exited).toEqual({ code: null, signal: "SIGTERM", hung: false });
    expect(child.stderr()).toBe("");
  });

  it("a script's own SIGTERM handler is respected", async () => {
    const child = startChild("own-handler", shared.url, storeName());
    await child.waitFor("opened");
    child.process.stdin.write("go\n");
    await child.waitFor("wrote");
    child.process.kill("SIGTERM");
    expect(await child.exited).toEqual({ code: 0, signal: null, hung: false });
    expect(child.stdout()).toContain("mine");
  });
});

describe("a script whose Redis was killed", () => {
  it("a write at the end: exits non-zero on its own within the deadline, naming the key as not committed", async () => {
    const { name, child } = await afterFault("view-wait", "SIGKILL");
    const exit = await child.exited;
    expect(exit.hung).toBe(false);
    expect(exit.code).toBe(1);
    expect(child.stderr()).toMatch(
      new RegExp(
        `store "${name}" \\(redis\\): not committed: 1 key\\(s\\) "k"\\. Cause: BACKEND_UNAVAILABLE`,
      ),
    );
    expect(child.stderr()).not.toContain("outcome unknown");
  });

  it("no write: the connection trying to reconnect does not keep the process alive (exit 0, silent)", async () => {
    const { child } = await afterFault("read-wait", "SIGKILL");
    expect(await child.exited).toEqual({ code: 0, signal: null, hung: false });
    expect(child.stdout()).toContain("read 0");
    expect(child.stderr()).toBe("");
  });

  it("close() that rejects still releases everything: the script goes on and exits on its own", async () => {
    const { child } = await afterFault("close-fails", "SIGKILL");
    expect(await child.exited).toEqual({ code: 0, signal: null, hung: false });
    expect(child.stdout()).toContain("close rejected BACKEND_UNAVAILABLE");
    expect(child.stdout()).toContain("backend after close: CLOSED");
    // The error went to the caller, who handled it: no second report at exit.
    expect(child.stderr()).toBe("");
  });

  it("SIGTERM to a worker holding a write Redis refused: exits 143, naming the key as not committed", async () => {
    const { name, child } = await afterFault("view-linger", "SIGKILL");
    await child.waitFor("wrote");
    child.process.kill("SIGTERM");
    const exit = await child.exited;
    expect(exit).toEqual({ code: 143, signal: null, hung: false });
    expect(child.stderr()).toMatch(/exiting \(SIGTERM\)/);
    expect(child.stderr()).toMatch(
      new RegExp(`store "${name}" \\(redis\\): not committed: 1 key\\(s\\) "k"`),
    );
  });
});

describe("a script whose Redis is stopped (SIGSTOP: connected, never answering)", () => {
  it("a write at the end: exits 1 on its own within the deadline, naming the key as outcome unknown; the write lands once Redis resumes", async () => {
    const { server, name, child } = await afterFault("view-wait", "SIGSTOP");
    const exit = await child.exited;
    await server.kill("SIGCONT");
    expect(exit.hung).toBe(false);
    expect(exit.code).toBe(1);
    expect(child.stderr()).toMatch(
      new RegExp(`store "${name}" \\(redis\\): outcome unknown for 1 key\\(s\\) "k".*Cause: UNKNOWN_OUTCOME`),
    );
    expect(child.stderr()).not.toMatch(/not committed/);
    // "Unknown" was the truth: the commit had reached Redis, which applies it when it resumes.
    await waitFor(async () => (await readStore(server.url, name, ["k"])).k === "v", 10_000, "the write");
  });

  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)(
    "%s while the commit is unanswered: flushes within the deadline, then exits %i",
    async (signal, code) => {
      const { server, child } = await afterFault("view-linger", "SIGSTOP");
      await child.waitFor("wrote");
      child.process.kill(signal);
      const exit = await child.exited;
      await server.kill("SIGCONT");
      expect(exit).toEqual({ code, signal: null, hung: false });
      expect(child.stderr()).toMatch(new RegExp(`exiting \\(${signal}\\)`));
      expect(child.stderr()).toMatch(/outcome unknown for 1 key\(s\) "k"/);
    },
  );

  it("SIGTERM while the commit is unanswered, Redis resuming before the deadline: the write commits, exit 143, nothing reported lost", async () => {
    const { server, name, child } = await afterFault("patient-linger", "SIGSTOP");
    await child.waitFor("wrote");
    child.process.kill("SIGTERM");
    // The child says it is committing before it exits: only then may Redis answer. (Its calls wait
    // up to 2 minutes, so what bounds this test is the 5 s the exit gives the commit, not speed.)
    await child.waitFor("SIGTERM: committing the buffered writes of 1 store(s)", "stderr");
    await server.kill("SIGCONT");
    expect(await child.exited).toEqual({ code: 143, signal: null, hung: false });
    expect(child.stderr()).not.toMatch(/not committed|outcome unknown/);
    expect(await readStore(server.url, name, ["k"])).toEqual({ k: "v" });
  });
});

describe("a database index the server does not have", () => {
  it("is INVALID_ARGUMENT from openStore and createAsyncStore (catchable), and exit code 2 from the CLI", async () => {
    const url = `redis://:pw-${randomUUID()}@127.0.0.1:${shared.port}/99`;
    const secret = new URL(url).password;
    const opened = await openStore({ url }).catch((error: unknown) => error);
    expect(isStoreError(opened, "INVALID_ARGUMENT"), String(opened)).toBe(true);
    const store = createAsyncStore({ url });
    const read = await store.get("k").catch((error: unknown) => error);
    expect(isStoreError(read, "INVALID_ARGUMENT"), String(read)).toBe(true);
    await close(store);
    const stderr: string[] = [];
    const io: CliIo = {
      stdin: Readable.from([]),
      stdout: new Writable({ write: (_c, _e, done) => done() }),
      stderr: new Writable({
        write: (chunk: Buffer, _e, done) => {
          stderr.push(chunk.toString("utf8"));
          done();
        },
      }),
      env: {},
      cwd: repoRoot,
    };
    expect(await runCli(["node", "dictstore", "--url", url, "keys"], io)).toBe(EXIT_CODES.USAGE);
    expect(stderr.join("").trimEnd().split("\n")).toHaveLength(1);
    expect(stderr.join("")).not.toContain(secret);
  });
});

describe("a script on Redis Cluster", () => {
  it("openStore and createAsyncStore over redis+cluster://: exit 0 on their own, writes committed", async () => {
    const cluster = await startRedisCluster();
    onTestFinished(() => cluster.stop());
    const url = `redis+cluster://${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(",")}`;
    for (const mode of ["view-end", "async-end"]) {
      const name = storeName();
      const child = startChild(mode, url, name);
      expect(await child.exited, `${mode}: ${child.stderr()}`).toEqual({
        code: 0,
        signal: null,
        hung: false,
      });
      expect(await readStore(url, name, ["a"])).toEqual({ a: 1 });
    }
  });
});

/** The first ```ts block of a README that contains `marker`. */
function readmeSample(readme: string, marker: string): string {
  const text = readFileSync(join(repoRoot, readme), "utf8");
  const block = [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .find((code) => code.includes(marker));
  if (block === undefined) throw new Error(`${readme} has no ts sample with ${marker}`);
  return block;
}

/** Writes a sample into a fresh directory (as .mts: ESM, top-level await) and runs it there. */
function runSample(code: string, env: NodeJS.ProcessEnv = {}): Child {
  const dir = tempDir();
  const file = join(dir, "sample.mts");
  writeFileSync(file, code);
  return startScript(file, [], { cwd: dir, env });
}

describe("the README samples on Redis exit on their own", () => {
  it("README.md's first sample, with a redis:// URL", async () => {
    const url = `${shared.url}/0`;
    const sample = readmeSample("README.md", "openStore(");
    const code = sample.replace(/url: "[^"]*"/, `url: ${JSON.stringify(url)}`);
    const child = runSample(code, { DICTSTORE_URL: url });
    expect(await child.exited, child.stderr()).toEqual({ code: 0, signal: null, hung: false });
    // The sample counts with increment() in the store it names: the count is in Redis.
    const name = /name: "([^"]+)"/.exec(sample)?.[1];
    const counter = /increment\("([^"]+)"\)/.exec(sample)?.[1] as string;
    const store = createAsyncStore({ url, ...(name === undefined ? {} : { name }) });
    try {
      expect(await store.get(counter)).toBe(1);
    } finally {
      await close(store);
    }
  });

  it("the workflow README's sample, with DICTSTORE_URL=redis://…, run twice", async () => {
    const server = await privateServer();
    const sample = readmeSample("packages/workflow/README.md", "runStep(");
    for (const expected of [1, 2]) {
      const child = runSample(sample, { DICTSTORE_URL: server.url });
      expect(await child.exited, child.stderr()).toEqual({ code: 0, signal: null, hung: false });
      expect(child.stdout()).toMatch(new RegExp(`^${expected}\\b`));
    }
    expect(await readStore(server.url, "counts", ["counter"])).toEqual({ counter: 2 });
  });
});
