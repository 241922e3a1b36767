// A tool is data plus `execute`: what the model sees (`output`) and what the user sees (`display`, events) stay
// apart.
import type { AgentEvent, FileChange, PatchFileDiff } from "../protocol/events.ts";
import type { ToolSpec } from "../protocol/model.ts";

export interface ToolContext {
  /** Working directory of the session. */
  cwd: string;
  /** Directories the agent may write to (absolute, real paths). */
  writableRoots: string[];
  signal: AbortSignal;
  callId: string;
  emit: (event: AgentEvent) => void;
  /** Paths inside the writable roots that stay read-only (`.git`, `.codex`); apply_patch refuses them. */
  readOnlyPaths?: string[];
  /**
   * Decides patches that need approval (policy `untrusted`, or paths the roots refuse). Absent: refused paths
   * are refused and everything else is applied.
   */
  approvePatch?: (request: PatchApprovalRequest) => Promise<PatchVerdict>;
  /** Decides MCP tool calls under the approval policy. Absent: every call runs. */
  approveMcp?: (request: McpApprovalRequest) => Promise<McpVerdict>;
}

export interface McpApprovalRequest {
  callId: string;
  server: string;
  tool: string;
  /** The arguments as JSON text, for the user to read. */
  arguments: string;
  /** The server marks the tool `readOnlyHint: true`. */
  readOnly: boolean;
  signal: AbortSignal;
}

export type McpVerdict = { allow: true } | { allow: false; reason: string };

export interface PatchApprovalRequest {
  callId: string;
  cwd: string;
  changes: FileChange[];
  /** Paths the writable roots refuse, each with the message the model would get. */
  refused: { path: string; message: string }[];
  signal: AbortSignal;
  /** What each file would hold after the patch, computed without writing; only asked for when prompting. */
  preview?: () => Promise<PatchPreview[] | undefined>;
}

/** One file of a patch before and after it ("" when absent), for the approval prompt's diff. */
export interface PatchPreview {
  path: string;
  before: string;
  after: string;
}

/** `unrestricted`: the user approved writing outside the roots, so the patch applies without them. */
export type PatchVerdict = { allow: true; unrestricted: boolean } | { allow: false; reason: string };

export interface ToolResult {
  /** Text sent back to the model as the tool message. */
  output: string;
  /** True when the call failed in a way the model should notice (unknown tool, bad arguments, …). */
  isError?: boolean;
  /** What the user is shown of the call, computed from what the tool itself did (never re-read later). */
  display?: ToolDisplay;
}

export type ToolDisplay = { kind: "patch"; files: PatchFileDiff[] };

export interface Tool {
  spec: ToolSpec;
  execute(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult>;
}
