// Turns the agent's event stream (plus the gateway's wire log) into one UsageRecord per model response.
//
// A `token_count` event is emitted once per response with `last` = that response's usage. The model and
// LiteLLM cost of the response are taken from the event when it carries them (`model`, `cost`: see
// TokenCountEvent), else from the wire log: the model of the latest request, and the
// `x-litellm-response-cost` header of the latest response. Effort comes from `session_configured`.
import type { WireLog } from "../gateway/client.ts";
import type { AgentEvent } from "../protocol/events.ts";
import type { UsageRecord } from "./usage.ts";

/** `token_count` with the optional per-response fields this module reads when the agent provides them. */
export type TokenCountEvent = Extract<AgentEvent, { type: "token_count" }> & {
  /** Model that answered (ModelResponse.model, else the requested model). */
  model?: string;
  /** ModelResponse.cost (LiteLLM `x-litellm-response-cost`). */
  cost?: number;
  reasoningEffort?: string;
};

export interface UsageTrackerOptions {
  sessionId?: string;
  model?: string;
  reasoningEffort?: string;
  now?: () => Date;
  onRecord: (record: UsageRecord) => void;
}

export class UsageTracker {
  private sessionId: string;
  private model?: string;
  private effort?: string;
  private requestModel?: string;
  private pendingCost?: number;
  private readonly now: () => Date;

  constructor(private readonly options: UsageTrackerOptions) {
    this.sessionId = options.sessionId ?? "unknown";
    this.model = options.model;
    this.effort = options.reasoningEffort;
    this.now = options.now ?? (() => new Date());
  }

  onWire(entry: WireLog): void {
    if (entry.kind === "request") {
      this.requestModel = entry.model;
      this.pendingCost = undefined;
    } else if (entry.kind === "response") {
      this.pendingCost = parseCost(entry.headers["x-litellm-response-cost"]);
    }
  }

  onEvent(event: AgentEvent): void {
    if (event.type === "session_configured") {
      this.sessionId = event.session.sessionId;
      this.model = event.session.model;
      this.effort = event.session.reasoningEffort;
      return;
    }
    if (event.type !== "token_count") return;
    const e = event as TokenCountEvent;
    // A token_count without usage (e.g. after a compaction whose requests reported none) is no response.
    const u = e.last;
    if (!u.total_tokens && !u.input_tokens && !u.output_tokens) return;
    const cost = e.cost ?? this.pendingCost;
    this.pendingCost = undefined;
    const record: UsageRecord = {
      ts: this.now().toISOString(),
      sessionId: this.sessionId,
      model: e.model ?? this.requestModel ?? this.model ?? "unknown",
      reasoningEffort: e.reasoningEffort ?? this.effort,
      usage: e.last,
    };
    if (cost !== undefined) record.cost = cost;
    this.options.onRecord(record);
  }
}

function parseCost(header: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw.trim() === "") return undefined;
  const cost = Number(raw);
  return Number.isFinite(cost) ? cost : undefined;
}
