import { StoreError } from "@dictstore/core";
import type { NodeApi, NodeInstance, NodeMessage } from "./node-red-types.ts";
import { isOperation, type OperationInput, runOperation } from "./operations.ts";
import { leaseStore } from "./store-pool.ts";

/** The properties of a dictstore node, as the editor saves them (see nodes/dictstore.html). */
export interface DictstoreNodeConfig {
  /** The dictstore URL; blank for `DICTSTORE_URL`, else SQLite under Node-RED's user directory. */
  url?: string;
  /** The named store. @default "default" */
  store?: string;
  operation?: string;
  /** The key (a prefix for `keys`); blank to take it from `msg.topic`. */
  key?: string;
  /** The message property holding the value to write. @default "payload" */
  value?: string;
  /** Seconds to live for `set` and `setIfAbsent`; blank for none; `msg.ttl` overrides it. */
  ttl?: string | number;
  /** What `increment` adds; `msg.by` overrides it. @default 1 */
  by?: string | number;
  /** The message property the result goes to. @default "payload" */
  output?: string;
}

function optionalNumber(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const number = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(number)) {
    throw new StoreError(
      "INVALID_ARGUMENT",
      `[@dictstore/node-red] ${what} must be a number, got ${JSON.stringify(value)}.`,
    );
  }
  return number;
}

function keyOf(config: DictstoreNodeConfig, msg: NodeMessage): string | undefined {
  const configured = config.key?.trim();
  if (configured !== undefined && configured !== "") return configured;
  const topic = msg.topic;
  return typeof topic === "string" || typeof topic === "number" ? String(topic) : undefined;
}

/** The Node-RED module function: registers the `dictstore` node type. */
export function dictstoreNode(RED: NodeApi): void {
  function DictstoreNode(this: NodeInstance, config: DictstoreNodeConfig): void {
    RED.nodes.createNode(this, config);
    const operation = config.operation ?? "get";
    const lease = leaseStore(
      { url: config.url, userDir: RED.settings.userDir },
      config.store?.trim() || "default",
    );
    const valueProperty = config.value?.trim() || "payload";
    const outputProperty = config.output?.trim() || "payload";

    this.on("input", (msg, send, done) => {
      const handle = async () => {
        if (!isOperation(operation)) {
          throw new StoreError(
            "INVALID_ARGUMENT",
            `[@dictstore/node-red] Unknown operation ${JSON.stringify(operation)}.`,
          );
        }
        const input: OperationInput = {
          key: keyOf(config, msg),
          value: RED.util.getMessageProperty(msg, valueProperty),
          ttl: optionalNumber(msg.ttl ?? config.ttl, "ttl"),
          by: optionalNumber(msg.by ?? config.by, "by") ?? 1,
        };
        const result = await runOperation(await lease.store(), operation, input);
        RED.util.setMessageProperty(msg, outputProperty, result, true);
        send(msg);
      };
      handle().then(
        () => done(),
        (error: unknown) => done(error),
      );
    });

    this.on("close", (_removed, done) => {
      lease.release().then(done, (error: unknown) => {
        this.error(error);
        done();
      });
    });
  }
  RED.nodes.registerType("dictstore", DictstoreNode as (this: NodeInstance, config: never) => void);
}
