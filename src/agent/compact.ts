// Context compaction: the model writes a hand-off summary of the conversation, and the history is replaced
// by the session context, the most recent user messages and that summary (Codex's "inline" compaction).
//
// The summary request carries no tools and sends the conversation as one transcript in one user message:
// chat gateways reject replayed tool calls without tool definitions (LiteLLM's Anthropic route answers
// "doesn't support tool calling without `tools=` param"), and some chat templates reject two user messages
// in a row.
import type { AgentEvent } from "../protocol/events.ts";
import type { HistoryItem } from "../protocol/items.ts";
import { messageText, userMessage } from "../protocol/items.ts";
import type { GatewayError, ModelRequest, ModelResponse, StreamFn, Usage } from "../protocol/model.ts";
import { estimateTextTokens, truncateMiddle } from "./context.ts";
import { isContextMessage } from "./instructions.ts";

export const SUMMARY_INSTRUCTIONS =
  "You write precise hand-off notes for software engineering work. You never call tools; you answer with the note only.";

export const COMPACT_PROMPT = `CONTEXT CHECKPOINT COMPACTION. The conversation above is about to be replaced by your summary: another model, with the same tools and the same workspace, will carry on the task from your note alone. Write the hand-off note it needs:

- The user's goal, and every explicit requirement, constraint and preference.
- What has been done: files created, changed or deleted (with paths), commands run and what they showed, decisions taken and why.
- The current state: what works, what still fails, open errors.
- What remains, as concrete next steps in order.
- Exact details the next model must not lose: names, paths, identifiers, values, short snippets.

Be concise and structured (short headings and bullets). Answer with the note only.`;

/** Starts the user message that carries a summary; it also marks such messages so later compactions drop them. */
export const SUMMARY_PREFIX =
  "Another model worked on this task before you. The earlier conversation was compacted to fit the context window, and this is its hand-off summary of the work so far. Build on it; do not redo finished steps:";

/** Upper bound for the recent user messages kept verbatim after compaction. */
export const RECENT_USER_TOKENS = 20_000;
/** Attempts at the summary request, each after trimming older items, when it does not fit the window. */
const MAX_SUMMARY_ATTEMPTS = 6;
/** A single transcript entry (a long tool output, a big patch) is cut in the middle beyond this. */
const ENTRY_MAX_CHARS = 8_000;

export function isSummaryMessage(text: string): boolean {
  return text.startsWith(SUMMARY_PREFIX);
}

/** The user's own messages, oldest first: not session context, not earlier summaries. */
export function realUserMessages(history: readonly HistoryItem[]): string[] {
  const out: string[] = [];
  for (const item of history) {
    if (item.type !== "message" || item.role !== "user") continue;
    const text = messageText(item);
    if (!isContextMessage(text) && !isSummaryMessage(text)) out.push(text);
  }
  return out;
}

/**
 * The history that replaces a compacted one: session context, the newest user messages within
 * `budgetTokens` (the oldest kept one cut in the middle when it does not fit whole), then the summary.
 */
export function summaryHistory(
  initialContext: readonly HistoryItem[],
  history: readonly HistoryItem[],
  summary: string,
  budgetTokens = RECENT_USER_TOKENS,
): HistoryItem[] {
  const kept: string[] = [];
  let remaining = budgetTokens;
  const users = realUserMessages(history);
  for (let i = users.length - 1; i >= 0 && remaining > 0; i--) {
    const tokens = estimateTextTokens(users[i]);
    if (tokens <= remaining) {
      kept.unshift(users[i]);
      remaining -= tokens;
    } else {
      kept.unshift(truncateMiddle(users[i], remaining * 4));
      break;
    }
  }
  return [
    ...initialContext,
    ...kept.map((text) => userMessage(text)),
    userMessage(`${SUMMARY_PREFIX}\n${summary}`),
  ];
}

