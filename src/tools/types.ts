// A tool is data plus `execute`: what the model sees (`output`) and what the user sees (events) stay apart.
import type { AgentEvent } from "../protocol/events.ts";
import type { ToolSpec } from "../protocol/model.ts";

export interface ToolContext {
  /** Working directory of the session. */
  cwd: string;
  /** Directories the agent may write to (absolute, real paths). */
  writableRoots: string[];
  signal: AbortSignal;
  callId: string;
  emit: (event: AgentEvent) => void;
}

export interface ToolResult {
  /** Text sent back to the model as the tool message. */
  output: string;
  /** True when the call failed in a way the model should notice (unknown tool, bad arguments, …). */
  isError?: boolean;
}

export interface Tool {
  spec: ToolSpec;
  execute(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult>;
}
