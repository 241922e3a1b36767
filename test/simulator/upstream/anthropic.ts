// Anthropic's Messages API (POST /v1/messages) as a provider behind LiteLLM: the same scripted answer
// written as Anthropic writes it — thinking blocks with signatures, text, tool_use — so that LiteLLM's own
// translation code produces what our client sees.
import { createHash } from "node:crypto";
import { type Answer, pieces } from "../dialect.ts";
import type { Frame } from "../fixtures.ts";

/** Anthropic signs each thinking block; a scripted one is signed deterministically from its text. */
export function thinkingSignature(thinking: string): string {
  return `EqQBCkYIBxgCKkD${createHash("sha256").update(thinking).digest("base64")}`;
}

const STOP_REASON: Record<string, string> = {
  tool_calls: "tool_use",
  stop: "end_turn",
  length: "max_tokens",
};

function usage(a: Answer) {
  const cached = a.usage?.prompt_tokens_details.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (a.usage?.prompt_tokens ?? 1) - cached),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
    output_tokens: a.usage?.completion_tokens ?? 1,
  };
}

function messageId(a: Answer): string {
  return `msg_${createHash("sha256").update(a.id).digest("hex").slice(0, 24)}`;
}

function toolUseId(id: string): string {
  return id.startsWith("toolu_") ? id : `toolu_${id.replace(/^call_/, "")}`;
}

/** The content blocks of a whole message, in the order they are streamed. */
function blocks(a: Answer): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (a.reasoning)
    out.push({ type: "thinking", thinking: a.reasoning, signature: thinkingSignature(a.reasoning) });
  if (a.text) out.push({ type: "text", text: a.text });
  for (const t of a.toolCalls) {
    let input: unknown = {};
    try {
      input = JSON.parse(t.arguments);
    } catch {
      input = {};
    }
    out.push({ type: "tool_use", id: toolUseId(t.id), name: t.name, input });
  }
  return out;
}

/** A non-streamed Messages response. */
export function anthropicMessage(a: Answer): Record<string, unknown> {
  return {
    id: messageId(a),
    type: "message",
    role: "assistant",
    model: a.model,
    content: blocks(a),
    stop_reason: STOP_REASON[a.finishReason] ?? "end_turn",
    stop_sequence: null,
    usage: usage(a),
  };
}

const event = (type: string, data: Record<string, unknown>): Frame => ({
  text: `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`,
  done: false,
});

/** A streamed Messages response, one frame per SSE event. */
export function anthropicStream(a: Answer): Frame[] {
  const u = usage(a);
  const frames: Frame[] = [
    event("message_start", {
      message: { ...anthropicMessage(a), content: [], stop_reason: null, usage: { ...u, output_tokens: 1 } },
    }),
  ];
  blocks(a).forEach((block, index) => {
    if (block.type === "thinking") {
      frames.push(
        event("content_block_start", {
          index,
          content_block: { type: "thinking", thinking: "", signature: "" },
        }),
      );
      for (const p of pieces(String(block.thinking), a.chunkSize))
        frames.push(event("content_block_delta", { index, delta: { type: "thinking_delta", thinking: p } }));
      frames.push(
        event("content_block_delta", {
          index,
          delta: { type: "signature_delta", signature: block.signature },
        }),
      );
    } else if (block.type === "text") {
      frames.push(event("content_block_start", { index, content_block: { type: "text", text: "" } }));
      for (const p of pieces(String(block.text), a.chunkSize))
        frames.push(event("content_block_delta", { index, delta: { type: "text_delta", text: p } }));
    } else {
      frames.push(event("content_block_start", { index, content_block: { ...block, input: {} } }));
      for (const p of pieces(JSON.stringify(block.input), a.chunkSize))
        frames.push(
          event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: p } }),
        );
    }
    frames.push(event("content_block_stop", { index }));
  });
  frames.push(
    event("message_delta", {
      delta: { stop_reason: STOP_REASON[a.finishReason] ?? "end_turn", stop_sequence: null },
      usage: { output_tokens: u.output_tokens },
    }),
  );
  frames.push({ ...event("message_stop", {}), done: true });
  return frames;
}

const ERROR_TYPE: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

export function anthropicError(status: number, message = `simulator: scripted HTTP ${status} error`) {
  return { type: "error", error: { type: ERROR_TYPE[status] ?? "api_error", message } };
}

/** Anthropic's in-band error event inside a 200 stream. */
export function anthropicErrorEvent(): string {
  return `event: error\ndata: ${JSON.stringify(anthropicError(529, "Overloaded"))}\n\n`;
}
