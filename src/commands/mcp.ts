// `codex-litellm mcp list|get|add|remove`, as Codex's `codex mcp`: read the configured servers (all layers),
// and add or remove `[mcp_servers.<name>]` in $CODEX_HOME/config.toml, keeping everything else in it.
import { processEnv } from "../config/env.ts";
import { loadConfig } from "../config/load.ts";
import { type McpServerConfig, readMcpServers } from "../config/mcp.ts";
import {
  deleteMcpServer,
  MCP_SERVER_NAME,
  type McpServerEntry,
  saveMcpServer,
} from "../config/mcp-writer.ts";
import type { CliOverrides } from "../config/types.ts";
import { UserError } from "../util/errors.ts";
import { printable } from "../util/terminal-text.ts";

export type McpCommand =
  | { command: "list"; json?: boolean }
  | { command: "get"; name: string; json?: boolean }
  | { command: "add"; name: string; argv: string[]; env: string[]; url?: string; bearerTokenEnvVar?: string }
  | { command: "remove"; name: string };

const out = (text: string): void => {
  process.stdout.write(`${printable(text)}\n`);
};

/** The JSON shape of one server (Codex's `mcp list --json` fields). Env values are not printed. */
function serverJson(s: McpServerConfig) {
  const t = s.transport;
  return {
    name: s.name,
    enabled: s.enabled,
    transport:
      t.kind === "stdio"
        ? {
            type: "stdio",
            command: t.command,
            args: t.args,
            env: masked(t.env),
            env_vars: t.envVars,
            cwd: t.cwd ?? null,
          }
        : {
            type: "streamable_http",
            url: t.url,
            bearer_token_env_var: t.bearerTokenEnvVar ?? null,
            http_headers: masked(t.httpHeaders),
            env_http_headers: t.envHttpHeaders,
          },
    startup_timeout_sec: s.startupTimeoutMs / 1000,
    tool_timeout_sec: s.toolTimeoutMs / 1000,
    enabled_tools: s.enabledTools ?? null,
    disabled_tools: s.disabledTools,
  };
}

function masked(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(map).map((k) => [k, "*****"]));
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function list(servers: McpServerConfig[], json: boolean | undefined): string {
  if (json) return JSON.stringify(servers.map(serverJson), null, 2);
  if (servers.length === 0)
    return "No MCP servers configured yet. Try `codex-litellm mcp add my-tool -- my-command`.";
  const status = (s: McpServerConfig) => (s.enabled ? "enabled" : "disabled");
  const stdio = servers.filter((s) => s.transport.kind === "stdio");
  const http = servers.filter((s) => s.transport.kind === "http");
  const blocks: string[] = [];
  if (stdio.length > 0)
    blocks.push(
      table([
        ["Name", "Command", "Args", "Env", "Cwd", "Status"],
        ...stdio.map((s) => {
          const t = s.transport as Extract<McpServerConfig["transport"], { kind: "stdio" }>;
          const env = Object.keys(t.env).map((k) => `${k}=*****`);
          return [s.name, t.command, t.args.join(" ") || "-", env.join(", ") || "-", t.cwd ?? "-", status(s)];
        }),
      ]),
    );
  if (http.length > 0)
    blocks.push(
      table([
        ["Name", "Url", "Bearer Token Env Var", "Status"],
        ...http.map((s) => {
          const t = s.transport as Extract<McpServerConfig["transport"], { kind: "http" }>;
          return [s.name, t.url, t.bearerTokenEnvVar ?? "-", status(s)];
        }),
      ]),
    );
  return blocks.join("\n\n");
}

function get(server: McpServerConfig, json: boolean | undefined): string {
  if (json) return JSON.stringify(serverJson(server), null, 2);
  const t = server.transport;
  const lines = [server.name, `  enabled: ${server.enabled}`];
  if (t.kind === "stdio") {
    lines.push("  transport: stdio", `  command: ${t.command}`, `  args: ${t.args.join(" ") || "-"}`);
    lines.push(`  cwd: ${t.cwd ?? "-"}`);
    lines.push(
      `  env: ${
        Object.keys(t.env)
          .map((k) => `${k}=*****`)
          .join(", ") || "-"
      }`,
    );
    if (t.envVars.length > 0) lines.push(`  env_vars: ${t.envVars.join(", ")}`);
  } else {
    lines.push("  transport: streamable_http", `  url: ${t.url}`);
    lines.push(`  bearer_token_env_var: ${t.bearerTokenEnvVar ?? "-"}`);
  }
  lines.push(`  startup_timeout_sec: ${server.startupTimeoutMs / 1000}`);
  lines.push(`  tool_timeout_sec: ${server.toolTimeoutMs / 1000}`);
  if (server.enabledTools) lines.push(`  enabled_tools: ${server.enabledTools.join(", ")}`);
  if (server.disabledTools.length > 0) lines.push(`  disabled_tools: ${server.disabledTools.join(", ")}`);
  lines.push(`  remove: codex-litellm mcp remove ${server.name}`);
  return lines.join("\n");
}

function entryOf(cmd: Extract<McpCommand, { command: "add" }>): McpServerEntry {
  if (cmd.url) {
    if (cmd.argv.length > 0 || cmd.env.length > 0)
      throw new UserError("mcp add: give either --url URL or -- COMMAND [ARGS…], not both", 2);
    if (!/^https?:\/\//i.test(cmd.url))
      throw new UserError("mcp add: --url must start with http:// or https://", 2);
    return { url: cmd.url, bearer_token_env_var: cmd.bearerTokenEnvVar };
  }
  if (cmd.bearerTokenEnvVar) throw new UserError("mcp add: --bearer-token-env-var needs --url", 2);
  const [command, ...args] = cmd.argv;
  if (!command) throw new UserError("mcp add: give the server's command after `--`, or --url URL", 2);
  const env: Record<string, string> = {};
  for (const pair of cmd.env) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UserError(`mcp add: --env expects KEY=VALUE, got ${JSON.stringify(pair)}`, 2);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { command, args, env };
}

export function runMcpCommand(cmd: McpCommand, overrides: CliOverrides): number {
  const config = loadConfig({ cli: overrides, env: processEnv() });
  const { servers, warnings } = readMcpServers(config.raw);
  for (const w of warnings) process.stderr.write(`warning: ${printable(w)}\n`);
  switch (cmd.command) {
    case "list":
      out(list(servers, cmd.json));
      return 0;
    case "get": {
      const server = servers.find((s) => s.name === cmd.name);
      if (!server) throw new UserError(`No MCP server named '${cmd.name}' found.`);
      out(get(server, cmd.json));
      return 0;
    }
    case "add": {
      if (!MCP_SERVER_NAME.test(cmd.name))
        throw new UserError(`invalid server name '${cmd.name}': use letters, digits, - and _`, 2);
      saveMcpServer(config.configPath, cmd.name, entryOf(cmd));
      out(`Added global MCP server '${cmd.name}'.`);
      return 0;
    }
    case "remove":
      if (!deleteMcpServer(config.configPath, cmd.name)) {
        out(`No MCP server named '${cmd.name}' found.`);
        return 0;
      }
      out(`Removed global MCP server '${cmd.name}'.`);
      return 0;
    default:
      cmd satisfies never;
      return 2;
  }
}
