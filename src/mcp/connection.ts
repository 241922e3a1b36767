// One MCP server reached through the official SDK: stdio (a child process, stderr piped to the caller) or
// streamable HTTP, falling back to the older SSE transport when the server answers the streamable POST with a
// 4xx (the SDK's documented compatibility path). Nothing else in the program imports the SDK.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { McpTransportConfig } from "../config/mcp.ts";
import { VERSION } from "../util/version.ts";
import type { CallToolResultLike } from "./result.ts";

export interface RemoteTool {
  name: string;
  description?: string;
  inputSchema?: unknown;
  annotations?: { readOnlyHint?: boolean; title?: string };
}

export interface ConnectOptions {
  transport: McpTransportConfig;
  /** The stdio server's whole environment (already policy-filtered), or HTTP headers' variable source. */
  env: Record<string, string>;
  cwd: string;
  signal: AbortSignal;
  /** Each line the server writes on stderr (stdio). */
  onStderr: (line: string) => void;
  /** The connection ended (the process exited, the HTTP session failed). */
  onClose: () => void;
}

export interface McpConnection {
  listTools(signal: AbortSignal): Promise<RemoteTool[]>;
  callTool(
    name: string,
    args: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<CallToolResultLike>;
  close(): Promise<void>;
}

function stdioTransport(
  config: Extract<McpTransportConfig, { kind: "stdio" }>,
  options: ConnectOptions,
): Transport {
  const transport = new StdioClientTransport({
    command: config.command,
    args: config.args,
    env: options.env,
    cwd: options.cwd,
    stderr: "pipe",
  });
  let pending = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const l of lines) options.onStderr(l);
  });
  return transport;
}

function httpHeaders(config: Extract<McpTransportConfig, { kind: "http" }>, env: Record<string, string>) {
  const headers: Record<string, string> = { ...config.httpHeaders };
  for (const [header, variable] of Object.entries(config.envHttpHeaders))
    if (env[variable]) headers[header] = env[variable];
  if (config.bearerTokenEnvVar) {
    const token = env[config.bearerTokenEnvVar];
    if (!token) throw new Error(`bearer_token_env_var: $${config.bearerTokenEnvVar} is not set`);
    headers.Authorization = `Bearer ${token}`;
  }
  return headers;
}

function newClient(): Client {
  return new Client({ name: "codex-litellm", version: VERSION }, { capabilities: {} });
}

export async function connect(options: ConnectOptions): Promise<McpConnection> {
  const config = options.transport;
  let client = newClient();
  let transport: Transport;
  const request = { signal: options.signal, timeout: 24 * 3600_000 };
  if (config.kind === "stdio") {
    transport = stdioTransport(config, options);
    await client.connect(transport, request);
  } else {
    const url = new URL(config.url);
    const requestInit = { headers: httpHeaders(config, options.env) };
    transport = new StreamableHTTPClientTransport(url, { requestInit });
    try {
      await client.connect(transport, request);
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (options.signal.aborted || code === undefined || code < 400 || code >= 500) throw error;
      await transport.close().catch(() => {});
      client = newClient();
      transport = new SSEClientTransport(url, {
        requestInit,
        eventSourceInit: { fetch: withHeaders(requestInit.headers) },
      });
      await client.connect(transport, request);
    }
  }
  let closing = false;
  client.onclose = () => {
    if (!closing) options.onClose();
  };
  return {
    async listTools(signal) {
      const tools: RemoteTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, {
          signal,
          timeout: request.timeout,
        });
        tools.push(...(page.tools as RemoteTool[]));
        cursor = page.nextCursor;
      } while (cursor);
      return tools;
    },
    async callTool(name, args, { signal, timeoutMs }) {
      return (await client.callTool({ name, arguments: args }, undefined, {
        signal,
        timeout: timeoutMs,
      })) as CallToolResultLike;
    },
    async close() {
      closing = true;
      await client.close().catch(() => {});
    },
  };
}

function withHeaders(headers: Record<string, string>): typeof fetch {
  return (input, init) => fetch(input, { ...init, headers: { ...headers, ...(init?.headers as object) } });
}
