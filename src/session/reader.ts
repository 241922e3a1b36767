// Reads a rollout back: the session's meta, the model history to resume from and the last token usage.
// Contract: never throws on content; an unreadable line (garbage, a line cut short by a crash) is skipped and
// reported in `warnings`; record types this reader does not use (stock Codex's `world_state`,
// `token_usage_record`, …) are skipped silently. Reading never modifies the file.
import { readFileSync } from "node:fs";
import { summaryHistory } from "../agent/compact.ts";
import type { ContentPart, HistoryItem } from "../protocol/items.ts";
import type { Usage } from "../protocol/model.ts";
import type { RolloutRecord, SessionMeta } from "./types.ts";

export interface Rollout {
  path: string;
  meta?: SessionMeta;
  /** The model history: response items in order, restarted at every `compacted` record. */
  history: HistoryItem[];
  /** Every readable record in order; empty when read with `records: false`. */
  records: RolloutRecord[];
  /** The last `token_count` event: the session's totals, and the last request's usage when no compaction
   * followed it (it then measures the conversation the next request continues). */
  usage?: { total: Usage; last?: Usage };
  warnings: string[];
}

export interface ReadOptions {
  /**
   * Keep every record in `records` (default true). Without them (exec needs only meta, history and warnings),
   * events are dropped as soon as they are checked, which spares the garbage collector a big resume's copies.
   */
  records?: boolean;
}

const RECORD_TYPES = new Set(["session_meta", "response_item", "turn_context", "event_msg", "compacted"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A history item in the shapes this agent replays; other item types (e.g. stock Codex's `local_shell_call`)
 * and non-text content parts are dropped, so a foreign rollout still resumes.
 */
export function toHistoryItem(raw: unknown): HistoryItem | undefined {
  if (!isObject(raw)) return undefined;
  switch (raw.type) {
    case "message": {
      if (!["user", "assistant", "system", "developer"].includes(raw.role as string)) return undefined;
      if (!Array.isArray(raw.content)) return undefined;
      const content = raw.content.filter(
        (p): p is ContentPart =>
          isObject(p) &&
          (((p.type === "input_text" || p.type === "output_text") && typeof p.text === "string") ||
            (p.type === "input_image" && typeof p.image_url === "string")),
      );
      return { ...(raw as object), content } as HistoryItem;
    }
    case "reasoning": {
      // Ours carry `text`; stock Codex's carry `summary` (and raw `content`) parts.
      const { summary, content, encrypted_content: _, ...rest } = raw;
      const text = typeof raw.text === "string" ? raw.text : partsText(summary) || partsText(content);
      return { ...rest, text } as HistoryItem;
    }
    case "function_call":
      return typeof raw.call_id === "string" && typeof raw.name === "string"
        ? ({ ...raw, arguments: typeof raw.arguments === "string" ? raw.arguments : "{}" } as HistoryItem)
        : undefined;
    case "function_call_output":
      return typeof raw.call_id === "string" && typeof raw.output === "string"
        ? (raw as unknown as HistoryItem)
        : undefined;
    default:
      return undefined;
  }
}

/** The texts of `[{text}]` parts, joined by newlines; "" for anything else. */
function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return "";
  return parts
    .filter((p) => isObject(p) && typeof p.text === "string")
    .map((p) => p.text)
    .join("\n");
}

/** A usage object as either writer stores it; undefined unless it has token counts. */
function toUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const n = (k: string) => (typeof raw[k] === "number" ? (raw[k] as number) : 0);
  if (typeof raw.input_tokens !== "number" && typeof raw.total_tokens !== "number") return undefined;
  const usage: Usage = {
    input_tokens: n("input_tokens"),
    cached_input_tokens: n("cached_input_tokens"),
    output_tokens: n("output_tokens"),
    reasoning_output_tokens: n("reasoning_output_tokens"),
    total_tokens: n("total_tokens") || n("input_tokens") + n("output_tokens"),
  };
  if (typeof raw.cache_write_input_tokens === "number")
    usage.cache_write_input_tokens = raw.cache_write_input_tokens;
  return usage;
}

/** A record, "other" for a well-formed record of a type this reader does not use, undefined when unreadable. */
function parseRecord(line: string): RolloutRecord | "other" | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value) || typeof value.type !== "string" || !isObject(value.payload)) return undefined;
  if (!RECORD_TYPES.has(value.type)) return "other";
  return value as unknown as RolloutRecord;
}

