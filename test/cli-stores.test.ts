import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CliRun,
  jsonOf,
  runCli,
  runCommand,
  runInTerminal,
  tempWorkspace,
  useCliSuite,
} from "./cli-helpers.ts";

// End to end: the store management commands, help, exit codes and output modes, on SQLite.

const suite = useCliSuite();
const { ds } = suite;
const ESC = "\u001b[";

function inTerminal(args: string[], input: string): Promise<CliRun> {
  return runInTerminal(suite.cli, args, { url: suite.workspace.url, input });
}

const COMMANDS = [
  "info",
  "stores",
  "create",
  "rename",
  "delete",
  "keys",
  "get",
  "set",
  "del",
  "ttl",
  "clear",
  "export",
  "import",
  "dashboard",
];

describe("help and usage errors", () => {
  it("--help lists every command, the backend URL forms and the exit codes", async () => {
    const run = await ds(["--help"]);
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    expect(run.stdout).toContain("DICTSTORE_URL");
    expect(run.stdout).toMatch(/5 not confirmed/);
  });

  it("every command has its own --help", async () => {
    const runs = await Promise.all(COMMANDS.map((command) => ds([command, "--help"])));
    runs.forEach((run, i) => {
      expect(run.code, COMMANDS[i]).toBe(0);
      expect(run.stdout, COMMANDS[i]).toContain(`Usage: dictstore ${COMMANDS[i]}`);
    });
    // The key commands take --store, the destructive ones --yes.
    expect(runs[COMMANDS.indexOf("get")]?.stdout).toContain("--store <name>");
    expect(runs[COMMANDS.indexOf("clear")]?.stdout).toContain("--yes");
  });

  it("an unknown command, an unknown option or a missing argument exits 2", async () => {
    const [unknown, option, missing, badLimit] = await Promise.all([
      ds(["frobnicate"]),
      ds(["stores", "--frobnicate"]),
      ds(["rename", "only-one"]),
      ds(["keys", "--limit", "zero"]),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--frobnicate'");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'to'");
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain("expected a whole number");
  });

  it("--version prints the version", async () => {
    const run = await ds(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("runs from source with the documented dev command (tsx)", async () => {
    const run = await runCommand("pnpm", ["exec", "tsx", "packages/cli/src/cli.ts", "info", "--json"], {
      url: suite.workspace.url,
      timeoutMs: 60_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf(run)).toMatchObject({ backend: "sqlite", url: suite.workspace.url });
  });

  it("an invalid backend URL is a usage error", async () => {
    const run = await runCli(suite.cli, ["stores"], { url: "nosuch://x" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown store URL scheme "nosuch:"');
  });
});

describe("stores, create, rename, delete", () => {
  it("creates stores, lists them with key counts, refuses a duplicate", async () => {
    expect(jsonOf(await ds(["create", "orders", "--json"]))).toEqual({ created: "orders" });
    expect((await ds(["create", "users"])).stdout).toContain("Created store users.");
    expect((await ds(["set", "a", "1", "--store", "users"])).code).toBe(0);
    expect((await ds(["set", "b", "2", "--store", "users"])).code).toBe(0);

    const duplicate = await ds(["create", "orders"]);
    expect(duplicate.code).toBe(4);
    expect(duplicate.stderr).toContain("exists already");

    const listed = jsonOf(await ds(["stores", "--json"])) as { name: string; keys: number }[];
    expect(listed).toEqual(
      expect.arrayContaining([
        { name: "orders", keys: 0 },
        { name: "users", keys: 2 },
      ]),
    );
    const text = await ds(["stores"]);
    expect(text.stdout).toMatch(/^STORE\s+KEYS$/m);
    expect(text.stdout).toMatch(/^users\s+2$/m);
  });

  it("renames a store with its data; a missing source exits 3, an existing target 4", async () => {
    await ds(["set", "k", '"v"', "--store", "before"]);
    await ds(["create", "taken"]);
    expect(jsonOf(await ds(["rename", "before", "after", "--json"]))).toEqual({
      renamed: "before",
      to: "after",
    });
    expect(jsonOf(await ds(["get", "k", "--store", "after", "--json"]))).toMatchObject({ value: "v" });
    expect((await ds(["get", "k", "--store", "before"])).code).toBe(3);
    const [missing, clash] = await Promise.all([
      ds(["rename", "nope", "x"]),
      ds(["rename", "after", "taken"]),
    ]);
    expect(missing.code).toBe(3);
    expect(clash.code).toBe(4);
    expect((await ds(["get", "k", "--store", "after"])).code).toBe(0);
  });

  it("delete without --yes and without a terminal is refused with exit 5, and deletes nothing", async () => {
    await ds(["set", "k", "1", "--store", "precious"]);
    const refused = await ds(["delete", "precious"]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain("Pass --yes to confirm");
    expect((await ds(["get", "k", "--store", "precious"])).code).toBe(0);
    // Typing the name on a non-terminal stdin does not count as confirmation either.
    expect((await ds(["delete", "precious"], { input: "precious\n" })).code).toBe(5);

    expect(jsonOf(await ds(["delete", "precious", "--yes", "--json"]))).toEqual({
      deleted: "precious",
      keys: 1,
    });
    const stores = jsonOf(await ds(["stores", "--json"])) as { name: string }[];
    expect(stores.map((s) => s.name)).not.toContain("precious");
    expect((await ds(["delete", "precious", "--yes"])).code).toBe(3);
  });

  it("on a terminal, delete asks for the store's name: the right name deletes, a wrong one exits 5", async () => {
    await ds(["set", "k", "1", "--store", "asked"]);
    const wrong = await inTerminal(["delete", "asked"], "not-it\n");
    expect(wrong.code).toBe(5);
    expect(wrong.stdout).toContain("Type the store name");
    expect((await ds(["get", "k", "--store", "asked"])).code).toBe(0);
    const right = await inTerminal(["delete", "asked"], "asked\n");
    expect(right.code).toBe(0);
    expect(right.stdout).toContain("Deleted store asked (1 keys).");
    expect((await ds(["get", "k", "--store", "asked"])).code).toBe(3);
  });

  it("--json errors are one JSON object on stderr with the exit code's name", async () => {
    const run = await ds(["delete", "ghost", "--yes", "--json"]);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe("");
    expect(JSON.parse(run.stderr)).toEqual({
      error: expect.objectContaining({
        code: "NOT_FOUND",
        exitCode: 3,
        message: expect.stringContaining("ghost"),
      }),
    });
  });
});

describe("backends and output modes", () => {
  it("without a URL it uses .dictstore/data.db under the working directory", async () => {
    const here = tempWorkspace();
    try {
      const set = await runCli(suite.cli, ["set", "n", "1"], { cwd: here.dir });
      expect(set.code).toBe(0);
      expect(existsSync(join(here.dir, ".dictstore", "data.db"))).toBe(true);
      expect(jsonOf(await runCli(suite.cli, ["info", "--json"], { cwd: here.dir }))).toMatchObject({
        backend: "sqlite",
        url: `sqlite:${join(here.dir, ".dictstore", "data.db")}`,
        persistent: true,
        stores: 1,
        keys: 1,
      });
    } finally {
      here.remove();
    }
  });

  it("--url takes precedence over DICTSTORE_URL; memory: keeps nothing between runs", async () => {
    const set = await ds(["--url", "memory:", "set", "n", "1", "--json"]);
    expect(set.code).toBe(0);
    expect(jsonOf(await ds(["--url", "memory:", "info", "--json"]))).toMatchObject({
      backend: "memory",
      persistent: false,
      stores: 0,
    });
    expect((await ds(["--url", "memory:", "get", "n"])).code).toBe(3);
    // Within one run memory works like any backend: an import reports what it wrote.
    const imported = await ds(["--url", "memory:", "import", "-", "--json"], {
      input: '{"key":"a","value":1}\n{"key":"b","value":[2]}\n',
    });
    expect(jsonOf(imported)).toEqual({
      store: "default",
      format: "ndjson",
      read: 2,
      imported: 2,
      expired: 0,
      batches: 1,
    });
  });

  it("colours only on a terminal: none when piped, FORCE_COLOR forces them, NO_COLOR wins", async () => {
    await ds(["create", "colours"]);
    const [piped, forced, disabled] = await Promise.all([
      ds(["stores"]),
      ds(["stores"], { env: { FORCE_COLOR: "1" } }),
      ds(["stores"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } }),
    ]);
    expect(piped.stdout).not.toContain(ESC);
    expect(forced.stdout).toContain(`${ESC}1mSTORE`);
    expect(disabled.stdout).not.toContain(ESC);
    const error = await ds(["get", "nothing"], { env: { FORCE_COLOR: "1" } });
    expect(error.stderr).toContain(`${ESC}31merror:`);
    expect((await ds(["get", "nothing"])).stderr).toMatch(/^error: /);
  });

  it("store names with control characters are printed escaped, never raw", async () => {
    const name = "evil\u001b[2Jname";
    await ds(["create", name]);
    const run = await ds(["stores"]);
    expect(run.stdout).not.toContain("\u001b");
    expect(run.stdout).toContain(JSON.stringify(name));
    const json = jsonOf(await ds(["stores", "--json"])) as { name: string }[];
    expect(json.map((s) => s.name)).toContain(name);
  });
});
