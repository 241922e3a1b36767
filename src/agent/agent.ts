// The one turn loop. Front ends send prompts and render events; this file decides what happens next.

import { addUsage, emptyUsage } from "../gateway/usage.ts";
import type { AgentEvent } from "../protocol/events.ts";
import type { FunctionCallItem, HistoryItem, ReasoningItem } from "../protocol/items.ts";
import { assistantMessage, userMessage } from "../protocol/items.ts";
import type { ModelResponse, StreamFn, ToolCall, Usage } from "../protocol/model.ts";
import { parseArguments, type ToolRegistry } from "../tools/registry.ts";

export interface AgentOptions {
  model: string;
  instructions: string;
  reasoningEffort?: string;
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
  contextWindow?: number;
  /** Upper bound on model requests in one turn, so a looping model cannot run forever. */
  maxRequestsPerTurn?: number;
}

export type TurnOutcome =
  | { status: "completed"; lastMessage: string | null }
  | { status: "failed"; message: string }
  | { status: "aborted" };

export class Agent {
  readonly history: HistoryItem[];
  totalUsage: Usage = emptyUsage();
  private contextAdded: boolean;

  constructor(private readonly options: AgentOptions) {
    this.history = [...(options.history ?? [])];
    this.contextAdded = this.history.length > 0;
  }

  private record(item: HistoryItem): void {
    this.history.push(item);
    this.options.onItem?.(item);
  }

  async runTurn(prompt: string, signal: AbortSignal): Promise<TurnOutcome> {
    const { emit } = this.options;
    emit({ type: "turn_started", prompt });
    if (!this.contextAdded) {
      for (const item of this.options.initialContext ?? []) this.record(item);
      this.contextAdded = true;
    }
    this.record(userMessage(prompt));
    const maxRequests = this.options.maxRequestsPerTurn ?? 200;
    let lastMessage: string | null = null;
    for (let requestNo = 1; requestNo <= maxRequests; requestNo++) {
      const result = await this.sample(signal);
      if ("aborted" in result) return this.aborted();
      if ("error" in result) {
        emit({ type: "error", message: result.error });
        emit({ type: "turn_failed", message: result.error, usage: this.totalUsage });
        return { status: "failed", message: result.error };
      }
      const response = result.response;
      this.recordResponse(response);
      if (response.text) {
        lastMessage = response.text;
        emit({ type: "agent_message", text: response.text });
      }
      if (response.toolCalls.length === 0) {
        emit({ type: "turn_complete", lastMessage, usage: this.totalUsage });
        return { status: "completed", lastMessage };
      }
      for (const call of response.toolCalls) {
        if (signal.aborted) return this.aborted();
        const result = await this.options.tools.dispatch(call.name, call.arguments, {
          cwd: this.options.cwd,
          writableRoots: this.options.writableRoots,
          signal,
          callId: call.id,
          emit,
        });
        this.record({ type: "function_call_output", call_id: call.id, output: result.output });
      }
      if (signal.aborted) return this.aborted();
    }
    const message = `stopped after ${maxRequests} model requests in one turn without a final answer`;
    emit({ type: "error", message });
    emit({ type: "turn_failed", message, usage: this.totalUsage });
    return { status: "failed", message };
  }

  private aborted(): TurnOutcome {
    this.options.emit({ type: "turn_aborted", reason: "interrupted", usage: this.totalUsage });
    return { status: "aborted" };
  }

  /** One model request: streams deltas to the front ends, returns the final response or an error. */
  private async sample(
    signal: AbortSignal,
  ): Promise<{ response: ModelResponse } | { error: string } | { aborted: true }> {
    const { emit } = this.options;
    const request = {
      model: this.options.model,
      instructions: this.options.instructions,
      items: this.history,
      tools: this.options.tools.specs(),
      reasoningEffort: this.options.reasoningEffort,
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
          emit({ type: "retry", attempt: event.attempt, max: event.max, reason: event.reason });
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
              contextWindow: this.options.contextWindow,
            });
          }
          return { response: event.response };
        }
        case "error":
          if (event.error.kind === "aborted" || signal.aborted) return { aborted: true };
          return { error: event.error.message };
        default:
          event satisfies never;
      }
    }
    return signal.aborted ? { aborted: true } : { error: "the gateway stream ended without a response" };
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
