// One MCP tool as a registry tool: approval first (the session's policy), then `tools/call` bounded by the
// server's `tool_timeout_sec`; every failure (refusal, timeout, a dead server, a thrown error) becomes a tool
// message the model can read.
import type { McpToolResult } from "../protocol/events.ts";
import type { Tool, ToolContext, ToolResult } from "../tools/types.ts";
import type { McpConnection, RemoteTool } from "./connection.ts";
import { resultText } from "./result.ts";
import { toolParameters } from "./schema.ts";

export interface McpToolHost {
  server: string;
  toolTimeoutMs: number;
  /** The live connection, or why there is none. */
  connection(): McpConnection | { unavailable: string };
}

export function createMcpTool(host: McpToolHost, remote: RemoteTool, exposedName: string): Tool {
  const description = remote.description?.trim() || remote.annotations?.title || remote.name;
  return {
    spec: {
      name: exposedName,
      description: `${description}\n\n(Tool \`${remote.name}\` of the MCP server \`${host.server}\`.)`,
      parameters: toolParameters(remote.inputSchema),
    },
    execute: (args, ctx) => callMcpTool(host, remote, args, ctx),
  };
}

async function callMcpTool(
  host: McpToolHost,
  remote: RemoteTool,
  args: Record<string, unknown>,
  ctx: ToolContext,
): Promise<ToolResult> {
  const { server } = host;
  const tool = remote.name;
  const started = Date.now();
  ctx.emit({ type: "mcp_tool_call_begin", callId: ctx.callId, server, tool, arguments: args });
  const end = (result: McpToolResult | null, error: string | null, output: string): ToolResult => {
    ctx.emit({
      type: "mcp_tool_call_end",
      callId: ctx.callId,
      server,
      tool,
      arguments: args,
      result,
      error,
      output,
      durationMs: Date.now() - started,
    });
    return { output, isError: error !== null || result?.isError === true };
  };

  const verdict = ctx.approveMcp
    ? await ctx.approveMcp({
        callId: ctx.callId,
        server,
        tool,
        arguments: JSON.stringify(args),
        readOnly: remote.annotations?.readOnlyHint === true,
        signal: ctx.signal,
      })
    : { allow: true as const };
  if (!verdict.allow) return end(null, verdict.reason, verdict.reason);

  const connection = host.connection();
  if ("unavailable" in connection) {
    const message = `MCP server \`${server}\` is not available (${connection.unavailable}); its tools cannot be used in this session`;
    return end(null, message, message);
  }
  try {
    const raw = await connection.callTool(tool, args, { signal: ctx.signal, timeoutMs: host.toolTimeoutMs });
    const result: McpToolResult = { content: Array.isArray(raw.content) ? raw.content : [] };
    if (raw.structuredContent !== undefined) result.structuredContent = raw.structuredContent;
    if (raw.isError) result.isError = true;
    return end(result, null, resultText(result));
  } catch (error) {
    const message = ctx.signal.aborted
      ? "the MCP tool call was interrupted"
      : isTimeout(error)
        ? `the MCP tool call took longer than ${host.toolTimeoutMs / 1000} s (tool_timeout_sec of server \`${server}\`) and was cancelled`
        : `MCP tool call failed: ${(error as Error)?.message ?? String(error)}`;
    return end(null, message, message);
  }
}

/** The SDK's request timeout (McpError code -32001, ErrorCode.RequestTimeout). */
function isTimeout(error: unknown): boolean {
  return (error as { code?: number })?.code === -32001;
}
