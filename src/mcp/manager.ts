// The session's MCP servers: started together when the session starts (each bounded by its startup timeout),
// their tools listed and adapted to the registry, their state kept for `/mcp`, closed with the session.
// Contained failure: a server that cannot start, times out, or exits later costs one warning naming it and
// its own tools; everything else goes on. Server stderr goes to the debug log, never to the terminal.
import { isAbsolute, resolve } from "node:path";
import type { McpServerConfig } from "../config/mcp.ts";
import type { ShellEnvironmentPolicy } from "../config/types.ts";
import { buildCommandEnv } from "../tools/shell/env.ts";
import type { Tool } from "../tools/types.ts";
import { connect, type McpConnection, type RemoteTool } from "./connection.ts";
import { qualifiedToolName } from "./names.ts";
import { createMcpTool } from "./tool.ts";

export type McpServerState = "starting" | "ready" | "failed" | "exited" | "disabled";

export interface McpToolInfo {
  /** The name the model calls. */
  name: string;
  /** The server's own name for it. */
  tool: string;
  description?: string;
  readOnly: boolean;
}

export interface McpServerStatus {
  name: string;
  transport: "stdio" | "http";
  state: McpServerState;
  /** Why it failed or exited. */
  error?: string;
  tools: McpToolInfo[];
}

export interface McpManagerOptions {
  servers: McpServerConfig[];
  /** Our environment: the base of stdio servers' environment and the source of `env_vars` and headers. */
  env: Record<string, string | undefined>;
  envPolicy: ShellEnvironmentPolicy;
  /** Variables never passed on (the provider's key), unless `env`/`env_vars` name them. */
  secretEnvNames: string[];
  cwd: string;
  /** Debug-log lines (server stderr, lifecycle). */
  log: (kind: string, fields: Record<string, unknown>) => void;
  /** Told once per server that fails after start-up. */
  warn: (message: string) => void;
}

interface Server {
  config: McpServerConfig;
  status: McpServerStatus;
  connection?: McpConnection;
  stderrTail: string[];
  remote?: RemoteTool[];
  tools: Tool[];
}

export class McpManager {
  private readonly servers: Server[];
  private closed = false;
  /** Where failures after start-up go; the front end may point it elsewhere once its output is set up. */
  warn: (message: string) => void;

  private constructor(private readonly options: McpManagerOptions) {
    this.warn = options.warn;
    this.servers = options.servers.map((config) => ({
      config,
      status: {
        name: config.name,
        transport: config.transport.kind,
        state: config.enabled ? "starting" : "disabled",
        tools: [],
      },
      stderrTail: [],
      tools: [],
    }));
  }

  /** Starts every enabled server; resolves when each is ready or has failed. Returns start-up warnings. */
  static async start(options: McpManagerOptions): Promise<{ manager: McpManager; warnings: string[] }> {
    const manager = new McpManager(options);
    const warnings: string[] = [];
    await Promise.all(
      manager.servers.filter((s) => s.config.enabled).map((s) => manager.startOne(s, warnings)),
    );
    manager.assignNames();
    return { manager, warnings };
  }

  statuses(): McpServerStatus[] {
    return this.servers.map((s) => ({ ...s.status, tools: [...s.status.tools] }));
  }

  /** Servers that are `required` and did not start. */
  requiredFailures(): McpServerStatus[] {
    return this.servers.filter((s) => s.config.required && s.status.state === "failed").map((s) => s.status);
  }

