// `[mcp_servers.<name>]` as Codex reads them: stdio (`command`, `args`, `env`, `env_vars`, `cwd`) or streamable
// HTTP (`url`, `bearer_token_env_var`, `http_headers`, `env_http_headers`); common keys `enabled`, `required`,
// `startup_timeout_sec` (default 10; `startup_timeout_ms` too), `tool_timeout_sec` (default 60),
// `enabled_tools`, `disabled_tools`. A malformed entry is skipped with a warning naming it: one broken server
// never stops a session.
import { isTable } from "./overrides.ts";

export const DEFAULT_STARTUP_TIMEOUT_MS = 10_000;
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

/** Every key a `[mcp_servers.<name>]` table may hold (Codex's list; ours read the ones marked in the reader). */
export const MCP_SERVER_KEYS: readonly string[] = [
  "command",
  "args",
  "env",
  "env_vars",
  "cwd",
  "url",
  "bearer_token_env_var",
  "bearer_token",
  "http_headers",
  "env_http_headers",
  "transport",
  "enabled",
  "required",
  "startup_timeout_sec",
  "startup_timeout_ms",
  "tool_timeout_sec",
  "enabled_tools",
  "disabled_tools",
  "supports_parallel_tool_calls",
  "default_tools_approval_mode",
  "tools",
  "scopes",
  "oauth_resource",
];

export type McpTransportConfig =
  | {
      kind: "stdio";
      command: string;
      args: string[];
      env: Record<string, string>;
      /** Names of variables passed on from our environment as they are. */
      envVars: string[];
      cwd?: string;
    }
  | {
      kind: "http";
      url: string;
      bearerTokenEnvVar?: string;
      httpHeaders: Record<string, string>;
      /** Header name → name of the variable holding its value. */
      envHttpHeaders: Record<string, string>;
    };

export interface McpServerConfig {
  name: string;
  transport: McpTransportConfig;
  enabled: boolean;
  required: boolean;
  startupTimeoutMs: number;
  toolTimeoutMs: number;
  /** Only these tools, when set. */
  enabledTools?: string[];
  /** Never these (applied after `enabledTools`). */
  disabledTools: string[];
}

export interface McpServersRead {
  servers: McpServerConfig[];
  warnings: string[];
}

class Bad extends Error {}

function strings(v: unknown, key: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string"))
    throw new Bad(`\`${key}\` must be an array of strings`);
  return v as string[];
}

function stringMap(v: unknown, key: string): Record<string, string> {
  if (v === undefined) return {};
  if (!isTable(v)) throw new Bad(`\`${key}\` must be a table of strings`);
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")
      throw new Bad(`\`${key}.${k}\` must be a string`);
    out[k] = String(value);
  }
  return out;
}

function str(v: unknown, key: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new Bad(`\`${key}\` must be a string`);
  return v;
}

function bool(v: unknown, key: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw new Bad(`\`${key}\` must be true or false`);
  return v;
}

function seconds(v: unknown, key: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
    throw new Bad(`\`${key}\` must be a positive number`);
  return v;
}

/** `env_vars` entries: names, or `{ name = "X" }` tables as newer Codex builds write them. */
function envVarNames(v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Bad("`env_vars` must be an array of variable names");
  return v.map((e) => {
    if (typeof e === "string") return e;
    if (isTable(e) && typeof e.name === "string") return e.name;
    throw new Bad("`env_vars` must be an array of variable names");
  });
}

export function readMcpServer(name: string, t: Record<string, unknown>): McpServerConfig {
  const command = str(t.command, "command");
  const url = str(t.url, "url");
  if (command && url) throw new Bad("give either `command` (stdio) or `url` (streamable HTTP), not both");
  let transport: McpTransportConfig;
  if (command) {
    transport = {
      kind: "stdio",
      command,
      args: strings(t.args, "args") ?? [],
      env: stringMap(t.env, "env"),
      envVars: envVarNames(t.env_vars),
      cwd: str(t.cwd, "cwd"),
    };
  } else if (url) {
    if (!/^https?:\/\//i.test(url)) throw new Bad("`url` must start with http:// or https://");
    transport = {
      kind: "http",
      url,
      bearerTokenEnvVar: str(t.bearer_token_env_var, "bearer_token_env_var"),
      httpHeaders: stringMap(t.http_headers, "http_headers"),
      envHttpHeaders: stringMap(t.env_http_headers, "env_http_headers"),
    };
  } else throw new Bad("it has neither `command` (stdio) nor `url` (streamable HTTP)");
  const startupMs = seconds(t.startup_timeout_ms, "startup_timeout_ms");
  const startupSec = seconds(t.startup_timeout_sec, "startup_timeout_sec");
  const toolSec = seconds(t.tool_timeout_sec, "tool_timeout_sec");
  return {
    name,
    transport,
    enabled: bool(t.enabled, "enabled") ?? true,
    required: bool(t.required, "required") ?? false,
    startupTimeoutMs:
      startupSec !== undefined ? startupSec * 1000 : (startupMs ?? DEFAULT_STARTUP_TIMEOUT_MS),
    toolTimeoutMs: toolSec !== undefined ? toolSec * 1000 : DEFAULT_TOOL_TIMEOUT_MS,
    enabledTools: strings(t.enabled_tools, "enabled_tools"),
    disabledTools: strings(t.disabled_tools, "disabled_tools") ?? [],
  };
}

/** The servers of the merged config table (`ResolvedConfig.raw`), in table order, disabled ones included. */
export function readMcpServers(raw: Record<string, unknown>): McpServersRead {
  const table = raw.mcp_servers;
  const out: McpServersRead = { servers: [], warnings: [] };
  if (table === undefined) return out;
  if (!isTable(table)) {
    out.warnings.push("`mcp_servers` must be a table of servers; ignored");
    return out;
  }
  for (const [name, value] of Object.entries(table)) {
    try {
      if (!isTable(value)) throw new Bad("it must be a table");
      out.servers.push(readMcpServer(name, value));
    } catch (error) {
      if (!(error instanceof Bad)) throw error;
      out.warnings.push(`MCP server \`${name}\` skipped: ${error.message}`);
    }
  }
  return out;
}

/** Whether the config names any enabled server (so the MCP client is worth loading). */
export function hasEnabledMcpServers(raw: Record<string, unknown>): boolean {
  const table = raw.mcp_servers;
  return isTable(table) && Object.values(table).some((s) => isTable(s) && s.enabled !== false);
}
