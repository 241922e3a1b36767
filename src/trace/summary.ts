// `trace summary`: the numbers of one session, derived from its rollout records only.
import { addUsage, emptyUsage } from "../protocol/usage.ts";
import { type TokenTotals, type TraceFile, tokenUsage } from "./records.ts";

export interface TraceSummary {
  session_id?: string;
  path: string;
  model?: string;
  model_provider?: string;
  cwd?: string;
  cli_version?: string;
  started?: string;
  ended?: string;
  duration_ms?: number;
  /** `task_started` events, else `user_message` events, else `turn_context` records (older writers). */
  turns: number;
  tool_calls: number;
  tool_calls_by_name: Record<string, number>;
  /** Model responses that reported usage (token_count events). */
  responses_with_usage: number;
  tokens: TokenTotals;
  assistant_replies: number;
  reasoning_events: number;
  errors: number;
  record_types: Record<string, number>;
  damaged_lines: number;
}

const TOOL_CALLS = new Set(["function_call", "custom_tool_call", "local_shell_call"]);

export function summarize(file: TraceFile): TraceSummary {
  const s: TraceSummary = {
    path: file.path,
    turns: 0,
    tool_calls: 0,
    tool_calls_by_name: {},
    responses_with_usage: 0,
    tokens: emptyUsage(),
    assistant_replies: 0,
    reasoning_events: 0,
    errors: 0,
    record_types: {},
    damaged_lines: file.damaged,
  };
  const counts = { task_started: 0, user_message: 0, turn_context: 0 };
  let summed = emptyUsage();
  let lastTotal: TokenTotals | undefined;
  let anyLast = false;
  let first: number | undefined;
  let last: number | undefined;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);

  for (const r of file.records) {
    s.record_types[r.type] = (s.record_types[r.type] ?? 0) + 1;
    const at = r.timestamp ? Date.parse(r.timestamp) : Number.NaN;
    if (Number.isFinite(at)) {
      if (first === undefined || at < first) {
        first = at;
        s.started = r.timestamp;
      }
      if (last === undefined || at > last) {
        last = at;
        s.ended = r.timestamp;
      }
    }
    const p = r.payload;
    if (r.type === "session_meta") {
      s.session_id ??= str(p.id);
      s.model_provider ??= str(p.model_provider);
      s.model ??= str(p.model);
      s.cwd ??= str(p.cwd);
      s.cli_version ??= str(p.cli_version);
    } else if (r.type === "turn_context") {
      counts.turn_context++;
      // The latest turn's model is the session's current one (a resume may have switched it).
      s.model = str(p.model) ?? s.model;
    } else if (r.type === "response_item") {
      if (r.kind && TOOL_CALLS.has(r.kind)) {
        s.tool_calls++;
        const name = str(p.name) ?? (r.kind === "local_shell_call" ? "local_shell" : "unknown");
        s.tool_calls_by_name[name] = (s.tool_calls_by_name[name] ?? 0) + 1;
      } else if (r.kind === "message" && p.role === "assistant") {
        s.assistant_replies++;
      }
    } else if (r.type === "event_msg") {
      if (r.kind === "task_started") counts.task_started++;
      else if (r.kind === "user_message") counts.user_message++;
      else if (r.kind === "error" || r.kind === "stream_error") s.errors++;
      else if (r.kind?.startsWith("agent_reasoning")) s.reasoning_events++;
      else if (r.kind === "token_count") {
        const lastUsage = tokenUsage(p, "last_token_usage");
        const total = tokenUsage(p, "total_token_usage");
        if (lastUsage || total) s.responses_with_usage++;
        if (lastUsage) {
          anyLast = true;
          summed = addUsage(summed, lastUsage);
        }
        if (total) lastTotal = total;
      }
    }
  }
  s.turns = counts.task_started || counts.user_message || counts.turn_context;
  // Per-response usage summed is exact across resumes (a resumed writer may restart its running total);
  // files with totals only fall back to the last running total.
  s.tokens = anyLast ? summed : (lastTotal ?? emptyUsage());
  if (first !== undefined && last !== undefined) s.duration_ms = last - first;
  return s;
}

export function formatDuration(ms: number): string {
  const sec = Math.round(ms / 1000);
  if (sec < 60) return `${sec}s`;
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const rest = sec % 60;
  return h ? `${h}h ${m}m ${rest}s` : `${m}m ${rest}s`;
}

const num = (n: number) => n.toLocaleString("en-US");

export function formatSummary(s: TraceSummary, localTime: (iso?: string) => string): string[] {
  const byName = Object.entries(s.tool_calls_by_name)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([name, n]) => `${name} ${n}`)
    .join(", ");
  const t = s.tokens;
  const lines = [
    `Session ${s.session_id ?? "(unknown id)"}`,
    `  file: ${s.path}`,
    `  model: ${s.model ?? "unknown"}${s.model_provider ? ` (provider ${s.model_provider})` : ""}`,
  ];
  if (s.cwd) lines.push(`  cwd: ${s.cwd}`);
  lines.push(
    `  started: ${localTime(s.started)}   duration: ${s.duration_ms === undefined ? "unknown" : formatDuration(s.duration_ms)}`,
    `  turns: ${s.turns}   tool calls: ${s.tool_calls}${byName ? ` (${byName})` : ""}`,
    `  assistant replies: ${s.assistant_replies}   reasoning events: ${s.reasoning_events}   errors: ${s.errors}`,
    `  tokens: ${num(t.total_tokens)} total (input ${num(t.input_tokens)}, cached ${num(t.cached_input_tokens)}, ` +
      `output ${num(t.output_tokens)}, reasoning ${num(t.reasoning_output_tokens)}) over ${s.responses_with_usage} responses`,
    `  records: ${Object.entries(s.record_types)
      .map(([type, n]) => `${type} ${n}`)
      .join(", ")}`,
  );
  if (s.damaged_lines) lines.push(`  damaged lines skipped: ${s.damaged_lines}`);
  return lines;
}
