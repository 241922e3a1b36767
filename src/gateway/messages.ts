// History items → the Chat Completions request body. Rules from real gateways:
// - exactly one `system` message, never `developer`;
// - all tool calls of one response grouped in one assistant message, each followed by its `tool` message in
//   order (OpenAI-compatible upstreams answer 400 otherwise — openai/codex #7051);
// - ids echoed byte for byte; reasoning fields replayed when the model sent them.
import type { FunctionCallItem, HistoryItem, MessageItem, ReasoningItem } from "../protocol/items.ts";
import { messageText } from "../protocol/items.ts";
import type { ModelRequest } from "../protocol/model.ts";
import { Utf8Writer } from "../util/utf8.ts";

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  provider_specific_fields?: Record<string, unknown>;
}

/** A user message with images: OpenAI's content parts, which LiteLLM translates for every provider. */
export type ChatContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string } };

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string | null | ChatContentPart[];
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  reasoning_content?: string;
  thinking_blocks?: unknown[];
  reasoning_details?: unknown[];
}

/** Text sent for a tool call whose output never arrived (interrupted run, resumed later). */
export const MISSING_OUTPUT = "aborted: the tool call was interrupted before it produced output";

/** Replay rules of a model's profile (src/gateway/quirks.ts). */
export interface ReplayRules {
  reasoningContentReplay: "tool_calls" | "always" | "never";
  rawContentReplay: boolean;
}

const DEFAULT_REPLAY: ReplayRules = { reasoningContentReplay: "tool_calls", rawContentReplay: true };

export function toChatMessages(request: ModelRequest, replay: ReplayRules = DEFAULT_REPLAY): ChatMessage[] {
  const systemParts = [request.instructions];
  const out: ChatMessage[] = [];
  let pendingReasoning: ReasoningItem | undefined;
  // The assistant message that tool calls of the current response attach to.
  let openAssistant: ChatMessage | undefined;
  const outputs = new Map<string, string>();
  for (const item of request.items)
    if (item.type === "function_call_output") outputs.set(item.call_id, item.output);
  const answered = new Set<string>();

  const attachReasoning = (message: ChatMessage) => {
    if (!pendingReasoning) return;
    if (pendingReasoning.reasoning_content !== undefined)
      message.reasoning_content = pendingReasoning.reasoning_content;
    if (pendingReasoning.thinking_blocks?.length) message.thinking_blocks = pendingReasoning.thinking_blocks;
    if (pendingReasoning.reasoning_details?.length)
      message.reasoning_details = pendingReasoning.reasoning_details;
    pendingReasoning = undefined;
  };

  const flushOutputs = (calls: ChatToolCall[]) => {
    for (const call of calls) {
      if (answered.has(call.id)) continue;
      answered.add(call.id);
      out.push({ role: "tool", tool_call_id: call.id, content: outputs.get(call.id) ?? MISSING_OUTPUT });
    }
  };

  // Ends the current response's group: its calls get their outputs (or a placeholder) before anything else.
  const closeGroup = () => {
    if (openAssistant?.tool_calls) flushOutputs(openAssistant.tool_calls);
    openAssistant = undefined;
  };

  for (const item of request.items as HistoryItem[]) {
    switch (item.type) {
      case "reasoning":
        closeGroup();
        pendingReasoning = item;
        break;
      case "message": {
        if (item.role === "system" || item.role === "developer") {
          systemParts.push(messageText(item));
          break;
        }
        if (item.role === "user") {
          closeGroup();
          pendingReasoning = undefined;
          out.push({ role: "user", content: userContent(item) });
          break;
        }
        closeGroup();
        const content = replay.rawContentReplay ? (item.raw_content ?? messageText(item)) : messageText(item);
        const message: ChatMessage = { role: "assistant", content };
        attachReasoning(message);
        out.push(message);
        openAssistant = message;
        break;
      }
      case "function_call": {
        const call = chatToolCall(item);
        if (openAssistant) {
          openAssistant.tool_calls = [...(openAssistant.tool_calls ?? []), call];
        } else {
          openAssistant = { role: "assistant", content: null, tool_calls: [call] };
          attachReasoning(openAssistant);
          out.push(openAssistant);
        }
        break;
      }
      case "function_call_output": {
        // Outputs are placed right after their group; a stray output with no call is dropped.
        closeGroup();
        break;
      }
      default:
        item satisfies never;
    }
  }
  closeGroup();
  // By default reasoning_content goes back only with tool calls: DeepSeek requires it there and R1 rejected
  // it elsewhere.
  for (const message of out) {
    if (
      replay.reasoningContentReplay === "never" ||
      (replay.reasoningContentReplay === "tool_calls" && !message.tool_calls)
    )
      delete message.reasoning_content;
  }
  return [{ role: "system", content: systemParts.filter(Boolean).join("\n\n") }, ...out];
}

