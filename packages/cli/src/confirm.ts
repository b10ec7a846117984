import { createInterface } from "node:readline";
import { CliError } from "./exit-codes.ts";
import type { Output } from "./output.ts";
import { displayName } from "./text.ts";

/** What a destructive command asks before it runs. */
export interface ConfirmRequest {
  /** What will happen, e.g. `delete store "orders" and its 12 keys`. */
  readonly action: string;
  /** The text the user must type: the store's name. */
  readonly expected: string;
  /** `--yes` was given: do not ask. */
  readonly yes: boolean;
}

/**
 * Asks the user to type the store's name before a destructive action. Without a terminal there is
 * nobody to ask: the command is refused unless `--yes` was given (reliability.md §5 item 12).
 */
export async function confirmDestructive(output: Output, request: ConfirmRequest): Promise<void> {
  if (request.yes) return;
  const { stdin, stderr } = output.io;
  if (stdin.isTTY !== true || stderr.isTTY !== true) {
    throw new CliError(
      "NOT_CONFIRMED",
      `Refusing to ${request.action} without confirmation: there is no terminal to ask. Pass --yes to confirm.`,
    );
  }
  const style = output.err;
  const typed = await ask(
    output,
    `${style.yellow("This will")} ${request.action}. ${style.bold("It cannot be undone.")}\nType the store name ${style.bold(displayName(request.expected))} to confirm: `,
  );
  if (typed !== request.expected) {
    throw new CliError("NOT_CONFIRMED", `The name typed does not match; nothing was done.`);
  }
}

function ask(output: Output, question: string): Promise<string | undefined> {
  const rl = createInterface({ input: output.io.stdin, output: output.io.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.once("close", () => {
      if (!answered) resolve(undefined);
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}
