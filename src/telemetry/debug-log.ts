// The debug event log: one JSON object per line, `{"ts", "kind", "session_id", …fields}`, every string
// redacted. Each run writes its own file (see `debugLogName`); `session_id` tells sessions of one TUI apart.
// Kinds: `telemetry.*` (start, pruning), `wire.*` (request, response, chunk, stream_end, retry, fallback),
// `agent.<AgentEvent type>` and `agent.deltas`, and whatever callers pass to `note()` (render events from
// the TUI later).
//
// Volume: a fast model streams tens of thousands of chunks and deltas per response. Per chunk this costs
// two additions and a comparison; only the first CHUNK_SAMPLE chunks of each response and its last chunk
// are written verbatim, followed by a `wire.stream_end` count. Deltas are counted and written as one
// `agent.deltas` line before the next non-delta event. Lines are buffered and written asynchronously.
import type { WireLog } from "../gateway/client.ts";
import type { AgentEvent } from "../protocol/events.ts";
import type { Redactor } from "../util/redact.ts";
import type { LogFile } from "./log-file.ts";

/** Chunks of each response written verbatim (shows the stream's shape: role, first tool-call deltas). */
export const CHUNK_SAMPLE = 8;
/** Longest string written for one field; longer text is cut with a length marker. */
export const MAX_FIELD_CHARS = 4096;

interface StreamState {
  started: number;
  chunks: number;
  bytes: number;
  last?: string;
}

type DeltaCounter = "message" | "reasoning" | "output";

export interface DebugLogOptions {
  file: LogFile;
  redact: Redactor;
  now?: () => number;
  /** Written on every line (`session_id`); follows `session_configured` events (TUI `/new`, `/resume`). */
  sessionId?: string;
}

export class DebugLog {
  private stream?: StreamState;
  private readonly deltas: Record<DeltaCounter, { count: number; chars: number }> = {
    message: { count: 0, chars: 0 },
    reasoning: { count: 0, chars: 0 },
    output: { count: 0, chars: 0 },
  };
  private deltaPending = false;
  private readonly now: () => number;
  private sessionId?: string;

  constructor(private readonly options: DebugLogOptions) {
    this.now = options.now ?? Date.now;
    this.sessionId = options.sessionId;
  }

  get path(): string {
    return this.options.file.path;
  }

  /** Writes one line. `fields` are redacted and long strings cut. */
  note(kind: string, fields: Record<string, unknown> = {}): void {
    let line: string;
    try {
      const body = this.options.redact.value(fields, MAX_FIELD_CHARS) as Record<string, unknown>;
      line = JSON.stringify({ ...this.head(kind), ...body });
    } catch (error) {
      // A value JSON cannot hold (a BigInt from a future caller) must not fail the run.
      line = JSON.stringify({ ...this.head(kind), unserializable: String(error) });
    }
    this.options.file.write(`${line}\n`);
  }

  private head(kind: string): Record<string, unknown> {
    return { ts: new Date(this.now()).toISOString(), kind, session_id: this.sessionId };
  }

  onWire(entry: WireLog): void {
    switch (entry.kind) {
      case "chunk": {
        const s = this.stream;
        if (!s) return;
        s.chunks++;
        s.bytes += entry.data.length;
        if (s.chunks <= CHUNK_SAMPLE) this.note("wire.chunk", { n: s.chunks, data: entry.data });
        else s.last = entry.data;
        return;
      }
      case "request":
        this.endStream();
        this.stream = { started: this.now(), chunks: 0, bytes: 0 };
        this.note("wire.request", {
          method: "POST",
          url: entry.url,
          model: entry.model,
          stream: entry.stream,
          bytes: entry.bytes,
          attempt: entry.attempt,
        });
        return;
      case "response":
        this.note("wire.response", {
          status: entry.status,
          ms: this.stream ? this.now() - this.stream.started : undefined,
          headers: entry.headers,
        });
        return;
      case "retry":
        this.endStream();
        this.note("wire.retry", { attempt: entry.attempt, reason: entry.reason, delay_ms: entry.delayMs });
        return;
      case "fallback":
        this.endStream();
        this.note("wire.fallback", { model: entry.model, reason: entry.reason });
        return;
      default:
        entry satisfies never;
    }
  }

  onEvent(event: AgentEvent): void {
    if (event.type === "agent_message_delta") {
      this.countDelta("message", event.delta.length);
      return;
    }
    if (event.type === "reasoning_delta") {
      this.countDelta("reasoning", event.delta.length);
      return;
    }
    if (event.type === "exec_command_output_delta") {
      this.countDelta("output", event.chunk.length);
      return;
    }
    this.flushDeltas();
    if (event.type === "session_configured") this.sessionId = event.session.sessionId;
    // A response is complete once the agent has its usage or the turn ended: summarise its stream.
    if (event.type === "token_count" || event.type.startsWith("turn_") || event.type === "error")
      this.endStream();
    const { type, ...fields } = event;
    // A patch's diffs repeat the files' text: the log keeps the paths and the outcome.
    if (type === "patch_apply_end") delete (fields as { diffs?: unknown }).diffs;
    this.note(`agent.${type}`, fields);
  }

  /** Writes pending summaries (call before closing the file). */
  finish(): void {
    this.flushDeltas();
    this.endStream();
  }

  private countDelta(which: DeltaCounter, chars: number): void {
    const d = this.deltas[which];
    d.count++;
    d.chars += chars;
    this.deltaPending = true;
  }

  private flushDeltas(): void {
    if (!this.deltaPending) return;
    const fields: Record<string, number> = {};
    for (const [name, d] of Object.entries(this.deltas)) {
      if (d.count === 0) continue;
      fields[`${name}_deltas`] = d.count;
      fields[`${name}_chars`] = d.chars;
      d.count = 0;
      d.chars = 0;
    }
    this.deltaPending = false;
    this.note("agent.deltas", fields);
  }

  private endStream(): void {
    const s = this.stream;
    if (!s) return;
    this.stream = undefined;
    this.note("wire.stream_end", {
      chunks: s.chunks,
      bytes: s.bytes,
      ms: this.now() - s.started,
      last_chunk: s.last,
    });
  }
}
