// The MCP client's entry, loaded with a dynamic import only when config.toml names an enabled server: the
// SDK and everything here stay out of sessions without MCP.
import { readMcpServers } from "../config/mcp.ts";
import type { ResolvedConfig } from "../config/types.ts";
import { McpManager } from "./manager.ts";

export type { McpServerState, McpServerStatus, McpToolInfo } from "./manager.ts";
export { McpManager };

export interface StartMcpOptions {
  config: Pick<ResolvedConfig, "raw" | "shellEnvironmentPolicy"> & { provider: { envKey?: string } };
  cwd: string;
  env: Record<string, string | undefined>;
  log: (kind: string, fields: Record<string, unknown>) => void;
  warn: (message: string) => void;
}

/** Starts the configured servers. `warnings` (bad entries, servers that did not start) are for the user. */
export async function startMcp(
  options: StartMcpOptions,
): Promise<{ manager: McpManager; warnings: string[] }> {
  const { servers, warnings } = readMcpServers(options.config.raw);
  const started = await McpManager.start({
    servers,
    env: options.env,
    envPolicy: options.config.shellEnvironmentPolicy,
    secretEnvNames: options.config.provider.envKey ? [options.config.provider.envKey] : [],
    cwd: options.cwd,
    log: options.log,
    warn: options.warn,
  });
  return { manager: started.manager, warnings: [...warnings, ...started.warnings] };
}
