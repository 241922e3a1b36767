// Writes a session's rollout as it happens: `session_meta` first, then history items, one `turn_context`
// per turn, the persisted subset of events, and `compacted` records. Subscribes to the agent through its
// `emit`, `onItem` and `onCompacted` hooks; never throws (a failed write turns recording off with a warning).
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { AgentEvent } from "../protocol/events.ts";
import type { HistoryItem } from "../protocol/items.ts";
import { uuidv7 } from "../util/uuid.ts";
import { JsonlAppender } from "./appender.ts";
import { lockSession, type SessionLock, tryLockSession } from "./lock.ts";
import { rolloutPath } from "./paths.ts";
import type { EventMsgRecord, RolloutRecord, SessionMeta, TurnContextRecord } from "./types.ts";

export interface RecorderSettings {
  /** Written at the start of every turn; the front end updates it when the model or policy changes. */
  turnContext: TurnContextRecord;
  contextWindow?: number;
  /** Told once when a write fails; recording stops there. */
  onError?: (error: Error) => void;
  /** The session's lock when the caller took it already (resume); otherwise the recorder takes it. */
  lock?: SessionLock;
  /** Applied to every record before it is written (the session's secret redaction). */
  redact?: <T>(record: T) => T;
}

export class SessionRecorder {
  private constructor(
    private readonly file: JsonlAppender,
    readonly id: string,
    readonly settings: RecorderSettings,
    private readonly now: () => Date,
    private readonly lock: SessionLock,
  ) {}

  get path(): string {
    return this.file.path;
  }

  /**
   * Creates `sessions/YYYY/MM/DD/rollout-….jsonl`, locked, and writes `session_meta`. Throws when it cannot
   * (then neither the rollout nor its lock is left behind).
   */
  static create(
    codexHome: string,
    meta: Omit<SessionMeta, "timestamp">,
    settings: RecorderSettings,
    now: () => Date = () => new Date(),
  ): SessionRecorder {
    const started = now();
    const path = rolloutPath(codexHome, meta.id, started);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const lock = lockSession(path, meta.id);
    const file = JsonlAppender.open(path, { onError: settings.onError });
    try {
      file.appendOrThrow({
        timestamp: started.toISOString(),
        type: "session_meta",
        payload: { ...meta, timestamp: started.toISOString() },
      } satisfies RolloutRecord);
    } catch (error) {
      lock.release();
      throw (error as Error).cause ?? error;
    }
    return new SessionRecorder(file, meta.id, settings, now, lock);
  }

  /**
   * Appends to an existing rollout (resume), under the session's lock. Throws when the file cannot be opened,
   * and SessionInUseError when another live process holds the lock.
   */
  static resume(
    path: string,
    id: string,
    settings: RecorderSettings,
    now: () => Date = () => new Date(),
  ): SessionRecorder {
    const lock = settings.lock ?? tryLockSession(path, id);
    try {
      const file = JsonlAppender.open(path, { mustExist: true, onError: settings.onError });
      return new SessionRecorder(file, id, settings, now, lock);
    } catch (error) {
      lock.release();
      throw error;
    }
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

  /** Closes the file and releases the session's lock. */
  close(): void {
    this.file.close();
    this.lock.release();
  }

  private event(payload: EventMsgRecord): void {
    this.write({ timestamp: this.stamp(), type: "event_msg", payload });
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private write(record: RolloutRecord): void {
    this.file.append(this.settings.redact ? this.settings.redact(record) : record);
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
