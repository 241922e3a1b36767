// In-memory LiteLLM usage per session and per model (the original's session-telemetry crate): feeds the
// TUI's `/status` "LiteLLM usage" card and exec's closing summary. It exists whether or not telemetry files
// are enabled. A "turn" here is one model response, as in the original.
import type { Usage } from "../protocol/model.ts";

/** One model response's usage: also the shape of a `codex-litellm-session.jsonl` line (see `sessionLine`). */
export interface UsageRecord {
  /** RFC 3339 with milliseconds, UTC. */
  ts: string;
  sessionId: string;
  model: string;
  reasoningEffort?: string;
  usage: Usage;
  /** LiteLLM `x-litellm-response-cost` of this response, when the gateway sent it. */
  cost?: number;
}

export interface UsageTotals {
  turns: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  /** Sum of the known response costs; undefined when no response carried one. */
  cost?: number;
}

export interface ModelUsage extends UsageTotals {
  model: string;
  lastEffort?: string;
}

export interface UsageSummary extends UsageTotals {
  sessionId?: string;
  lastModel?: string;
  lastEffort?: string;
  /** Per model, most tokens first (ties by name). */
  models: ModelUsage[];
}

function emptyTotals(): UsageTotals {
  return { turns: 0, promptTokens: 0, completionTokens: 0, reasoningTokens: 0, totalTokens: 0 };
}

function add(t: UsageTotals, r: UsageRecord): void {
  t.turns++;
  t.promptTokens += r.usage.input_tokens;
  t.completionTokens += r.usage.output_tokens;
  t.reasoningTokens += r.usage.reasoning_output_tokens;
  t.totalTokens += r.usage.total_tokens || r.usage.input_tokens + r.usage.output_tokens;
  if (r.cost !== undefined) t.cost = (t.cost ?? 0) + r.cost;
}

interface SessionUsage {
  totals: UsageTotals;
  models: Map<string, ModelUsage>;
  lastModel?: string;
  lastEffort?: string;
}

export class UsageAggregator {
  private readonly sessions = new Map<string, SessionUsage>();
  private current?: string;

  record(r: UsageRecord): void {
    let s = this.sessions.get(r.sessionId);
    if (!s) {
      s = { totals: emptyTotals(), models: new Map() };
      this.sessions.set(r.sessionId, s);
    }
    this.current = r.sessionId;
    add(s.totals, r);
    let m = s.models.get(r.model);
    if (!m) {
      m = { model: r.model, ...emptyTotals() };
      s.models.set(r.model, m);
    }
    add(m, r);
    m.lastEffort = r.reasoningEffort;
    s.lastModel = r.model;
    s.lastEffort = r.reasoningEffort;
  }

  /** The summary of `sessionId`, by default the session that recorded last. */
  summary(sessionId = this.current): UsageSummary {
    const s = sessionId === undefined ? undefined : this.sessions.get(sessionId);
    if (!s) return { sessionId, ...emptyTotals(), models: [] };
    const models = [...s.models.values()]
      .map((m) => ({ ...m }))
      .sort((a, b) => b.totalTokens - a.totalTokens || (a.model < b.model ? -1 : 1));
    return { sessionId, ...s.totals, lastModel: s.lastModel, lastEffort: s.lastEffort, models };
  }
}

/** The `codex-litellm-session.jsonl` line (without newline) for one record. */
export function sessionLine(r: UsageRecord): string {
  const line: Record<string, unknown> = {
    ts: r.ts,
    session_id: r.sessionId,
    model: r.model,
    reasoning_effort: r.reasoningEffort ?? null,
    prompt_tokens: r.usage.input_tokens,
    completion_tokens: r.usage.output_tokens,
    reasoning_tokens: r.usage.reasoning_output_tokens,
    total_tokens: r.usage.total_tokens,
  };
  if (r.cost !== undefined) line.response_cost = r.cost;
  return JSON.stringify(line);
}

/** 950 → "950", 12_345 → "12.3K", 1_250_000 → "1.25M": compact and stable for cards. */
export function compactTokens(n: number): string {
  if (n < 1000) return String(n);
  const [value, unit] = n < 1e6 ? [n / 1e3, "K"] : n < 1e9 ? [n / 1e6, "M"] : [n / 1e9, "B"];
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${Number(value.toFixed(digits))}${unit}`;
}

export function formatCost(cost: number): string {
  return `$${cost < 0.01 ? cost.toFixed(6).replace(/0+$/, "").replace(/\.$/, ".00") : cost.toFixed(4)}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * The "LiteLLM usage" card as lines (the original's `/status` row): a headline, then one row per model,
 * the `maxModels` largest, then "… N additional models". Before any response: one "no turns" line.
 */
export function formatUsageSummary(s: UsageSummary, options: { maxModels?: number } = {}): string[] {
  if (s.turns === 0) return ["LiteLLM usage: no LiteLLM turns recorded yet"];
  const maxModels = options.maxModels ?? 5;
  const effort = (e?: string) => `last effort ${e ?? "default"}`;
  const cost = (c?: number) => (c !== undefined ? ` • ${formatCost(c)}` : "");
  const lines = [
    `LiteLLM usage: ${compactTokens(s.totalTokens)} tokens across ${plural(s.turns, "turn")} ` +
      `(last model ${s.lastModel ?? "unknown"} • ${effort(s.lastEffort)})${cost(s.cost)}`,
  ];
  for (const m of s.models.slice(0, maxModels)) {
    lines.push(
      `  • ${m.model} ${compactTokens(m.totalTokens)} tokens in ${plural(m.turns, "turn")} • ${effort(m.lastEffort)}${cost(m.cost)}`,
    );
  }
  const more = s.models.length - maxModels;
  if (more > 0) lines.push(`  … ${more} additional ${more === 1 ? "model" : "models"}`);
  return lines;
}
