// Reading a rollout file for inspection, and what `trace` derives from its records. Unlike the session
// reader (which rebuilds model history for resume), this keeps every record as written, unknown types
// included, with its raw line. Contract: never throws on content; a line that is not a JSON object with a
// string `type` is counted in `damaged` and skipped.
import { readFileSync } from "node:fs";
import type { Usage } from "../protocol/model.ts";

export interface TraceRecord {
  /** 1-based line number in the file. */
  line: number;
  timestamp?: string;
  type: string;
  /** `payload.type` when the payload has one (event_msg and response_item kinds). */
  kind?: string;
  payload: Record<string, unknown>;
  raw: string;
}

export interface TraceFile {
  path: string;
  records: TraceRecord[];
  damaged: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function readTraceFile(path: string): TraceFile {
  const text = readFileSync(path, "utf8");
  const records: TraceRecord[] = [];
  let damaged = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, "");
    if (raw.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      damaged++;
      continue;
    }
    if (!isObject(parsed) || typeof parsed.type !== "string") {
      damaged++;
      continue;
    }
    const payload = isObject(parsed.payload) ? parsed.payload : {};
    records.push({
      line: i + 1,
      timestamp: typeof parsed.timestamp === "string" ? parsed.timestamp : undefined,
      type: parsed.type,
      kind: typeof payload.type === "string" ? payload.type : undefined,
      payload,
      raw,
    });
  }
  return { path, records, damaged };
}

/** `event_msg/token_count`, `response_item/function_call`, or the bare record type. */
export function recordLabel(r: TraceRecord): string {
  return r.kind && (r.type === "event_msg" || r.type === "response_item") ? `${r.type}/${r.kind}` : r.type;
}

/** The human-readable text of a record (untruncated), for previews and `--contains`. */
export function recordText(r: TraceRecord): string {
  const p = r.payload;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  switch (r.kind ?? r.type) {
    case "session_meta":
      return [p.id, p.model ?? p.model_provider, p.cwd].filter((v) => typeof v === "string").join(" ");
    case "turn_context":
      return [
        `model=${str(p.model) ?? "?"}`,
        p.effort ? `effort=${p.effort}` : "",
        `cwd=${str(p.cwd) ?? "?"}`,
      ]
        .filter(Boolean)
        .join(" ");
    case "message": {
      const parts = Array.isArray(p.content) ? p.content : [];
      const text = parts
        .map((c) => (isObject(c) && typeof c.text === "string" ? c.text : ""))
        .filter(Boolean)
        .join(" ");
      return `${str(p.role) ?? "?"}: ${text}`;
    }
    case "reasoning": {
      const summary = Array.isArray(p.summary)
        ? p.summary.map((s) => (isObject(s) && typeof s.text === "string" ? s.text : "")).join(" ")
        : "";
      return str(p.text) ?? summary;
    }
    case "function_call":
    case "custom_tool_call":
      return `${str(p.name) ?? "?"}(${str(p.arguments) ?? str(p.input) ?? ""})`;
    case "function_call_output":
    case "custom_tool_call_output": {
      const output = isObject(p.output) ? str(p.output.content) : str(p.output);
      return output ?? JSON.stringify(p.output ?? "");
    }
    case "token_count": {
      const t = tokenUsage(p, "total_token_usage");
      const l = tokenUsage(p, "last_token_usage");
      return t ? `total ${t.total_tokens} (last ${l?.total_tokens ?? "?"})` : "no usage";
    }
  }
  return str(p.message) ?? str(p.text) ?? str(p.last_agent_message) ?? str(p.reason) ?? r.kind ?? "";
}

/** A session's token counts: the same shape as a response's usage. */
export type TokenTotals = Usage;

/** `payload.info[field]` of a token_count event as numbers (missing fields read 0), or undefined. */
export function tokenUsage(payload: Record<string, unknown>, field: string): TokenTotals | undefined {
  const info = payload.info;
  if (!isObject(info) || !isObject(info[field])) return undefined;
  const u = info[field] as Record<string, unknown>;
  const n = (k: string) => (typeof u[k] === "number" ? (u[k] as number) : 0);
  return {
    input_tokens: n("input_tokens"),
    cached_input_tokens: n("cached_input_tokens"),
    output_tokens: n("output_tokens"),
    reasoning_output_tokens: n("reasoning_output_tokens"),
    total_tokens: n("total_tokens") || n("input_tokens") + n("output_tokens"),
  };
}