/** The conversation as plain-text entries for the summary request (session context left out). */
export function transcriptEntries(history: readonly HistoryItem[]): string[] {
  const out: string[] = [];
  for (const item of history) {
    switch (item.type) {
      case "message": {
        const text = messageText(item);
        if (item.role === "user" && isContextMessage(text)) break;
        if (text.trim()) out.push(`[${item.role}]\n${truncateMiddle(text, ENTRY_MAX_CHARS * 2)}`);
        break;
      }
      case "function_call":
        out.push(`[tool call: ${item.name}]\n${truncateMiddle(item.arguments, ENTRY_MAX_CHARS)}`);
        break;
      case "function_call_output":
        out.push(`[tool output]\n${truncateMiddle(item.output, ENTRY_MAX_CHARS)}`);
        break;
      case "reasoning":
        break;
      default:
        item satisfies never;
    }
  }
  return out;
}

function summaryRequestText(entries: readonly string[]): string {
  return `<conversation>\n${entries.join("\n\n")}\n</conversation>\n\n${COMPACT_PROMPT}`;
}

export interface SummarizeOptions {
  stream: StreamFn;
  model: string;
  reasoningEffort?: string;
  history: readonly HistoryItem[];
  contextWindow: number;
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
}

export type SummarizeOutcome =
  | { status: "summarized"; summary: string; usage: Usage[]; trimmed: number }
  | { status: "failed"; message: string }
  | { status: "aborted" };

/** Asks the model for the hand-off summary, dropping the oldest entries while the request does not fit. */
export async function summarize(options: SummarizeOptions): Promise<SummarizeOutcome> {
  let entries = transcriptEntries(options.history);
  let trimmed = 0;
  // Known not to fit by our own estimate: trim before asking, leaving a tenth of the window for the answer.
  const budget = Math.floor(options.contextWindow * 0.8) - estimateTextTokens(SUMMARY_INSTRUCTIONS);
  // One pass over the entry lengths (rebuilding the text per dropped entry is quadratic on a big resume):
  // the request's length is the fixed frame plus the entries plus a blank line between each two.
  const frame = summaryRequestText([]).length;
  let length = frame + entries.reduce((sum, e) => sum + e.length + 2, 0) - 2;
  while (entries.length - trimmed > 1 && Math.ceil(length / 4) > budget) {
    length -= entries[trimmed].length + 2;
    trimmed++;
  }
  entries = entries.slice(trimmed);
  const usage: Usage[] = [];
  for (let attempt = 1; attempt <= MAX_SUMMARY_ATTEMPTS; attempt++) {
    const request: ModelRequest = {
      model: options.model,
      instructions: SUMMARY_INSTRUCTIONS,
      items: [userMessage(summaryRequestText(entries))],
      tools: [],
      reasoningEffort: options.reasoningEffort,
    };
    const result = await collectResponse(options.stream, request, options.signal, options.emit);
    if ("aborted" in result) return { status: "aborted" };
    if ("response" in result) {
      if (result.response.usage) usage.push(result.response.usage);
      const summary = result.response.text.trim();
      if (!summary) return { status: "failed", message: "the model returned an empty summary" };
      if (trimmed)
        options.emit({
          type: "warning",
          message: `trimmed ${trimmed} older conversation item(s) so the summary request fit the context window`,
        });
      return { status: "summarized", summary, usage, trimmed };
    }
    if (result.error.kind !== "context_window" || entries.length <= 1 || attempt === MAX_SUMMARY_ATTEMPTS)
      return { status: "failed", message: result.error.message };
    const drop = Math.max(1, Math.ceil(entries.length / 4));
    entries = entries.slice(drop);
    trimmed += drop;
  }
  return { status: "failed", message: "the summary request did not fit the context window" };
}

/** Runs one request to completion without showing its text; retries and notices still reach the user. */
async function collectResponse(
  stream: StreamFn,
  request: ModelRequest,
  signal: AbortSignal,
  emit: (event: AgentEvent) => void,
): Promise<{ response: ModelResponse } | { error: GatewayError } | { aborted: true }> {
  for await (const event of stream(request, signal)) {
    if (event.type === "retry")
      emit({ type: "retry", attempt: event.attempt, max: event.max, reason: event.reason });
    else if (event.type === "notice") emit({ type: "warning", message: event.message });
    else if (event.type === "done") return { response: event.response };
    else if (event.type === "error")
      return event.error.kind === "aborted" || signal.aborted ? { aborted: true } : { error: event.error };
  }
  return signal.aborted
    ? { aborted: true }
    : { error: { kind: "stream", message: "the gateway stream ended without a response", retryable: false } };
}
