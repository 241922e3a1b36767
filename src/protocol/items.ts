// Conversation history, stored in the Responses-item shape Codex uses in rollout files.
// The gateway module turns these into Chat Completions messages; nothing else knows the wire.

export type ContentPart =
  | { type: "input_text"; text: string }
  | { type: "output_text"; text: string }
  /** An image the user attached, as a `data:` URL (Codex's rollout shape). */
  | { type: "input_image"; image_url: string };

export interface MessageItem {
  type: "message";
  /** `developer` messages come from stock Codex's rollouts; they are sent as part of the one system message. */
  role: "user" | "assistant" | "system" | "developer";
  content: ContentPart[];
  /** Raw assistant content as the provider sent it (e.g. MiniMax `<think>` text), replayed verbatim. */
  raw_content?: string;
}

export interface ThinkingBlock {
  type: "thinking" | "redacted_thinking";
  thinking?: string;
  signature?: string;
  data?: string;
}

export interface ReasoningItem {
  type: "reasoning";
  /** Human-readable reasoning text (all formats merged). */
  text: string;
  /** Provider fields replayed on the next assistant message when the model sent them. */
  reasoning_content?: string;
  thinking_blocks?: ThinkingBlock[];
  reasoning_details?: unknown[];
}

export interface FunctionCallItem {
  type: "function_call";
  call_id: string;
  name: string;
  /** JSON text of the arguments, always valid JSON (repaired or replaced before it is stored). */
  arguments: string;
  provider_specific_fields?: Record<string, unknown>;
}

export interface FunctionCallOutputItem {
  type: "function_call_output";
  call_id: string;
  output: string;
}

export type HistoryItem = MessageItem | ReasoningItem | FunctionCallItem | FunctionCallOutputItem;

export function userMessage(text: string, images: string[] = []): MessageItem {
  return {
    type: "message",
    role: "user",
    content: [
      { type: "input_text", text },
      ...images.map((url) => ({ type: "input_image" as const, image_url: url })),
    ],
  };
}

export function assistantMessage(text: string, rawContent?: string): MessageItem {
  const item: MessageItem = { type: "message", role: "assistant", content: [{ type: "output_text", text }] };
  if (rawContent !== undefined && rawContent !== text) item.raw_content = rawContent;
  return item;
}

export function messageText(item: MessageItem): string {
  return item.content.map((p) => ("text" in p ? p.text : "")).join("");
}
