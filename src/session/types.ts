// Shapes of rollout records (Codex's layout): one `{timestamp, type, payload}` JSON object per line.
import type { HistoryItem } from "../protocol/items.ts";
import type { Usage } from "../protocol/model.ts";

export const ORIGINATOR = "codex-litellm";

export interface GitInfo {
  commit_hash?: string;
  branch?: string;
}

export interface SessionMeta {
  id: string;
  timestamp: string;
  cwd: string;
  originator: string;
  cli_version: string;
  /** How the session was started: "exec" (or "cli" for the TUI). */
  source: string;
  model_provider: string;
  model: string;
  git?: GitInfo;
}

export type SandboxPolicyRecord =
  | { type: "read-only" }
  | { type: "danger-full-access" }
  | { type: "workspace-write"; writable_roots: string[]; network_access: boolean };

export interface TurnContextRecord {
  /** Written per turn by the recorder (stock Codex reads it). */
  turn_id?: string;
  cwd: string;
  approval_policy: string;
  sandbox_policy: SandboxPolicyRecord;
  model: string;
  effort?: string;
  /** `model_reasoning_summary`; stock Codex requires the field ("auto" when not configured). */
  summary?: string;
  developer_instructions?: string;
}

export interface CompactedRecord {
  /** The hand-off summary the model wrote. */
  message: string;
  /** The whole model history after compaction; resume starts from it. */
  replacement_history?: HistoryItem[];
}

/** The persisted subset of events, named as Codex names them in rollouts. */
export type EventMsgRecord =
  | { type: "task_started"; turn_id?: string; model_context_window?: number }
  | { type: "user_message"; message: string }
  | { type: "agent_message"; message: string }
  | { type: "agent_reasoning"; text: string }
  | {
      type: "token_count";
      info: { total_token_usage: Usage; last_token_usage: Usage; model_context_window?: number };
      rate_limits: null;
    }
  | { type: "context_compacted" }
  | { type: "error"; message: string }
  | { type: "task_complete"; last_agent_message: string | null }
  | { type: "turn_aborted"; reason: string };

export type RolloutRecord =
  | { timestamp: string; type: "session_meta"; payload: SessionMeta }
  | { timestamp: string; type: "response_item"; payload: HistoryItem }
  | { timestamp: string; type: "turn_context"; payload: TurnContextRecord }
  | { timestamp: string; type: "event_msg"; payload: EventMsgRecord }
  | { timestamp: string; type: "compacted"; payload: CompactedRecord };

export type RolloutRecordType = RolloutRecord["type"];
