// Prompts typed while the session is busy, and what Ctrl-C and Esc do. No React: the app keeps one
// PromptQueue and asks these functions, so the rules are tested without a terminal.
// Contract: queued prompts go one at a time, each once the session is idle again; after an interrupted turn
// none is sent: all of them return to the composer (joined with its draft), for the user to edit or resend.

/** Two Ctrl-C presses within this window quit (Codex's double press). */
export const QUIT_WINDOW_MS = 1500;

export type QueueStep =
  | { kind: "none" }
  /** Submit `text`; the rest stays queued. */
  | { kind: "send"; text: string; left: number }
  /** The last turn was interrupted: put `draft` in the composer; the queue is now empty. */
  | { kind: "restore"; draft: string; prompts: number };

export class PromptQueue {
  private items: string[] = [];
  private interrupted = false;

  /** The queued prompts, oldest first (drawn under the composer). */
  get prompts(): readonly string[] {
    return this.items;
  }

  add(text: string): void {
    this.items.push(text);
  }

  /** Follows the session's events: a turn that starts clears the interrupted mark, an aborted one sets it. */
  observe(event: { type: string }): void {
    if (event.type === "turn_started") this.interrupted = false;
    if (event.type === "turn_aborted") this.interrupted = true;
  }

  /** What to do now that the session may be idle; `draft` is the composer's text. */
  next(busy: boolean, draft: string): QueueStep {
    if (this.items.length === 0 || busy) return { kind: "none" };
    if (this.interrupted) {
      const prompts = this.items.length;
      const restored = [...this.items, draft].filter(Boolean).join("\n");
      this.items = [];
      return { kind: "restore", draft: restored, prompts };
    }
    const text = this.items.shift() as string;
    return { kind: "send", text, left: this.items.length };
  }
}

export type CtrlC = "interrupt" | "clear" | "quit" | "arm";

/**
 * Ctrl-C: interrupts what runs; else clears the draft; else quits when pressed again within QUIT_WINDOW_MS of
 * the last press (`armedAt`, 0 when not armed), or arms the quit.
 */
export function ctrlC(state: { busy: boolean; draft: string; armedAt: number; now: number }): CtrlC {
  if (state.busy) return "interrupt";
  if (state.draft) return "clear";
  if (quitArmed(state.armedAt, state.now)) return "quit";
  return "arm";
}

/** Whether a Ctrl-C now would quit (the footer says "ctrl-c again to quit"). */
export function quitArmed(armedAt: number, now: number): boolean {
  return armedAt > 0 && now - armedAt < QUIT_WINDOW_MS;
}

/** Enter while busy: a prompt waits in the queue; a slash command runs at once. */
export function queuesWhileBusy(busy: boolean, isSlashCommand: boolean): boolean {
  return busy && !isSlashCommand;
}
