// Auto-continue: non-agentic models (gpt-oss, some Qwen/GLM/Kimi builds) stop after a tool call, answer with
// nothing, think without acting, or wander through read-only commands forever. The original patchset's rule:
// the task must finish without a human typing "continue". Each nudge is a user message the model sees, a
// visible event, and a record in the session; a turn gets at most `max` of them.
import type { ModelResponse } from "../protocol/model.ts";
import { isKnownSafeCommand } from "../tools/approval/safe-commands.ts";
import { normalizeShellArgs } from "../tools/shell/args.ts";

export type ContinueReason =
  | "empty_response"
  | "empty_after_tools"
  | "reasoning_only"
  | "announced_no_action"
  | "repeated_command"
  | "read_only_loop"
  | "exploring_after_edit";

export interface Nudge {
  reason: ContinueReason;
  /** The user message sent to the model. */
  message: string;
}

/** Read-only rounds in a row (no edit yet) before the model is asked to act or answer. */
export const READ_ONLY_ROUNDS = 12;
/** Read-only rounds after an edit before the model is asked to verify once and finish. */
export const ROUNDS_AFTER_EDIT = 6;
/** The same command this many times in one turn is a loop. */
export const REPEATS = 3;
export const DEFAULT_MAX_AUTO_CONTINUES = 3;

const LEAD = "Continue working on the task without waiting for the user.";

const GUIDANCE: Record<ContinueReason, string> = {
  empty_response:
    "Your last reply was empty. Start on the task now: run the commands or make the edits it needs.",
  empty_after_tools:
    "The tool results are above, but you stopped without an answer. If they resolve the request, give the final answer now; otherwise run only the next necessary command.",
  reasoning_only:
    "You reasoned about the next step but did not take it and gave no answer. Take the step now with a tool call, or give the final answer.",
  announced_no_action:
    "You said what you would do next but did not call a tool. Do it now with a tool call, or give the final answer if the task is complete.",
  repeated_command:
    "You have run the same command several times with the same result. Do not run it again: change approach, make the edit, or give the final answer.",
  read_only_loop:
    "You have only listed, searched and read files for many steps. If you know enough, make the change now (apply_patch) or answer; stop exploring.",
  exploring_after_edit:
    "You already made the edit and have been exploring since. Verify it once if needed, then give the final answer with a short summary.",
};

const DESCRIPTIONS: Record<ContinueReason, string> = {
  empty_response: "the model sent an empty reply",
  empty_after_tools: "the model stopped after tool output without an answer",
  reasoning_only: "the model reasoned but neither acted nor answered",
  announced_no_action: "the model announced a step but did not take it",
  repeated_command: "the model repeated the same command",
  read_only_loop: "the model kept exploring without acting",
  exploring_after_edit: "the model kept exploring after its edit",
};

/** What a front end shows the user for an `auto_continue` event's reason. */
export function describeContinue(reason: string): string {
  return DESCRIPTIONS[reason as ContinueReason] ?? reason;
}

/** "I'll now run the tests:" / "Let me check the file." — an announcement with no action behind it. */
export function announcesAction(text: string): boolean {
  const last =
    text
      .trim()
      .split(/\n\s*\n/)
      .at(-1)
      ?.trim() ?? "";
  if (!last || last.length > 400) return false;
  if (last.endsWith(":")) return true;
  return /^(?:(?:ok(?:ay)?|great|alright|now|next|then|first)[,.!]?\s+)*(?:i(?:'ll|’ll| will| am going to|'m going to|’m going to)|let me|let's|let’s)\b/i.test(
    last,
  );
}

export interface ToolRound {
  name: string;
  args: Record<string, unknown> | undefined;
  ok: boolean;
}

export class AutoContinue {
  private used = 0;
  private toolRounds = 0;
  private readOnlyRounds = 0;
  private roundsSinceEdit: number | undefined;
  private readonly seen = new Map<string, number>();

  constructor(
    readonly max: number,
    private readonly prompt: string,
  ) {}

  get count(): number {
    return this.used;
  }

  /** After a response with no tool calls: a nudge when the turn is not really finished. */
  afterAnswer(response: ModelResponse): Nudge | undefined {
    const text = response.text.trim();
    let reason: ContinueReason | undefined;
    if (!text && this.toolRounds === 0)
      reason = response.reasoning.trim() ? "reasoning_only" : "empty_response";
    else if (!text) reason = response.reasoning.trim() ? "reasoning_only" : "empty_after_tools";
    else if (this.toolRounds > 0 && announcesAction(text)) reason = "announced_no_action";
    return reason ? this.take(reason) : undefined;
  }

  /** After a round of tool calls: a nudge when the model is looping or wandering. */
  afterTools(calls: ToolRound[]): Nudge | undefined {
    this.toolRounds++;
    let edited = false;
    let readOnly = true;
    let repeated = false;
    for (const call of calls) {
      if (call.name === "update_plan") continue;
      if (call.name === "apply_patch") {
        edited ||= call.ok;
        readOnly = false;
        continue;
      }
      const shell = call.name === "shell" && call.args ? normalizeShellArgs(call.args) : undefined;
      const command = shell && "command" in shell ? shell.command : undefined;
      if (!command || !isKnownSafeCommand(command)) {
        // A command that may write counts as work done, like an edit.
        edited ||= call.ok && !!command;
        readOnly = false;
      }
      if (command) {
        const key = JSON.stringify(command);
        const n = (this.seen.get(key) ?? 0) + 1;
        this.seen.set(key, n);
        if (n === REPEATS) repeated = true;
      }
    }
    if (edited) this.roundsSinceEdit = 0;
    else if (readOnly && this.roundsSinceEdit !== undefined) this.roundsSinceEdit++;
    this.readOnlyRounds = readOnly ? this.readOnlyRounds + 1 : 0;
    if (repeated) return this.take("repeated_command");
    if (this.roundsSinceEdit !== undefined && this.roundsSinceEdit >= ROUNDS_AFTER_EDIT) {
      this.roundsSinceEdit = 0;
      return this.take("exploring_after_edit");
    }
    if (this.roundsSinceEdit === undefined && this.readOnlyRounds >= READ_ONLY_ROUNDS) {
      this.readOnlyRounds = 0;
      return this.take("read_only_loop");
    }
    return undefined;
  }

  private take(reason: ContinueReason): Nudge | undefined {
    if (this.used >= this.max) return undefined;
    this.used++;
    return { reason, message: `${LEAD} ${GUIDANCE[reason]}\n\nOriginal request: ${this.prompt}` };
  }
}
