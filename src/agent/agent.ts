// The one turn loop. Front ends send prompts and render events; this file decides what happens next.

import type { AgentEvent, CompactionReason } from "../protocol/events.ts";
import type { FunctionCallItem, HistoryItem, ReasoningItem } from "../protocol/items.ts";
import { assistantMessage, userMessage } from "../protocol/items.ts";
import type { GatewayError, ModelResponse, StreamFn, ToolCall, Usage } from "../protocol/model.ts";
import { addUsage, emptyUsage } from "../protocol/usage.ts";
import { parseArguments, type ToolRegistry } from "../tools/registry.ts";
import { AutoContinue, DEFAULT_MAX_AUTO_CONTINUES, type Nudge, type ToolRound } from "./auto-continue.ts";
import { RECENT_USER_TOKENS, summarize, summaryHistory } from "./compact.ts";
import {
  autoCompactLimit,
  DEFAULT_CONTEXT_WINDOW,
  estimateFixedTokens,
  estimateItemsTokens,
  estimateItemTokens,
  estimateTextTokens,
} from "./context.ts";

export interface AgentOptions {
  model: string;
  instructions: string;
  reasoningEffort?: string;
  /** `response_format` for every request of the session (`exec --output-schema`). */
  responseFormat?: Record<string, unknown>;
  /** `model_verbosity`, sent with every model request of a turn. */
  verbosity?: string;
  stream: StreamFn;
  tools: ToolRegistry;
  cwd: string;
  writableRoots: string[];
  emit: (event: AgentEvent) => void;
  /** History to start from (resume), and context items placed before the first prompt. */
  history?: HistoryItem[];
  initialContext?: HistoryItem[];
  /** Called for every item appended to history (session recording). */
  onItem?: (item: HistoryItem) => void;
  /** The model's input window in tokens (default 130000). */
  contextWindow?: number;
  /** `model_auto_compact_token_limit`: compact before a request above this (default 90% of the window). */
  autoCompactTokenLimit?: number;
  /** Called after compaction replaced the history (session recording writes a `compacted` record). */
  onCompacted?: (summary: string, replacementHistory: HistoryItem[]) => void;
  /** `max_requests_per_turn`: model requests in one turn, so a looping model cannot run forever (default 1000). */
  maxRequestsPerTurn?: number;
  /** Nudges per turn when the model stops without finishing (default 3; 0 disables). */
  maxAutoContinues?: number;
  /**
   * Usage restored on resume (the rollout's last `token_count`): the session totals, and the last request's
   * usage, which measures `history` as the gateway counted it, so the context meter and the compaction trigger
   * start where the session left off.
   */
  usage?: { total: Usage; last?: Usage };
}

/** Far above any real task (a 300-step task is real); only a model that loops without end meets it. */
export const DEFAULT_MAX_REQUESTS_PER_TURN = 1000;

export type TurnOutcome =
  | { status: "completed"; lastMessage: string | null }
  | { status: "failed"; message: string }
  | { status: "aborted" };

export type CompactOutcome =
  | { status: "compacted" }
  | { status: "failed"; message: string }
  | { status: "aborted" };

type SampleResult = { response: ModelResponse } | { error: GatewayError } | { aborted: true };

export class Agent {
  readonly history: HistoryItem[];
  totalUsage: Usage = emptyUsage();
  private contextAdded: boolean;
  /** The gateway's count for the conversation up to `history[index]` (prompt + completion of a response). */
  private reported: { tokens: number; index: number } | undefined;
  /**
   * Estimated tokens of `history[0, count)`. History only grows between compactions, so a later estimate adds
   * only the new items: a big resumed history is measured once, not at every check.
   */
  private estimated = { count: 0, tokens: 0 };

  constructor(private readonly options: AgentOptions) {
    this.history = [...(options.history ?? [])];
    this.contextAdded = this.history.length > 0;
    if (options.usage) {
      this.totalUsage = { ...options.usage.total };
      const last = options.usage.last;
      if (last && last.input_tokens > 0)
        this.reported = { tokens: last.input_tokens + last.output_tokens, index: this.history.length };
    }
  }

