import type { startDashboard } from "@dictstore/dashboard";
import { type Command, Option } from "commander";
import { portNumber, type Run } from "../command-kit.ts";
import type { CommandContext } from "../context.ts";
import { CliError } from "../exit-codes.ts";

const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]", "localhost"]);

interface DashboardOptions {
  host?: string;
  port?: number;
  readOnly?: boolean;
}

// Loaded only by this command, so the other commands never pay for the web server.
async function loadDashboard(): Promise<typeof startDashboard> {
  try {
    return (await import("@dictstore/dashboard")).startDashboard;
  } catch (cause) {
    throw new CliError(
      "ERROR",
      `The dashboard is not available: @dictstore/dashboard could not be loaded (${(cause as Error).message}). Install it beside @dictstore/cli.`,
      { cause },
    );
  }
}

/** Registers `dashboard`: starts the web dashboard on this backend and prints its URL (with the login token). */
export function registerDashboardCommand(program: Command, run: Run): void {
  program
    .command("dashboard")
    .description("start the web dashboard and print its URL (stop it with Ctrl-C)")
    .option(
      "--host <host>",
      "the address to listen on (other than loopback needs care: see the README)",
      "127.0.0.1",
    )
    .addOption(new Option("--port <port>", "the port (0: any free one)").argParser(portNumber))
    .option("--read-only", "refuse every change")
    .action(run(dashboardCommand));
}

async function dashboardCommand(ctx: CommandContext, options: DashboardOptions): Promise<void> {
  const startDashboard = await loadDashboard();
  const backend = await ctx.backend();
  const dashboard = await startDashboard({
    backend,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    readOnly: options.readOnly === true,
  });
  const { output } = ctx;
  if (!LOOPBACK.has(options.host ?? "127.0.0.1")) {
    output.note(
      output.err.yellow(
        `warning: listening on ${options.host}, beyond this machine. Anyone who gets the link can read${options.readOnly === true ? "" : " and change"} the data.`,
      ),
    );
  }
  await output.result({ url: dashboard.url, readOnly: options.readOnly === true }, () =>
    [
      `${output.out.bold("dictstore dashboard")} on ${ctx.displayUrl}${options.readOnly === true ? " (read-only)" : ""}`,
      `Open: ${output.out.cyan(dashboard.url)}`,
      output.out.dim(
        "The link holds a per-launch login token (valid until this dashboard stops): do not share it. Press Ctrl-C to stop.",
      ),
    ].join("\n"),
  );
  await untilSignal();
  await dashboard.close();
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
