// History items → the Chat Completions request body. Rules from real gateways:
// - exactly one `system` message, never `developer`;
// - all tool calls of one response grouped in one assistant message, each followed by its `tool` message in
//   order (OpenAI-compatible upstreams answer 400 otherwise — openai/codex #7051);
// - ids echoed byte for byte; reasoning fields replayed when the model sent them.
import type { FunctionCallItem, HistoryItem, MessageItem, ReasoningItem } from "../protocol/items.ts";
import { messageText } from "../protocol/items.ts";
import type { ModelRequest } from "../protocol/model.ts";

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

export const DEFAULT_REPLAY: ReplayRules = { reasoningContentReplay: "tool_calls", rawContentReplay: true };

const NONE: ReadonlySet<string> = new Set();

/**
 * Turns history items into messages, one item at a time. `outputOf` finds a call's output anywhere in the
 * request; `answeredBefore` holds calls whose tool messages an earlier builder already produced (the prefix a
 * body encoder kept). Messages stay open to change until `settled` says otherwise.
 */
export class ChatMessageBuilder {
  readonly messages: ChatMessage[] = [];
  readonly systemParts: string[] = [];
  /** Calls given their tool message here, in order. */
  readonly answered: string[] = [];
  private readonly answeredHere = new Set<string>();
  private pendingReasoning: ReasoningItem | undefined;
  /** The assistant message that tool calls of the current response attach to. */
  private openAssistant: ChatMessage | undefined;

  constructor(
    private readonly replay: ReplayRules,
    private readonly outputOf: (callId: string) => string | undefined,
    private readonly answeredBefore: ReadonlySet<string> = NONE,
  ) {}

  add(item: HistoryItem): void {
    switch (item.type) {
      case "reasoning":
        this.closeGroup();
        this.pendingReasoning = item;
        break;
      case "message": {
        if (item.role === "system" || item.role === "developer") {
          this.systemParts.push(messageText(item));
          break;
        }
        if (item.role === "user") {
          this.closeGroup();
          this.pendingReasoning = undefined;
          this.messages.push({ role: "user", content: userContent(item) });
          break;
        }
        this.closeGroup();
        const content = this.replay.rawContentReplay
          ? (item.raw_content ?? messageText(item))
          : messageText(item);
        const message: ChatMessage = { role: "assistant", content };
        this.attachReasoning(message);
        this.messages.push(message);
        this.openAssistant = message;
        break;
      }
      case "function_call": {
        const call = chatToolCall(item);
        if (this.openAssistant) {
          this.openAssistant.tool_calls = [...(this.openAssistant.tool_calls ?? []), call];
        } else {
          this.openAssistant = { role: "assistant", content: null, tool_calls: [call] };
          this.attachReasoning(this.openAssistant);
          this.messages.push(this.openAssistant);
        }
        break;
      }
      case "function_call_output":
        // Outputs are placed right after their group; a stray output with no call is dropped.
        this.closeGroup();
        break;
      default:
        item satisfies never;
    }
  }

  /** Ends the current response's group: its calls get their outputs (or a placeholder) before anything else. */
  closeGroup(): void {
    for (const call of this.openAssistant?.tool_calls ?? []) {
      if (this.answeredBefore.has(call.id) || this.answeredHere.has(call.id)) continue;
      this.answeredHere.add(call.id);
      this.answered.push(call.id);
      this.messages.push({
        role: "tool",
        tool_call_id: call.id,
        content: this.outputOf(call.id) ?? MISSING_OUTPUT,
      });
    }
    this.openAssistant = undefined;
  }

  /**
   * True when no later item can change the messages so far, except an output for a call already answered
   * (whoever keeps them checks that): no group is open for more calls and no reasoning waits for its message.
   */
  settled(): boolean {
    return !this.openAssistant && !this.pendingReasoning;
  }

  /**
   * The message as sent. By default reasoning_content goes back only with tool calls: DeepSeek requires it
   * there and R1 rejected it elsewhere. Call once the message is settled.
   */
  finish(message: ChatMessage): ChatMessage {
    const rule = this.replay.reasoningContentReplay;
    if (rule === "never" || (rule === "tool_calls" && !message.tool_calls)) delete message.reasoning_content;
    return message;
  }

  private attachReasoning(message: ChatMessage): void {
    const reasoning = this.pendingReasoning;
    if (!reasoning) return;
    if (reasoning.reasoning_content !== undefined) message.reasoning_content = reasoning.reasoning_content;
    if (reasoning.thinking_blocks?.length) message.thinking_blocks = reasoning.thinking_blocks;
    if (reasoning.reasoning_details?.length) message.reasoning_details = reasoning.reasoning_details;
    this.pendingReasoning = undefined;
  }
}

/** The one system message: the instructions, then every system and developer item's text. */
export function systemMessage(instructions: string, parts: readonly string[]): ChatMessage {
  return { role: "system", content: [instructions, ...parts].filter(Boolean).join("\n\n") };
}

/** Each call's output in `items[from…]`; a later output for the same call wins. */
export function outputsOf(items: readonly HistoryItem[], from = 0, to = items.length): Map<string, string> {
  const outputs = new Map<string, string>();
  for (let i = from; i < to; i++) {
    const item = items[i];
    if (item.type === "function_call_output") outputs.set(item.call_id, item.output);
  }
  return outputs;
}

export function toChatMessages(request: ModelRequest, replay: ReplayRules = DEFAULT_REPLAY): ChatMessage[] {
  const outputs = outputsOf(request.items);
  const builder = new ChatMessageBuilder(replay, (id) => outputs.get(id));
  for (const item of request.items) builder.add(item);
  builder.closeGroup();
  return [
    systemMessage(request.instructions, builder.systemParts),
    ...builder.messages.map((m) => builder.finish(m)),
  ];
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
  return bodyWith(request, options, toChatMessages(request, options.replay ?? DEFAULT_REPLAY));
}

/** The request body around `messages`, members in the order they are sent. */
export function bodyWith(
  request: ModelRequest,
  options: BodyOptions,
  messages: unknown,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: request.model, messages };
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