  get contextWindow(): number {
    return this.options.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
  }

  get autoCompactLimit(): number {
    return autoCompactLimit(this.contextWindow, this.options.autoCompactTokenLimit);
  }

  /** Tokens the next request would carry: the last reported count plus estimates for items added since. */
  contextUsed(): number {
    if (this.reported)
      return this.reported.tokens + estimateItemsTokens(this.history.slice(this.reported.index));
    return estimateFixedTokens(this.options.instructions, this.options.tools.specs()) + this.historyTokens();
  }

  private historyTokens(): number {
    let { count, tokens } =
      this.history.length < this.estimated.count ? { count: 0, tokens: 0 } : this.estimated;
    for (; count < this.history.length; count++) tokens += estimateItemTokens(this.history[count]);
    this.estimated = { count, tokens };
    return tokens;
  }

  private record(item: HistoryItem): void {
    this.history.push(item);
    this.options.onItem?.(item);
  }

  /** `images`: `data:` URLs sent with the prompt (`-i`, a pasted image path). */
  async runTurn(prompt: string, signal: AbortSignal, images: string[] = []): Promise<TurnOutcome> {
    const { emit } = this.options;
    emit({ type: "turn_started", prompt });
    if (!this.contextAdded) {
      for (const item of this.options.initialContext ?? []) this.record(item);
      this.contextAdded = true;
    }
    // Auto-compaction stays on for the turn unless it failed or could not get below the limit.
    let autoCompact = true;
    const maybeCompact = async (pending: number): Promise<boolean> => {
      if (!autoCompact || !this.compactable() || this.contextUsed() + pending < this.autoCompactLimit)
        return true;
      const outcome = await this.compactHistory(signal, "auto");
      if (outcome.status === "aborted") return false;
      if (outcome.status === "failed") {
        emit({ type: "warning", message: `automatic context compaction failed: ${outcome.message}` });
        autoCompact = false;
      } else if (this.contextUsed() + pending >= this.autoCompactLimit) {
        autoCompact = false;
      }
      return true;
    };
    // Before the prompt is recorded, so the summary precedes it.
    if (!(await maybeCompact(estimateTextTokens(prompt)))) return this.aborted();
    this.record(userMessage(prompt, images));
    const maxRequests = this.options.maxRequestsPerTurn ?? DEFAULT_MAX_REQUESTS_PER_TURN;
    const nudger = new AutoContinue(this.options.maxAutoContinues ?? DEFAULT_MAX_AUTO_CONTINUES, prompt);
    let lastMessage: string | null = null;
    for (let requestNo = 1; requestNo <= maxRequests; requestNo++) {
      if (requestNo > 1 && !(await maybeCompact(0))) return this.aborted();
      let result = await this.sample(signal);
      // The gateway says it does not fit: compact, then retry the request once.
      if ("error" in result && result.error.kind === "context_window" && this.compactable()) {
        emit({ type: "stream_reset" });
        const outcome = await this.compactHistory(signal, "context_window");
        if (outcome.status === "aborted") return this.aborted();
        if (outcome.status === "compacted") result = await this.sample(signal);
        else
          result = {
            error: {
              ...result.error,
              message: `${result.error.message} (compaction failed: ${outcome.message})`,
            },
          };
      }
      if ("aborted" in result) return this.aborted();
      if ("error" in result) {
        const message = result.error.message;
        emit({ type: "error", message });
        emit({ type: "turn_failed", message, usage: this.totalUsage });
        return { status: "failed", message };
      }
      const response = result.response;
      this.recordResponse(response);
      if (response.usage && response.usage.input_tokens > 0) {
        this.reported = {
          tokens: response.usage.input_tokens + response.usage.output_tokens,
          index: this.history.length,
        };
      }
      if (response.text) {
        lastMessage = response.text;
        emit({ type: "agent_message", text: response.text });
      }
      if (response.toolCalls.length === 0) {
        const nudge = nudger.afterAnswer(response);
        if (nudge) {
          this.nudge(nudge, nudger);
          continue;
        }
        emit({ type: "turn_complete", lastMessage, usage: this.totalUsage });
        return { status: "completed", lastMessage };
      }
      const round: ToolRound[] = [];
      for (const call of response.toolCalls) {
        if (signal.aborted) return this.aborted();
        const result = call.tooLarge
          ? this.refuseTooLarge(call, call.tooLarge)
          : await this.options.tools.dispatch(call.name, call.arguments, {
              cwd: this.options.cwd,
              writableRoots: this.options.writableRoots,
              signal,
              callId: call.id,
              emit,
            });
        this.record({ type: "function_call_output", call_id: call.id, output: result.output });
        round.push({
          name: this.options.tools.replayName(call.name),
          args: parseArguments(call.arguments).args,
          ok: !result.isError,
        });
      }
      if (signal.aborted) return this.aborted();
      const nudge = nudger.afterTools(round);
      if (nudge) this.nudge(nudge, nudger);
    }
    const message = `stopped after ${maxRequests} model requests in one turn without a final answer (max_requests_per_turn = ${maxRequests}; raise it with -c max_requests_per_turn=N)`;
    emit({ type: "error", message });
    emit({ type: "turn_failed", message, usage: this.totalUsage });
    return { status: "failed", message };
  }

