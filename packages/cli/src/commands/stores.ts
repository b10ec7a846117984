import type { Command } from "commander";
import { type Run, yesOption } from "../command-kit.ts";
import { confirmDestructive } from "../confirm.ts";
import { CliError } from "../exit-codes.ts";
import { displayName, formatTable } from "../text.ts";

/** Registers `stores`, `create`, `rename` and `delete`: store management through the backend's own methods. */
export function registerStoreCommands(program: Command, run: Run): void {
  program
    .command("info")
    .description(
      "show which backend is in use (its URL with the password masked) and how many stores it holds",
    )
    .action(
      run(async (ctx) => {
        const backend = await ctx.backend();
        const stores = await backend.listStores();
        const keys = stores.reduce((sum, s) => sum + s.size, 0);
        const { output } = ctx;
        await output.result(
          {
            backend: backend.name,
            url: ctx.displayUrl,
            persistent: backend.flags.persistent === true,
            stores: stores.length,
            keys,
          },
          () =>
            formatTable([
              ["backend", backend.name],
              ["url", ctx.displayUrl],
              ["persistent", backend.flags.persistent === true ? "yes" : "no (data ends with the process)"],
              ["stores", String(stores.length)],
              ["keys", String(keys)],
            ]),
        );
      }),
    );

  program
    .command("stores")
    .description("list the stores with their key counts")
    .action(
      run(async (ctx) => {
        const stores = await (await ctx.backend()).listStores();
        const { output } = ctx;
        await output.result(
          stores.map((s) => ({ name: s.name, keys: s.size })),
          () => {
            if (stores.length === 0) return output.out.dim("no stores");
            const rows = stores.map((s) => [displayName(s.name), String(s.size)]);
            const [header, ...body] = formatTable([["STORE", "KEYS"], ...rows]).split("\n");
            return [output.out.bold(header ?? ""), ...body].join("\n");
          },
        );
      }),
    );

  program
    .command("create")
    .description("create an empty store")
    .argument("<store>", "the new store's name")
    .action(
      run(async (ctx, name: string) => {
        const created = await (await ctx.backend()).createStore(name);
        if (!created) throw new CliError("EXISTS", `Store ${displayName(name)} exists already.`);
        await ctx.output.result({ created: name }, () => `Created store ${displayName(name)}.`);
      }),
    );

  program
    .command("rename")
    .description("rename a store (atomically)")
    .argument("<from>", "the store's current name")
    .argument("<to>", "its new name (must not exist)")
    .action(
      run(async (ctx, from: string, to: string) => {
        await (await ctx.backend()).renameStore(from, to);
        await ctx.output.result(
          { renamed: from, to },
          () => `Renamed store ${displayName(from)} to ${displayName(to)}.`,
        );
      }),
    );

  program
    .command("delete")
    .description("delete a store and all its keys (asks you to type its name, or --yes)")
    .argument("<store>", "the store to delete")
    .addOption(yesOption())
    .action(
      run(async (ctx, name: string, options: { yes?: boolean }) => {
        const backend = await ctx.backend();
        if (!(await backend.hasStore(name)))
          throw new CliError("NOT_FOUND", `Store ${displayName(name)} does not exist.`);
        const keys = await backend.count(name);
        await confirmDestructive(ctx.output, {
          action: `delete store ${displayName(name)} and its ${keys} key${keys === 1 ? "" : "s"}`,
          expected: name,
          yes: options.yes === true,
        });
        const dropped = await backend.dropStore(name);
        if (!dropped) throw new CliError("NOT_FOUND", `Store ${displayName(name)} does not exist.`);
        await ctx.output.result(
          { deleted: name, keys },
          () => `Deleted store ${displayName(name)} (${keys} keys).`,
        );
      }),
    );
}
