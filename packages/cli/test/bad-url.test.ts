import { Readable } from "node:stream";
import { type CliIo, EXIT_CODES, runCli } from "@dictstore/cli";
import { describe, expect, it } from "vitest";
import { sink } from "./sink.ts";

// A bad backend URL is a usage error: exit code 2, one line on stderr, the password never shown,
// whether it comes from --url or from DICTSTORE_URL. No server is needed: nothing may connect.

const SECRET = "pa55-w0rd";

async function run(args: string[], env: Record<string, string> = {}) {
  const stdout = sink();
  const stderr = sink();
  const io: CliIo = { stdin: Readable.from([]), stdout: stdout.stream, stderr: stderr.stream, env, cwd: "/" };
  const code = await runCli(["node", "dictstore", ...args], io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const BAD_URLS = [
  "redis://127.0.0.1:6379/abc",
  `redis://user:${SECRET}@127.0.0.1:6379/abc`,
  `redis://:${SECRET}@127.0.0.1:0`,
  "redis://127.0.0.1:99999",
  `redis://u:${SECRET}@`,
  "redis://",
  "redis://127.0.0.1:6379/-3",
  "redis://127.0.0.1:6379?db=one",
  `mongodb://u:${SECRET}@127.0.0.1/x`,
  "redis+cluster://127.0.0.1:7000/5",
];

describe.each(BAD_URLS)("dictstore with the bad URL %s", (url) => {
  it.each([
    ["--url", (args: string[]) => run(["--url", url, ...args])],
    ["DICTSTORE_URL", (args: string[]) => run(args, { DICTSTORE_URL: url })],
  ])("given by %s exits 2 with a one-line message and no password", async (_how, runWith) => {
    for (const args of [["info"], ["keys"], ["get", "k"]]) {
      const result = await runWith(args);
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(EXIT_CODES.USAGE);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(/^error: /);
      expect(result.stderr).not.toContain(SECRET);
      expect(result.stdout).toBe("");
    }
  });
});
