// Types shared by the gateway client and the agent: what a request is, what a response stream yields.
import type { HistoryItem, ThinkingBlock } from "./items.ts";

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ModelRequest {
  model: string;
  /** The one system message. */
  instructions: string;
  items: HistoryItem[];
  tools: ToolSpec[];
  reasoningEffort?: string;
  /** Sent as `response_format` (`--output-schema`: `{type: "json_schema", json_schema: {...}}`). */
  responseFormat?: Record<string, unknown>;
  /** `model_verbosity`, sent as Chat Completions' `verbosity`. */
  verbosity?: string;
}

export interface Usage {
  input_tokens: number;
  cached_input_tokens: number;
  /** Prompt tokens written to the provider's cache (Anthropic's cache creation); absent when not reported. */
  cache_write_input_tokens?: number;
  output_tokens: number;
  reasoning_output_tokens: number;
  total_tokens: number;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Raw argument text as received (may be invalid JSON; the agent decides). `{}` when too large. */
  arguments: string;
  provider_specific_fields?: Record<string, unknown>;
  /**
   * Set when the arguments passed `tool_arguments_max_bytes`: they were dropped (never run, never replayed)
   * and the model is told so. `bytes` is how many arrived.
   */
  tooLarge?: { bytes: number; limit: number };
}

export interface ModelResponse {
  /** Assistant text shown to the user (reasoning markup removed). */
  text: string;
  /** Assistant content exactly as the provider sent it, when it differs from `text`. */
  rawContent?: string;
  reasoning: string;
  reasoningContent?: string;
  thinkingBlocks?: ThinkingBlock[];
  reasoningDetails?: unknown[];
  toolCalls: ToolCall[];
  finishReason: string | null;
  usage?: Usage;
  /** `model` as reported by the gateway (may differ after a fallback). */
  model?: string;
  /** LiteLLM `x-litellm-response-cost`, when sent. */
  cost?: number;
}

export type GatewayErrorKind =
  | "config" // no base URL / key
  | "network" // connection refused, reset, DNS
  | "timeout" // idle or header timeout
  | "http" // non-2xx status
  | "stream" // error event inside a 200 stream, malformed stream
  | "context_window" // the request does not fit the model's window
  | "limit" // the response passed a size or time limit (stream_max_event_bytes, …): not retried
  | "aborted"; // the caller cancelled

export interface GatewayError {
  kind: GatewayErrorKind;
  message: string;
  status?: number;
  retryable: boolean;
  /** Seconds the gateway asked us to wait (Retry-After). */
  retryAfterSec?: number;
}

/**
 * Events of one model request. Contract: a stream never throws once started; it ends with exactly one
 * `done` or `error` event. `retry` means everything streamed since the last `retry`/start is void.
 */
export type ModelEvent =
  | { type: "text_delta"; delta: string }
  | { type: "reasoning_delta"; delta: string }
  | { type: "tool_call_begin"; index: number; id: string; name: string }
  /**
   * `quiet`: voids the failed attempt without a line for the user (a notice said why). `window`: an outage —
   * the gateway answered earlier and cannot be reached now; retried for `windowMs` (`max` is 0 then).
   */
  | {
      type: "retry";
      attempt: number;
      max: number;
      reason: string;
      delayMs: number;
      quiet?: boolean;
      window?: RetryWindow;
    }
  | { type: "notice"; message: string }
  | { type: "done"; response: ModelResponse }
  | { type: "error"; error: GatewayError };

/** How long an outage may still last before the request fails, and how long it may last in all. */
export interface RetryWindow {
  remainingMs: number;
  windowMs: number;
}

export type StreamFn = (request: ModelRequest, signal: AbortSignal) => AsyncIterable<ModelEvent>;
