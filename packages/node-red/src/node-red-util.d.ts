// The parts of Node-RED's own utility package this package uses (it ships no types).
declare module "@node-red/util" {
  interface NodeRedUtil {
    /** Splits `a.b[0]["c"]` into `["a", "b", 0, "c"]`; throws an error with code `INVALID_EXPR`. */
    normalisePropertyExpression(expression: string): Array<string | number>;
    getObjectProperty(target: object, expression: string): unknown;
    setObjectProperty(target: object, expression: string, value: unknown, createMissing?: boolean): boolean;
  }
  interface NodeRedLog {
    warn(message: string): void;
    error(message: string): void;
  }
  const nodeRedUtil: { util: NodeRedUtil; log: NodeRedLog };
  export default nodeRedUtil;
}
