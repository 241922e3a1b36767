// Writes a session's rollout as it happens: `session_meta` first, then history items, one `turn_context`
// per turn, the persisted subset of events, and `compacted` records. Subscribes to the agent through its
// `emit`, `onItem` and `onCompacted` hooks; never throws (a failed write turns recording off with a warning).
import type { AgentEvent } from "../protocol/events.ts";
import type { HistoryItem } from "../protocol/items.ts";
import { uuidv7 } from "../util/uuid.ts";
import { JsonlAppender } from "./appender.ts";
import { rolloutPath } from "./paths.ts";
import type { EventMsgRecord, RolloutRecord, SessionMeta, TurnContextRecord } from "./types.ts";

export interface RecorderSettings {
  /** Written at the start of every turn; the front end updates it when the model or policy changes. */
  turnContext: TurnContextRecord;
  contextWindow?: number;
  /** Told once when a write fails; recording stops there. */
  onError?: (error: Error) => void;
}

export class SessionRecorder {
  private constructor(
    private readonly file: JsonlAppender,
    readonly id: string,
    readonly settings: RecorderSettings,
    private readonly now: () => Date,
  ) {}

  get path(): string {
    return this.file.path;
  }

  /** Creates `sessions/YYYY/MM/DD/rollout-….jsonl` and writes `session_meta`. Throws when it cannot. */
  static create(
    codexHome: string,
    meta: Omit<SessionMeta, "timestamp">,
    settings: RecorderSettings,
    now: () => Date = () => new Date(),
  ): SessionRecorder {
    const started = now();
    const file = JsonlAppender.open(rolloutPath(codexHome, meta.id, started), { onError: settings.onError });
    const recorder = new SessionRecorder(file, meta.id, settings, now);
    recorder.write({
      timestamp: started.toISOString(),
      type: "session_meta",
      payload: { ...meta, timestamp: started.toISOString() },
    });
    return recorder;
  }

  /** Appends to an existing rollout (resume). Throws when the file cannot be opened. */
  static resume(
    path: string,
    id: string,
    settings: RecorderSettings,
    now: () => Date = () => new Date(),
  ): SessionRecorder {
    return new SessionRecorder(
      JsonlAppender.open(path, { mustExist: true, onError: settings.onError }),
      id,
      settings,
      now,
    );
  }

  recordItem(item: HistoryItem): void {
    this.write({ timestamp: this.stamp(), type: "response_item", payload: rolloutItem(item) });
  }

  recordCompacted(summary: string, replacementHistory: HistoryItem[]): void {
    this.write({
      timestamp: this.stamp(),
      type: "compacted",
      payload: { message: summary, replacement_history: replacementHistory },
    });
  }

  recordEvent(event: AgentEvent): void {
    switch (event.type) {
      case "turn_started": {
        const turnId = uuidv7();
        const payload = { summary: "auto", ...this.settings.turnContext, turn_id: turnId };
        this.write({ timestamp: this.stamp(), type: "turn_context", payload });
        this.event({
          type: "task_started",
          turn_id: turnId,
          model_context_window: this.settings.contextWindow,
        });
        this.event({ type: "user_message", message: event.prompt });
        break;
      }
      case "agent_message":
        this.event({ type: "agent_message", message: event.text });
        break;
      case "reasoning":
        if (event.text) this.event({ type: "agent_reasoning", text: event.text });
        break;
      case "token_count":
        this.event({
          type: "token_count",
          info: {
            total_token_usage: event.total,
            last_token_usage: event.last,
            model_context_window: event.contextWindow,
          },
          rate_limits: null,
        });
        break;
      case "context_compacted":
        this.event({ type: "context_compacted" });
        break;
      case "error":
        this.event({ type: "error", message: event.message });
        break;
      case "turn_complete":
        this.event({ type: "task_complete", last_agent_message: event.lastMessage });
        break;
      case "turn_aborted":
        this.event({ type: "turn_aborted", reason: event.reason });
        break;
      default:
        // Deltas, tool progress, warnings and retries are not persisted (Codex's default subset).
        break;
    }
  }

  close(): void {
    this.file.close();
  }

  private event(payload: EventMsgRecord): void {
    this.write({ timestamp: this.stamp(), type: "event_msg", payload });
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private write(record: RolloutRecord): void {
    this.file.append(record);
  }
}

/**
 * A reasoning item as stock Codex replays it: with a `summary` array (Codex skips reasoning without one) and
 * the text as raw `content`; our own fields stay for our replay.
 */
function rolloutItem(item: HistoryItem): HistoryItem {
  if (item.type !== "reasoning") return item;
  const text = item.text ? [item.text] : [];
  return {
    ...item,
    summary: text.map((t) => ({ type: "summary_text", text: t })),
    content: text.map((t) => ({ type: "reasoning_text", text: t })),
  } as HistoryItem;
}