  /**
   * Replaces the history by a summary now (the TUI's `/compact`, the resume safeguard); call it between
   * turns only. Failures are returned, not emitted: the caller decides whether they end anything.
   */
  compact(signal: AbortSignal, reason: CompactionReason = "manual"): Promise<CompactOutcome> {
    return this.compactHistory(signal, reason);
  }

  /** Whether compaction would shrink anything: it keeps user messages and drops everything else. */
  private compactable(): boolean {
    return this.history.some((item) => item.type !== "message" || item.role !== "user");
  }

  private async compactHistory(signal: AbortSignal, reason: CompactionReason): Promise<CompactOutcome> {
    const { emit } = this.options;
    const result = await summarize({
      stream: this.options.stream,
      model: this.options.model,
      reasoningEffort: this.options.reasoningEffort,
      history: this.history,
      contextWindow: this.contextWindow,
      signal,
      emit,
    });
    for (const usage of result.status === "summarized" ? result.usage : [])
      this.totalUsage = addUsage(this.totalUsage, usage);
    if (result.status !== "summarized") return result;
    // Recent user messages are bounded by the window too, so a small window is not filled by them alone.
    const budget = Math.min(RECENT_USER_TOKENS, Math.floor(this.contextWindow / 4));
    const replacement = summaryHistory(
      this.options.initialContext ?? [],
      this.history,
      result.summary,
      budget,
    );
    this.history.splice(0, this.history.length, ...replacement);
    this.reported = undefined;
    this.estimated = { count: 0, tokens: 0 };
    this.contextAdded = true;
    this.options.onCompacted?.(result.summary, replacement);
    emit({
      type: "token_count",
      last: result.usage.at(-1) ?? emptyUsage(),
      total: this.totalUsage,
      contextWindow: this.contextWindow,
      contextUsed: this.contextUsed(),
      model: this.options.model,
    });
    emit({ type: "context_compacted", reason });
    return { status: "compacted" };
  }

  /** A user message that keeps the turn going, shown to the user and kept in the session like any other. */
  private nudge(nudge: Nudge, nudger: AutoContinue): void {
    this.record(userMessage(nudge.message));
    this.options.emit({
      type: "auto_continue",
      reason: nudge.reason,
      attempt: nudger.count,
      max: nudger.max,
    });
  }

