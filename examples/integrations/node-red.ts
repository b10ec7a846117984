import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { close, createAsyncStore, storeUrlFromEnv } from "@dictstore/core";

/*
 * Node-RED with dictstore, embedded in this script so it runs on its own and exits:
 *   - the context store: `flow.set/get` in a function node, synchronous, kept in dictstore;
 *   - the `dictstore` node: an atomic `increment` of an order counter.
 * Ten orders are posted at once; the counter counts all ten, and a second run continues from there.
 *
 *   pnpm build && pnpm exec tsx examples/integrations/node-red.ts
 *   DICTSTORE_URL=redis://127.0.0.1:6380 pnpm exec tsx examples/integrations/node-red.ts
 *
 * It needs the built package (`pnpm build`), because Node-RED loads it the way it loads any
 * installed node package: from the user directory's node_modules.
 */

const require = createRequire(import.meta.url);
const packageDir = fileURLToPath(new URL("../../packages/node-red", import.meta.url));
if (!existsSync(join(packageDir, "dist/index.cjs"))) {
  console.error("This example loads the built @dictstore/node-red: run `pnpm build` first.");
  process.exit(1);
}

const url = storeUrlFromEnv();
// A fresh Node-RED user directory with the package "installed" in it (what `npm install` would do).
const userDir = mkdtempSync(join(tmpdir(), "dictstore-node-red-example-"));
mkdirSync(join(userDir, "node_modules/@dictstore"), { recursive: true });
symlinkSync(packageDir, join(userDir, "node_modules/@dictstore/node-red"), "dir");

const flows = [
  { id: "shop", type: "tab", label: "shop" },
  { id: "order-in", type: "http in", z: "shop", url: "/order", method: "post", wires: [["count"]] },
  // The atomic counter: Node-RED's own flow.get + flow.set would lose updates under concurrency.
  {
    id: "count",
    type: "dictstore",
    z: "shop",
    url,
    store: "node-red-example",
    operation: "increment",
    key: "orders",
    output: "orders",
    wires: [["remember"]],
  },
  {
    id: "remember",
    type: "function",
    z: "shop",
    // Plain synchronous context calls, now persistent (and shared between instances on Redis).
    func: 'flow.set("lastOrder", msg.payload.id);\nmsg.payload = { orders: msg.orders, lastOrder: flow.get("lastOrder") };\nreturn msg;',
    wires: [["order-out"]],
  },
  { id: "order-out", type: "http response", z: "shop", wires: [] },
];

writeFileSync(join(userDir, "flows.json"), JSON.stringify(flows));

const RED = require("node-red") as {
  init(server: unknown, settings: object): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpNode: (req: unknown, res: unknown) => void;
  events: { once(event: string, listener: () => void): void };
};
const server = createServer((req, res) => RED.httpNode(req, res));
RED.init(server, {
  userDir,
  flowFile: "flows.json",
  credentialSecret: false,
  httpAdminRoot: false,
  disableEditor: true,
  telemetry: { enabled: false },
  logging: { console: { level: "warn" } },
  // The snippet of the README: every flow/global context call goes to dictstore.
  contextStorage: {
    default: { module: require("@dictstore/node-red/context"), config: { url } },
  },
});

try {
  // start() resolves before the flows run: wait for Node-RED's own "flows started" event.
  const flowsStarted = new Promise<void>((resolve) => RED.events.once("flows:started", resolve));
  await RED.start();
  await flowsStarted;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  console.log(`Node-RED is running its flow on ${url}; posting 10 orders at once...`);
  const answers = await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const response = await fetch(`http://127.0.0.1:${port}/order`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: `order-${i + 1}` }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      return (await response.json()) as { orders: number; lastOrder: string };
    }),
  );
  const counts = answers.map((answer) => answer.orders).sort((a, b) => a - b);
  console.log(`The increment node answered ${counts.join(", ")}: no update lost.`);

  const orders = createAsyncStore({ url, name: "node-red-example" });
  console.log(`Store "node-red-example" now holds orders = ${await orders.get("orders")}.`);
  await close(orders);
} finally {
  await RED.stop();
  server.close();
  rmSync(userDir, { recursive: true, force: true });
}

// The context went to the store "node-red", under readable keys (`dictstore keys --store node-red`).
const context = createAsyncStore({ url, name: "node-red" });
console.log(
  `flow context in store "node-red": shop/lastOrder = ${JSON.stringify(await context.get("shop/lastOrder"))}`,
);
await close(context);