/** Plain text unless the message carries images. */
function userContent(item: MessageItem): string | ChatContentPart[] {
  if (!item.content.some((p) => p.type === "input_image")) return messageText(item);
  return item.content.map((p) =>
    p.type === "input_image"
      ? { type: "image_url", image_url: { url: p.image_url } }
      : { type: "text", text: p.text },
  );
}

function chatToolCall(item: FunctionCallItem): ChatToolCall {
  const call: ChatToolCall = {
    id: item.call_id,
    type: "function",
    function: { name: item.name, arguments: item.arguments },
  };
  if (item.provider_specific_fields) call.provider_specific_fields = item.provider_specific_fields;
  return call;
}

export interface BodyOptions {
  stream: boolean;
  /** Parameters dropped for this model after the gateway rejected them. */
  dropParams?: ReadonlySet<string>;
  replay?: ReplayRules;
}

export function chatBody(request: ModelRequest, options: BodyOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: toChatMessages(request, options.replay),
  };
  if (options.stream) {
    body.stream = true;
    if (!options.dropParams?.has("stream_options")) body.stream_options = { include_usage: true };
  } else {
    body.stream = false;
  }
  if (request.tools.length) {
    body.tools = request.tools.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
  }
  if (request.reasoningEffort && !options.dropParams?.has("reasoning_effort")) {
    body.reasoning_effort = request.reasoningEffort;
  }
  if (request.responseFormat && !options.dropParams?.has("response_format"))
    body.response_format = request.responseFormat;
  // `model_verbosity`: OpenAI's Chat Completions `verbosity` (GPT-5); dropped like the others when refused.
  if (request.verbosity && !options.dropParams?.has("verbosity")) body.verbosity = request.verbosity;
  return body;
}

/** Buffer size for the encoded body: a 40 MB body is a few dozen writes. */
const BODY_CHUNK_BYTES = 1 << 20;

/**
 * The bytes of `JSON.stringify(chatBody(request, options))`, serialised and encoded message by message. A big
 * history as one string costs a second copy of it (two bytes a character once any message has non-ASCII
 * text), garbage-collector copies while it is built, and a pass to flatten it before it can be encoded.
 */
export function chatBodyBytes(request: ModelRequest, options: BodyOptions): Buffer[] {
  const out = new Utf8Writer(BODY_CHUNK_BYTES);
  let separator = "{";
  for (const [key, value] of Object.entries(chatBody(request, options))) {
    // As JSON.stringify: members whose value is undefined are left out.
    if (value === undefined) continue;
    out.write(`${separator}${JSON.stringify(key)}:`);
    separator = ",";
    if (key !== "messages") {
      out.write(JSON.stringify(value));
      continue;
    }
    const messages = value as ChatMessage[];
    for (let i = 0; i < messages.length; i++) out.write(`${i ? "," : "["}${JSON.stringify(messages[i])}`);
    out.write(messages.length ? "]" : "[]");
  }
  out.write(separator === "{" ? "{}" : "}");
  return out.end();
}