  /** A call whose arguments were dropped at `tool_arguments_max_bytes`: not run; the model learns how to go on. */
  private refuseTooLarge(call: ToolCall, tooLarge: { bytes: number; limit: number }) {
    const name = this.options.tools.replayName(call.name);
    const output =
      `${name}: the arguments of this call (${tooLarge.bytes} bytes) exceeded ${tooLarge.limit} bytes ` +
      "(tool_arguments_max_bytes) and were discarded; the call was not run. Split the work into smaller " +
      "calls: write a large file in parts (create it, then append or patch section by section).";
    this.options.emit({ type: "tool_error", callId: call.id, name, message: output });
    return { output, isError: true };
  }

  private aborted(): TurnOutcome {
    this.options.emit({ type: "turn_aborted", reason: "interrupted", usage: this.totalUsage });
    return { status: "aborted" };
  }

  /** One model request: streams deltas to the front ends, returns the final response or an error. */
  private async sample(signal: AbortSignal): Promise<SampleResult> {
    const { emit } = this.options;
    const request = {
      model: this.options.model,
      instructions: this.options.instructions,
      items: this.history,
      tools: this.options.tools.specs(),
      reasoningEffort: this.options.reasoningEffort,
      responseFormat: this.options.responseFormat,
      verbosity: this.options.verbosity,
    };
    for await (const event of this.options.stream(request, signal)) {
      switch (event.type) {
        case "text_delta":
          emit({ type: "agent_message_delta", delta: event.delta });
          break;
        case "reasoning_delta":
          emit({ type: "reasoning_delta", delta: event.delta });
          break;
        case "tool_call_begin":
          break;
        case "retry":
          emit({ type: "stream_reset" });
          if (!event.quiet)
            emit({
              type: "retry",
              attempt: event.attempt,
              max: event.max,
              reason: event.reason,
              ...(event.window ? { window: event.window } : {}),
            });
          break;
        case "notice":
          emit({ type: "warning", message: event.message });
          break;
        case "done": {
          const usage = event.response.usage;
          if (usage) {
            this.totalUsage = addUsage(this.totalUsage, usage);
            emit({
              type: "token_count",
              last: usage,
              total: this.totalUsage,
              contextWindow: this.contextWindow,
              contextUsed: usage.input_tokens + usage.output_tokens,
              model: event.response.model ?? this.options.model,
              cost: event.response.cost,
            });
          }
          return { response: event.response };
        }
        case "error":
          if (event.error.kind === "aborted" || signal.aborted) return { aborted: true };
          return { error: event.error };
        default:
          event satisfies never;
      }
    }
    return signal.aborted
      ? { aborted: true }
      : {
          error: { kind: "stream", message: "the gateway stream ended without a response", retryable: false },
        };
  }

  /** Appends the response to history in replayable form: reasoning, text, then the tool calls. */
  private recordResponse(response: ModelResponse): void {
    if (response.reasoning || response.reasoningContent !== undefined || response.thinkingBlocks?.length) {
      const item: ReasoningItem = { type: "reasoning", text: response.reasoning };
      if (response.reasoningContent !== undefined) item.reasoning_content = response.reasoningContent;
      if (response.thinkingBlocks?.length) item.thinking_blocks = response.thinkingBlocks;
      if (response.reasoningDetails?.length) item.reasoning_details = response.reasoningDetails;
      this.record(item);
      if (response.reasoning) this.options.emit({ type: "reasoning", text: response.reasoning });
    }
    if (response.text || response.rawContent)
      this.record(assistantMessage(response.text, response.rawContent));
    for (const call of response.toolCalls) {
      this.record(functionCallItem({ ...call, name: this.options.tools.replayName(call.name) }));
    }
  }
}

/** Broken argument text is never replayed (Qwen answers 400); the tool output carries the error instead. */
function functionCallItem(call: ToolCall): FunctionCallItem {
  const parsed = parseArguments(call.arguments);
  const item: FunctionCallItem = {
    type: "function_call",
    call_id: call.id,
    name: call.name,
    arguments: parsed.args ? call.arguments || "{}" : "{}",
  };
  if (call.provider_specific_fields) item.provider_specific_fields = call.provider_specific_fields;
  return item;
}
