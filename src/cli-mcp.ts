// The `mcp` command tree (Codex's `codex mcp`): its words and options here, the work in a lazily loaded mode.
import { Command } from "commander";

type Overrides = { profile?: string; configOverrides: string[] };

export function mcpCommand(
  options: (cmd: Command) => Overrides,
  setExitCode: (code: number) => void,
): Command {
  const run = async (cmd: Command, what: import("./commands/mcp.ts").McpCommand) => {
    const { runMcpCommand } = await import("./subcommands.ts");
    setExitCode(runMcpCommand(what, options(cmd)));
  };
  const mcp = new Command("mcp")
    .description("manage the MCP servers of config.toml ([mcp_servers.*]), as `codex mcp` does")
    .option(
      "-c, --config <key=value>",
      "override a config.toml value (repeatable)",
      (v, p: string[]) => [...p, v],
      [],
    )
    .option("-p, --profile <NAME>", "configuration profile")
    .exitOverride()
    .action(() => {
      mcp.outputHelp({ error: true });
      setExitCode(2);
    });
  mcp.addCommand(
    new Command("list")
      .description("list the configured MCP servers")
      .option("--json", "print JSON")
      .exitOverride()
      .action((opts: { json?: boolean }, cmd: Command) => run(cmd, { command: "list", json: opts.json })),
  );
  mcp.addCommand(
    new Command("get")
      .description("show one MCP server's configuration")
      .argument("<NAME>", "the server's name")
      .option("--json", "print JSON")
      .exitOverride()
      .action((name: string, opts: { json?: boolean }, cmd: Command) =>
        run(cmd, { command: "get", name, json: opts.json }),
      ),
  );
  mcp.addCommand(
    new Command("add")
      .description(
        "add (or replace) a server: `add NAME [--env K=V]… -- COMMAND [ARGS…]` or `add NAME --url URL`",
      )
      .argument("<NAME>", "the server's name (letters, digits, - and _)")
      .argument("[COMMAND...]", "the stdio server's command and arguments, after `--`")
      .option(
        "--env <KEY=VALUE>",
        "an environment variable for the server (repeatable)",
        (v, p: string[]) => [...p, v],
        [],
      )
      .option("--url <URL>", "a streamable HTTP server's URL")
      .option("--bearer-token-env-var <VAR>", "with --url: send $VAR as the bearer token")
      .exitOverride()
      .action(
        (
          name: string,
          argv: string[],
          opts: { env: string[]; url?: string; bearerTokenEnvVar?: string },
          cmd: Command,
        ) =>
          run(cmd, {
            command: "add",
            name,
            argv,
            env: opts.env,
            url: opts.url,
            bearerTokenEnvVar: opts.bearerTokenEnvVar,
          }),
      ),
  );
  mcp.addCommand(
    new Command("remove")
      .description("remove a server from config.toml")
      .argument("<NAME>", "the server's name")
      .exitOverride()
      .action((name: string, _opts: unknown, cmd: Command) => run(cmd, { command: "remove", name })),
  );
  return mcp;
}
