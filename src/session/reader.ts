// Reads a rollout back: the session's meta and the model history to resume from. Contract: never throws on
// content; an unreadable line (garbage, a line cut short by a crash) is skipped and reported in `warnings`.
// Reading never modifies the file.
import { readFileSync } from "node:fs";
import { summaryHistory } from "../agent/compact.ts";
import type { ContentPart, HistoryItem } from "../protocol/items.ts";
import type { RolloutRecord, SessionMeta } from "./types.ts";

export interface Rollout {
  path: string;
  meta?: SessionMeta;
  /** The model history: response items in order, restarted at every `compacted` record. */
  history: HistoryItem[];
  /** Every readable record in order; empty when read with `records: false`. */
  records: RolloutRecord[];
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
      if (raw.role !== "user" && raw.role !== "assistant" && raw.role !== "system") return undefined;
      if (!Array.isArray(raw.content)) return undefined;
      const content = raw.content.filter(
        (p): p is ContentPart =>
          isObject(p) &&
          (((p.type === "input_text" || p.type === "output_text") && typeof p.text === "string") ||
            (p.type === "input_image" && typeof p.image_url === "string")),
      );
      return { ...(raw as object), content } as HistoryItem;
    }
    case "reasoning":
      return { ...(raw as object), text: typeof raw.text === "string" ? raw.text : "" } as HistoryItem;
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

function parseRecord(line: string): RolloutRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value) || typeof value.type !== "string" || !RECORD_TYPES.has(value.type)) return undefined;
  if (!isObject(value.payload)) return undefined;
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
      break;
    }
    case "turn_context":
    case "event_msg":
      break;
    default:
      record satisfies never;
  }
}

/** Reads and parses a rollout file. Throws only when the file cannot be read at all. */
export function readRollout(path: string, options: ReadOptions = {}): Rollout {
  return parseRolloutBytes(readFileSync(path), path, options);
}