  tools(): Tool[] {
    return this.servers.flatMap((s) => s.tools);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.servers.map((s) => s.connection?.close()));
  }

  private async startOne(server: Server, warnings: string[]): Promise<void> {
    const { config } = server;
    const abort = new AbortController();
    const seconds = config.startupTimeoutMs / 1000;
    const timer = setTimeout(
      () => abort.abort(new Error(`no answer within ${seconds} s (startup_timeout_sec)`)),
      config.startupTimeoutMs,
    );
    let connection: McpConnection | undefined;
    try {
      connection = await connect({
        transport: config.transport,
        env: this.serverEnv(config),
        cwd: this.resolveCwd(config),
        signal: abort.signal,
        onStderr: (line) => {
          server.stderrTail = [...server.stderrTail, line].slice(-3);
          this.options.log("mcp.stderr", { server: config.name, line });
        },
        onClose: () => this.onExit(server),
      });
      server.connection = connection;
      const remote = await connection.listTools(abort.signal);
      const enabled = config.enabledTools ? new Set(config.enabledTools) : undefined;
      const disabled = new Set(config.disabledTools);
      server.status.tools = remote
        .filter((t) => (!enabled || enabled.has(t.name)) && !disabled.has(t.name))
        .map((t) => ({
          name: "",
          tool: t.name,
          description: t.description,
          readOnly: t.annotations?.readOnlyHint === true,
        }));
      server.remote = remote;
      server.status.state = "ready";
      this.options.log("mcp.ready", { server: config.name, tools: server.status.tools.length });
    } catch (error) {
      const reason = abort.signal.aborted
        ? String((abort.signal.reason as Error)?.message ?? abort.signal.reason)
        : ((error as Error)?.message ?? String(error));
      server.status.state = "failed";
      server.status.error = this.withStderr(server, reason);
      server.connection = undefined;
      await connection?.close();
      this.options.log("mcp.failed", { server: config.name, error: server.status.error });
      warnings.push(
        `MCP server \`${config.name}\` failed to start: ${server.status.error}; continuing without its tools`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Exposed names, in config order, so they are stable between runs. */
  private assignNames(): void {
    const taken = new Set(["shell", "apply_patch", "update_plan"]);
    for (const server of this.servers) {
      if (server.status.state !== "ready") continue;
      const host = {
        server: server.config.name,
        toolTimeoutMs: server.config.toolTimeoutMs,
        connection: () =>
          server.connection && server.status.state === "ready"
            ? server.connection
            : { unavailable: server.status.error ?? server.status.state },
      };
      for (const info of server.status.tools) {
        info.name = qualifiedToolName(server.config.name, info.tool, taken);
        const remote = server.remote?.find((t) => t.name === info.tool);
        if (remote) server.tools.push(createMcpTool(host, remote, info.name));
      }
    }
  }

  private onExit(server: Server): void {
    if (this.closed || server.status.state !== "ready") return;
    server.status.state = "exited";
    server.status.error = this.withStderr(server, "the server exited");
    server.connection = undefined;
    this.options.log("mcp.exited", { server: server.config.name, error: server.status.error });
    this.warn(
      `MCP server \`${server.config.name}\` stopped (${server.status.error}); its tools are unavailable for the rest of the session`,
    );
  }

  private withStderr(server: Server, reason: string): string {
    const tail = server.stderrTail
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1);
    return tail ? `${reason}; its last error output: ${tail.slice(0, 300)}` : reason;
  }

  /** The command policy's secret-free environment, then `env_vars` passed on as they are, then `env`. */
  private serverEnv(config: McpServerConfig): Record<string, string> {
    const { env, envPolicy, secretEnvNames } = this.options;
    if (config.transport.kind === "http") {
      const all: Record<string, string> = {};
      for (const [k, v] of Object.entries(env)) if (v !== undefined) all[k] = v;
      return all;
    }
    const out = buildCommandEnv(envPolicy, env, { secretNames: secretEnvNames });
    for (const name of config.transport.envVars) {
      const value = env[name];
      if (value !== undefined) out[name] = value;
    }
    return { ...out, ...config.transport.env };
  }

  private resolveCwd(config: McpServerConfig): string {
    const dir = config.transport.kind === "stdio" ? config.transport.cwd : undefined;
    if (!dir) return this.options.cwd;
    return isAbsolute(dir) ? dir : resolve(this.options.cwd, dir);
  }
}
