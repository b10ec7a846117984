/*
 * The few parts of Node-RED's node API this package uses. Node-RED ships no types of its own, and
 * @types/node-red lags behind it, so they are declared here.
 */

/** A message flowing through a flow. */
export type NodeMessage = Record<string, unknown>;

/** A node instance, as `RED.nodes.createNode` makes it. */
export interface NodeInstance {
  readonly id: string;
  on(
    event: "input",
    handler: (msg: NodeMessage, send: (msg: NodeMessage) => void, done: (error?: unknown) => void) => void,
  ): void;
  on(event: "close", handler: (removed: boolean, done: () => void) => void): void;
  error(error: unknown, msg?: NodeMessage): void;
  status(status: { fill?: string; shape?: string; text?: string }): void;
}

/** The `RED` object handed to a node module. */
export interface NodeApi {
  readonly nodes: {
    createNode(node: object, config: object): void;
    registerType(type: string, nodeConstructor: (this: NodeInstance, config: never) => void): void;
  };
  readonly settings: { readonly userDir?: string };
  readonly util: {
    getMessageProperty(msg: NodeMessage, expression: string): unknown;
    setMessageProperty(
      msg: NodeMessage,
      expression: string,
      value: unknown,
      createMissing?: boolean,
    ): boolean;
  };
}
