// The approval contract between the tool layer and an interactive front end (the TUI). `exec` passes no
// prompt: whatever would need approval there is declined, and the model is told why.
import type { FileChange } from "../../protocol/events.ts";
import type { PatchPreview } from "../types.ts";

export type ApprovalRequest =
  | {
      kind: "command";
      callId: string;
      command: string[];
      cwd: string;
      /** Why approval is needed, one line for the user. */
      reason: string;
      /** True when, once approved, the command runs without the OS sandbox. */
      unsandboxed: boolean;
      /** The model's own justification, when it asked to leave the sandbox. */
      justification?: string;
    }
  | {
      kind: "patch";
      callId: string;
      cwd: string;
      changes: FileChange[];
      reason: string;
      /** Paths the policy would refuse (outside the writable roots, inside `.git`); approval allows them. */
      outsidePaths: string[];
      /** The files before and after the patch, when they could be computed: the prompt shows the diff. */
      preview?: PatchPreview[];
    }
  | {
      /** A tool of an MCP server (which runs outside the sandbox). */
      kind: "mcp";
      callId: string;
      server: string;
      tool: string;
      /** The arguments as JSON text. */
      arguments: string;
      reason: string;
    };

/**
 * `yes`: this once. `always`: this exact command (or these files) for the rest of the session. `no`: declined;
 * `feedback`, when given, is passed to the model as what to do instead.
 */
export type ApprovalDecision = "yes" | "always" | "no";

export interface ApprovalAnswer {
  decision: ApprovalDecision;
  feedback?: string;
}

export interface ApprovalPrompt {
  /** Asks the user. Must settle when `signal` aborts (the answer is then ignored). */
  ask(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer>;
}
