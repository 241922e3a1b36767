// The one contract between the agent core and its front ends (exec human, exec --json, TUI).
import type { RetryWindow, Usage } from "./model.ts";

export type PlanStatus = "pending" | "in_progress" | "completed";
export interface PlanStep {
  step: string;
  status: PlanStatus;
}

export type FileChangeKind = "add" | "delete" | "update";
export interface FileChange {
  path: string;
  kind: FileChangeKind;
  move_path?: string;
}

/**
 * What a patch did to one file, for the user: a unified diff (one line of context) between the text
 * apply_patch read and the text it wrote, so it never depends on the file as it is later.
 */
export interface PatchFileDiff extends FileChange {
  diff: string;
}

/** An MCP tool's result as the server sent it (exec --json shows it as `{content, structured_content}`). */
export interface McpToolResult {
  content: unknown[];
  structuredContent?: unknown;
  isError?: boolean;
}

export interface SessionInfo {
  sessionId: string;
  version: string;
  cwd: string;
  model: string;
  provider: string;
  baseUrl: string;
  approvalPolicy: string;
  sandbox: string;
  reasoningEffort?: string;
  contextWindow?: number;
}

export type CompactionReason = "auto" | "context_window" | "resume" | "manual";

export type AgentEvent =
  | { type: "session_configured"; session: SessionInfo }
  | { type: "turn_started"; prompt: string }
  | { type: "agent_message_delta"; delta: string }
  | { type: "agent_message"; text: string }
  | { type: "reasoning_delta"; delta: string }
  | { type: "reasoning"; text: string }
  /** Everything streamed since the last request started is void (a retry is under way). */
  | { type: "stream_reset" }
  | { type: "exec_command_begin"; callId: string; command: string[]; cwd: string }
  | { type: "exec_command_output_delta"; callId: string; chunk: string }
  | {
      type: "exec_command_end";
      callId: string;
      command: string[];
      exitCode: number | null;
      output: string;
      durationMs: number;
      status: "completed" | "failed" | "declined";
    }
  | { type: "patch_apply_begin"; callId: string; changes: FileChange[] }
  | {
      type: "patch_apply_end";
      callId: string;
      success: boolean;
      output: string;
      changes: FileChange[];
      /** On success: each file's diff as applied, in patch order. */
      diffs?: PatchFileDiff[];
    }
  | { type: "mcp_tool_call_begin"; callId: string; server: string; tool: string; arguments: unknown }
  | {
      type: "mcp_tool_call_end";
      callId: string;
      server: string;
      tool: string;
      arguments: unknown;
      /** Null when the call did not complete (refused, timed out, the server failed). */
      result: McpToolResult | null;
      error: string | null;
      /** What the model was sent. */
      output: string;
      durationMs: number;
    }
  | { type: "plan_updated"; explanation?: string; plan: PlanStep[] }
  | { type: "tool_error"; callId: string; name: string; message: string }
  /**
   * After each model response (and after compaction). `contextUsed` is the conversation's size in tokens as
   * the gateway last counted it (plus estimates for anything added since); with `contextWindow` it gives
   * "N% context left".
   */
  | {
      type: "token_count";
      last: Usage;
      total: Usage;
      contextWindow?: number;
      contextUsed?: number;
      /** The model that answered (the gateway's `model`, which can differ after a fallback). */
      model?: string;
      /** LiteLLM's `x-litellm-response-cost` for this response, when sent. */
      cost?: number;
    }
  /** The history was replaced by a summary: before a request that would pass the auto-compact limit
   * ("auto"), after the gateway said the request does not fit ("context_window"), when a resumed session
   * is too big ("resume"), or on request ("manual"). */
  | { type: "context_compacted"; reason: CompactionReason }
  /** The model stopped without finishing; a nudge was sent and the turn goes on (attempt of max). */
  | { type: "auto_continue"; reason: string; attempt: number; max: number }
  | { type: "warning"; message: string }
  /** `window`: the gateway is unreachable after having answered; retried until the window closes. */
  | { type: "retry"; attempt: number; max: number; reason: string; window?: RetryWindow }
  | { type: "error"; message: string }
  | { type: "turn_complete"; lastMessage: string | null; usage: Usage }
  | { type: "turn_failed"; message: string; usage: Usage }
  | { type: "turn_aborted"; reason: string; usage: Usage };

export type AgentEventType = AgentEvent["type"];
