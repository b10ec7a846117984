import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@dictstore/testing";

/*
 * Real Node-RED runtimes for the tests: each is a separate `node-red` process (its own red.js, settings
 * file and user directory), started with the tsx loader so that the settings file and the node file
 * load this package's src (the monorepo maps @dictstore/* to src through tsconfig.json, so children
 * run in the repository root).
 */

const require = createRequire(import.meta.url);
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const tsxLoader = new URL("../../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const redJs = require.resolve("node-red/red.js");

/** The flow tab every runtime runs; its id is the flow scope of the context. */
export const FLOW_ID = "f1";
/** The function node whose node context the tests use. */
export const MEMO_NODE_ID = "memo";

function httpRoute(id: string, method: string, url: string, next: string): object[] {
  return [{ id: `in-${id}`, type: "http in", z: FLOW_ID, url, method, wires: [[next]] }];
}

/** The test flow: HTTP endpoints in front of a dictstore increment node and two function nodes. */
export function testFlows(storeUrl: string | undefined): object[] {
  const response = { id: "out", type: "http response", z: FLOW_ID, wires: [] };
  return [
    { id: FLOW_ID, type: "tab", label: "dictstore tests" },
    ...httpRoute("ready", "get", "/ready", "ready"),
    {
      id: "ready",
      type: "function",
      z: FLOW_ID,
      func: 'msg.payload = "ready"; return msg;',
      wires: [["out"]],
    },
    ...httpRoute("inc", "post", "/increment", "inc"),
    {
      id: "inc",
      type: "dictstore",
      z: FLOW_ID,
      url: storeUrl ?? "",
      store: "counts",
      operation: "increment",
      key: "hits",
      wires: [["out"]],
    },
    ...httpRoute("flow", "post", "/flow-roundtrip", "roundtrip"),
    {
      id: "roundtrip",
      type: "function",
      z: FLOW_ID,
      // Synchronous context calls: no callback, no await. A Promise or a throw here would fail the test.
      func: [
        'const before = flow.get("n") ?? 0;',
        'flow.set("n", before + 1);',
        'const after = flow.get("n");',
        "msg.payload = { before, after };",
        "return msg;",
      ].join("\n"),
      wires: [["out"]],
    },
    ...httpRoute("memo", "post", "/memo", MEMO_NODE_ID),
    {
      id: MEMO_NODE_ID,
      type: "function",
      z: FLOW_ID,
      func: [
        "if (msg.payload.set !== undefined) {",
        '  global.set("remembered", msg.payload.set);',
        '  flow.set("remembered.value", msg.payload.set);',
        '  context.set("remembered", [msg.payload.set]);',
        "}",
        'msg.payload = { global: global.get("remembered"), flow: flow.get("remembered"), node: context.get("remembered") };',
        "return msg;",
      ].join("\n"),
      wires: [["out"]],
    },
    { ...response },
  ];
}

/** A running Node-RED process. */
export interface Runtime {
  readonly port: number;
  readonly userDir: string;
  /** POSTs JSON to an endpoint of the test flow and resolves with the JSON answer. */
  post(path: string, body?: unknown): Promise<unknown>;
  /** Stops Node-RED the way a user does (SIGTERM: it closes its flows and context stores) and waits for the exit. */
  stop(): Promise<void>;
  /** Stops, then starts it again with the same user directory, flows and port. */
  restart(): Promise<Runtime>;
  output(): string;
}

export interface RuntimeOptions {
  readonly userDir: string;
  /** The context store's URL; `undefined` for the default (SQLite under the user directory). */
  readonly storeUrl: string | undefined;
  /** Seconds between refreshes of the context's local view (Redis). */
  readonly refreshInterval?: number;
  readonly port?: number;
}

function writeUserDir(options: RuntimeOptions, port: number): string {
  const { userDir } = options;
  const nodesDir = join(userDir, "nodes");
  mkdirSync(nodesDir, { recursive: true });
  // The package's editor file, beside a node file that loads src (Node-RED pairs x.js with x.html).
  // Node-RED loads <userDir>/nodes before the packages it finds in node_modules, so this src node wins
  // over the built @dictstore/node-red the monorepo's node_modules also offer (which then only logs
  // "dictstore already registered").
  copyFileSync(join(packageRoot, "nodes/dictstore.html"), join(nodesDir, "dictstore.html"));
  writeFileSync(
    join(nodesDir, "dictstore.js"),
    `module.exports = require(${JSON.stringify(join(packageRoot, "src/node/dictstore-node.ts"))}).dictstoreNode;\n`,
  );
  const config = {
    refreshInterval: options.refreshInterval ?? 0.2,
    ...(options.storeUrl ? { url: options.storeUrl } : {}),
  };
  writeFileSync(
    join(userDir, "settings.js"),
    `module.exports = {
  uiPort: ${port},
  uiHost: "127.0.0.1",
  userDir: ${JSON.stringify(userDir)},
  flowFile: "flows.json",
  httpAdminRoot: false,
  disableEditor: true,
  telemetry: { enabled: false },
  logging: { console: { level: "warn" } },
  contextStorage: {
    default: {
      module: require(${JSON.stringify(join(packageRoot, "src/context/context-store.ts"))}).contextStore,
      config: ${JSON.stringify(config)},
    },
  },
};
`,
  );
  writeFileSync(join(userDir, "flows.json"), JSON.stringify(testFlows(options.storeUrl), null, 2));
  return join(userDir, "settings.js");
}

async function request(port: number, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
}

/** Starts Node-RED and resolves once its flows answer HTTP. */
export async function startNodeRed(options: RuntimeOptions): Promise<Runtime> {
  const port = options.port ?? (await freePort());
  const settings = writeUserDir(options, port);
  const env = { ...process.env };
  // The default store must come from the settings, not from the environment of the test run.
  delete env.DICTSTORE_URL;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", tsxLoader, redJs, "--settings", settings, "--userDir", options.userDir],
    { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });

  // Ready when the flow answers: wait for the condition, with a generous deadline for a loaded machine.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (gone) throw new Error(`Node-RED exited before it was ready:\n${output}`);
    try {
      const answer = await request(port, "GET", "/ready");
      if (answer.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Node-RED did not answer on port ${port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const runtime: Runtime = {
    port,
    userDir: options.userDir,
    async post(path, body = {}) {
      const answer = await request(port, "POST", path, body);
      if (!answer.ok) throw new Error(`POST ${path}: HTTP ${answer.status} ${await answer.text()}`);
      return answer.json();
    },
    async stop() {
      if (!gone) child.kill("SIGTERM");
      const code = await exited;
      if (code !== 0) throw new Error(`Node-RED exited with ${code}:\n${output}`);
    },
    async restart() {
      await runtime.stop();
      return startNodeRed({ ...options, port });
    },
    output: () => output,
  };
  return runtime;
}

/** Runs the `dictstore` CLI (from src) and resolves with its standard output. */
export function dictstoreCli(args: readonly string[]): Promise<string> {
  const cli = join(repoRoot, "packages/cli/src/cli.ts");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", tsxLoader, cli, ...args],
      { cwd: repoRoot },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}
