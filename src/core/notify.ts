// `notify = ["prog", "arg"]`: after each completed turn the program runs with one more argument, Codex's JSON
// payload `{"type":"agent-turn-complete","thread-id","turn-id","cwd","input-messages","last-assistant-message"}`.
// Detached and never waited for: it cannot block or fail a turn, and its output never reaches the terminal.
import { spawn } from "node:child_process";
import type { AgentEvent } from "../protocol/events.ts";
import { uuidv7 } from "../util/uuid.ts";

export interface TurnCompletePayload {
  type: "agent-turn-complete";
  "thread-id": string;
  "turn-id": string;
  cwd: string;
  "input-messages": string[];
  "last-assistant-message": string | null;
}

/** Runs `argv` with the payload as its last argument, detached; a program that cannot start is ignored. */
export function runNotify(argv: string[], payload: TurnCompletePayload): void {
  try {
    const child = spawn(argv[0], [...argv.slice(1), JSON.stringify(payload)], {
      detached: true,
      stdio: "ignore",
    });
    child.on("error", () => {});
    child.unref();
  } catch {
    // A notification is best effort.
  }
}

/**
 * An event observer that calls `notify` when a turn completes; a no-op without `notify`. `threadId` is read at
 * the end of each turn, as the TUI's session can change between turns (/new, /resume).
 */
export function turnNotifier(
  notify: string[] | undefined,
  threadId: () => string,
  cwd: string,
): (event: AgentEvent) => void {
  if (!notify || notify.length === 0) return () => {};
  let prompt: string | undefined;
  return (event) => {
    if (event.type === "turn_started") prompt = event.prompt;
    else if (event.type === "turn_complete") {
      runNotify(notify, {
        type: "agent-turn-complete",
        "thread-id": threadId(),
        "turn-id": uuidv7(),
        cwd,
        "input-messages": prompt === undefined ? [] : [prompt],
        "last-assistant-message": event.lastMessage,
      });
    }
  };
}
