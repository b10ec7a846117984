import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { beforeAll, describe, expect, it } from "vitest";
import { useCliSuite } from "./cli-helpers.ts";

// End to end: `dictstore dashboard` starts the web dashboard on the CLI's backend, prints its URL
// (with the launch token) and stops cleanly on Ctrl-C. The dashboard's own behaviour is tested in
// packages/dashboard; here only the command's wiring is.

const suite = useCliSuite();
const { ds } = suite;

beforeAll(async () => {
  expect((await ds(["set", "greeting", '"hi"', "--store", "web"])).code).toBe(0);
});

interface Launched {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** Resolves when stdout matches `pattern` (fails after 30 s or if the command exits first). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
}

/** Starts `dictstore dashboard …` as a long-running child. */
function launch(args: string[]): Launched {
  const child = spawn(process.execPath, [suite.cli.entry, "dashboard", ...args], {
    env: { ...process.env, DICTSTORE_URL: suite.workspace.url, FORCE_COLOR: "", NO_COLOR: "1" },
    stdio: "pipe",
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const deadline = Date.now() + 30_000;
      const poll = () => {
        const match = pattern.exec(stdout);
        if (match !== null) return resolve(match);
        if (child.exitCode !== null)
          return reject(new Error(`exited with ${child.exitCode}; stderr: ${stderr}`));
        if (Date.now() > deadline) return reject(new Error(`no ${pattern} in 30 s; stdout: ${stdout}`));
        setTimeout(poll, 25);
      };
      poll();
    });
  return { child, exited, waitFor };
}

describe("dictstore dashboard", () => {
  it("prints a tokenized loopback URL, serves the CLI's backend, and stops on SIGINT", async () => {
    const { child, exited, waitFor } = launch(["--json"]);
    try {
      const [line] = await waitFor(/^.*\n/);
      const { url } = JSON.parse(line) as { url: string };
      const parsed = new URL(url);
      expect(parsed.hostname).toBe("127.0.0.1");
      const token = parsed.searchParams.get("token") ?? "";
      expect(token.length).toBeGreaterThanOrEqual(22);

      const api = `${parsed.origin}/api/stores`;
      expect((await fetch(api)).status).toBe(401);
      const response = await fetch(api, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(JSON.stringify(await response.json())).toContain('"web"');
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
  });

  it("--read-only is passed through; text mode prints the URL to open", async () => {
    const { child, exited, waitFor } = launch(["--read-only", "--port", "0"]);
    try {
      const [, url] = await waitFor(/Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/);
      // The token lasts as long as this launch (it is no one-time token): the notice says so.
      const [notice] = await waitFor(/The link holds .*/);
      expect(notice).toContain("per-launch");
      expect(notice).not.toMatch(/one-time/i);
      const parsed = new URL(url as string);
      const token = parsed.searchParams.get("token") ?? "";
      const info = await fetch(`${parsed.origin}/api/info`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(await info.json()).toMatchObject({ backend: "sqlite", readOnly: true });
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
  });

  it("a bad port is a usage error", async () => {
    const run = await ds(["dashboard", "--port", "70000"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("expected a port");
  });
});