export function parseRollout(text: string, path: string, options: ReadOptions = {}): Rollout {
  const lines = text.split("\n");
  return parseLines(lines.length, (i) => lines[i], text.endsWith("\n") || text === "", path, options);
}

/**
 * `parseRollout` of the file's bytes, decoding one line at a time: a single non-ASCII character anywhere
 * makes a whole-file string two-byte (and its decoding and every JSON.parse over it several times
 * slower); per line, only the lines that hold one pay for it. Same records, history and warnings.
 */
export function parseRolloutBytes(bytes: Buffer, path: string, options: ReadOptions = {}): Rollout {
  const starts = [0];
  for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, nl + 1)) starts.push(nl + 1);
  // As with split("\n"): n newlines make n + 1 lines, the last one empty when the file ends with one.
  const line = (i: number) => {
    const end = i + 1 < starts.length ? starts[i + 1] - 1 : bytes.length;
    return bytes.toString("utf8", starts[i], end);
  };
  const complete = bytes.length === 0 || bytes[bytes.length - 1] === 10;
  return parseLines(starts.length, line, complete, path, options);
}

function parseLines(
  count: number,
  lineAt: (i: number) => string,
  complete: boolean,
  path: string,
  options: ReadOptions,
): Rollout {
  const rollout: Rollout = { path, history: [], records: [], warnings: [] };
  const keep = options.records !== false;
  for (let index = 0; index < count; index++) {
    const line = lineAt(index);
    const last = index === count - 1;
    if (last && line === "") break;
    if (!line.trim()) continue;
    const record = parseRecord(line);
    if (!record) {
      const what = last && !complete ? "an incomplete last line" : "an unreadable line";
      rollout.warnings.push(`skipped ${what} (line ${index + 1}) in ${path}`);
      continue;
    }
    if (record === "other") continue;
    if (keep) rollout.records.push(record);
    apply(rollout, record);
  }
  return rollout;
}

function apply(rollout: Rollout, record: RolloutRecord): void {
  switch (record.type) {
    case "session_meta":
      if (!rollout.meta && typeof record.payload.id === "string") rollout.meta = record.payload;
      break;
    case "response_item": {
      const item = toHistoryItem(record.payload);
      if (item) rollout.history.push(item);
      break;
    }
    case "compacted": {
      const replacement = record.payload.replacement_history;
      if (Array.isArray(replacement)) {
        rollout.history = replacement.map(toHistoryItem).filter((i): i is HistoryItem => i !== undefined);
      } else if (typeof record.payload.message === "string") {
        // Older Codex rollouts carry only the summary: rebuild as Codex did (user messages + summary).
        rollout.history = summaryHistory([], rollout.history, record.payload.message);
      }
      // The last request measured the conversation before compaction, not the one to continue.
      if (rollout.usage) rollout.usage = { total: rollout.usage.total };
      break;
    }
    case "event_msg": {
      const p = record.payload as { type?: unknown; info?: unknown };
      if (p.type !== "token_count" || !isObject(p.info)) break;
      const total = toUsage(p.info.total_token_usage);
      if (total) rollout.usage = { total, last: toUsage(p.info.last_token_usage) };
      break;
    }
    case "turn_context":
      // Stock Codex names the model in turn_context only; a resumed session keeps it.
      if (rollout.meta && !rollout.meta.model && typeof record.payload.model === "string")
        rollout.meta.model = record.payload.model;
      break;
    default:
      record satisfies never;
  }
}

/** Reads and parses a rollout file. Throws only when the file cannot be read at all. */
export function readRollout(path: string, options: ReadOptions = {}): Rollout {
  return parseRolloutBytes(readFileSync(path), path, options);
}
