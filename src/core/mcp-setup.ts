// MCP for a front end: the client (and the SDK) is loaded only when config.toml names an enabled server, so a
// session without MCP servers loads none of it.
import { processEnv } from "../config/env.ts";
import { hasEnabledMcpServers, readMcpServers } from "../config/mcp.ts";
import type { ResolvedConfig } from "../config/types.ts";
import type { McpManager } from "../mcp/index.ts";

export interface McpSetup {
  manager?: McpManager;
  /** Bad entries and servers that did not start: one line each, for the user. */
  warnings: string[];
}

export async function startMcpServers(
  config: ResolvedConfig,
  cwd: string,
  log: (kind: string, fields: Record<string, unknown>) => void,
  warn: (message: string) => void,
): Promise<McpSetup> {
  if (!hasEnabledMcpServers(config.raw)) return { warnings: readMcpServers(config.raw).warnings };
  const { startMcp } = await import("../mcp/index.ts");
  return startMcp({ config, cwd, env: processEnv(), log, warn });
}

/** The message that ends a session whose `required = true` servers did not start, or undefined. */
export function requiredFailure(setup: McpSetup): string | undefined {
  const failed = setup.manager?.requiredFailures() ?? [];
  if (failed.length === 0) return undefined;
  return failed.map((s) => `required MCP server \`${s.name}\` did not start: ${s.error}`).join("; ");
}
