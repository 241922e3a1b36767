// Chat Completions chunk → ModelEvent state machine. One instance per attempt; a retry starts a new one.
// Every field is optional (LiteLLM omits nulls); quirks are handled in the small helpers below, each named.
import type { ThinkingBlock } from "../protocol/items.ts";
import type { ModelEvent, ModelResponse, ToolCall, Usage } from "../protocol/model.ts";
import { ContentFilter } from "./content-filter.ts";
import { repairArguments } from "./repair.ts";
import { parseUsage } from "./usage.ts";

interface ToolSlot {
  index: number;
  id: string;
  name: string;
  arguments: string;
  /** Bytes of arguments received, counted on after `arguments` stopped growing at the limit. */
  bytes: number;
  provider_specific_fields?: Record<string, unknown>;
  announced: boolean;
}

/** Default `tool_arguments_max_bytes` for callers without a provider (tests). */
const NO_LIMIT = Number.POSITIVE_INFINITY;

type Emit = (event: ModelEvent) => void;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Text of a content value: a string, or an array of parts (Mistral passes thinking parts through). */
function splitContent(content: unknown): { text: string; thinking: string } {
  if (typeof content === "string") return { text: content, thinking: "" };
  if (!Array.isArray(content)) return { text: "", thinking: "" };
  let text = "";
  let thinking = "";
  for (const part of content) {
    if (!isObject(part)) continue;
    if (part.type === "thinking") thinking += partText(part.thinking);
    else if (typeof part.text === "string") text += part.text;
  }
  return { text, thinking };
}

function partText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((p) => (isObject(p) ? partText(p.text) : "")).join("");
  return "";
}

/** Reasoning text may be a string or `{text}` / `{content}` (vLLM, OpenRouter variants). */
function reasoningText(value: unknown): string {
  if (typeof value === "string") return value;
  if (isObject(value)) return partText(value.text ?? value.content);
  return "";
}

export class ChunkAssembler {
  private readonly filter = new ContentFilter();
  private readonly reasoningParts: string[] = [];
  /** `reasoning_content` in pieces; undefined until a delta carries the key (even empty). */
  private reasoningContent: string[] | undefined;
  private thinkingBlocks: ThinkingBlock[] = [];
  private reasoningDetails: unknown[] = [];
  private slots: ToolSlot[] = [];
  private byIndex = new Map<number, ToolSlot>();
  private lastSlot: ToolSlot | undefined;
  private usage: Usage | undefined;
  /** LiteLLM's `usage.cost`: on a stream, where no cost header can be sent, the only place it comes. */
  private cost: number | undefined;
  private model: string | undefined;
  finishReason: string | null = null;

  /** `maxArgumentBytes`: a tool call's arguments stop accumulating past it (see ToolCall.tooLarge). */
  constructor(
    private readonly emit: Emit,
    private readonly maxArgumentBytes = NO_LIMIT,
  ) {}

  /** Feeds one parsed chunk. Returns an error message when the chunk is an in-band error event. */
  push(chunk: unknown): string | undefined {
    if (!isObject(chunk)) return undefined;
    if (chunk.error !== undefined) return errorText(chunk.error);
    if (typeof chunk.model === "string" && chunk.model) this.model = chunk.model;
    // Usage may ride on the finish chunk, on LiteLLM's trailing chunk with placeholder choices, or on a
    // chunk with `choices: []`: take the last one that carries counts.
    const usage = parseUsage(chunk.usage);
    if (usage) this.usage = usage;
    const cost = isObject(chunk.usage) ? chunk.usage.cost : undefined;
    if (typeof cost === "number" && Number.isFinite(cost) && cost >= 0) this.cost = cost;
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const choice of choices) {
      if (!isObject(choice)) continue;
      const index = typeof choice.index === "number" ? choice.index : 0;
      if (index !== 0) continue;
      const delta = isObject(choice.delta) ? choice.delta : isObject(choice.message) ? choice.message : {};
      this.pushDelta(delta);
      // An empty finish_reason is not an end (seen from Claude-via-proxy streams).
      if (typeof choice.finish_reason === "string" && choice.finish_reason) {
        this.finishReason = choice.finish_reason;
      }
    }
    return undefined;
  }

  private pushDelta(delta: Record<string, unknown>): void {
    const { text, thinking } = splitContent(delta.content);
    const reasoning =
      reasoningText(delta.reasoning_content) ||
      reasoningText(delta.reasoning) ||
      (isObject(delta.provider_specific_fields)
        ? reasoningText(delta.provider_specific_fields.reasoning_content)
        : "");
    // DeepSeek wants `reasoning_content` back on tool-call turns even when it was empty: keep the key's presence.
    if (typeof delta.reasoning_content === "string") {
      this.reasoningContent ??= [];
      this.reasoningContent.push(delta.reasoning_content);
    }
    const blockText = Array.isArray(delta.thinking_blocks)
      ? this.mergeThinkingBlocks(delta.thinking_blocks)
      : "";
    if (Array.isArray(delta.reasoning_details)) this.reasoningDetails.push(...delta.reasoning_details);
    // LiteLLM sends Claude's thinking both as reasoning_content and thinking_blocks: show it once.
    const shown = reasoning || blockText;
    if (shown) this.addReasoning(shown);
    if (thinking) this.addReasoning(thinking);
    if (text) this.pushText(text);
    if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) this.pushToolCall(call);
  }

  private pushText(raw: string): void {
    const out = this.filter.push(raw);
    if (out.reasoning) this.addReasoning(out.reasoning);
    if (out.text) this.emit({ type: "text_delta", delta: out.text });
  }

  private addReasoning(text: string): void {
    this.reasoningParts.push(text);
    this.emit({ type: "reasoning_delta", delta: text });
  }

  /** Anthropic thinking blocks arrive one fragment per delta; the signature comes in a later empty one. */
  private mergeThinkingBlocks(blocks: unknown[]): string {
    let text = "";
    for (const raw of blocks) {
      if (!isObject(raw)) continue;
      const last = this.thinkingBlocks.at(-1);
      if (raw.type === "redacted_thinking") {
        this.thinkingBlocks.push({ type: "redacted_thinking", data: String(raw.data ?? "") });
        continue;
      }
      const fragment = typeof raw.thinking === "string" ? raw.thinking : "";
      const signature = typeof raw.signature === "string" && raw.signature ? raw.signature : undefined;
      if (last && last.type === "thinking" && last.signature === undefined) {
        last.thinking = (last.thinking ?? "") + fragment;
        if (signature) last.signature = signature;
      } else {
        const block: ThinkingBlock = { type: "thinking", thinking: fragment };
        if (signature) block.signature = signature;
        this.thinkingBlocks.push(block);
      }
      text += fragment;
    }
    return text;
  }

  private pushToolCall(raw: unknown): void {
    if (!isObject(raw)) return;
    const fn = isObject(raw.function) ? raw.function : {};
    const id = typeof raw.id === "string" ? raw.id : "";
    const name = typeof fn.name === "string" ? fn.name : "";
    const args =
      typeof fn.arguments === "string"
        ? fn.arguments
        : isObject(fn.arguments)
          ? JSON.stringify(fn.arguments)
          : "";
    const index = typeof raw.index === "number" && raw.index >= 0 ? raw.index : undefined;
    let slot: ToolSlot | undefined;
    if (id) slot = this.slots.find((s) => s.id === id);
    if (!slot && index !== undefined) {
      const atIndex = this.byIndex.get(index);
      // Parallel calls all sent at index 0 (Gemini via LiteLLM #16188): a new id at a used index is a new call.
      if (atIndex && !(id && atIndex.id && atIndex.id !== id)) slot = atIndex;
    }
    // Fragments with no usable index (Anthropic `index: -1`, LiteLLM #15884) continue the last call.
    if (!slot && index === undefined && !id && !name) slot = this.lastSlot;
    if (!slot) {
      slot = {
        index: index ?? this.slots.length,
        id: "",
        name: "",
        arguments: "",
        bytes: 0,
        announced: false,
      };
      this.slots.push(slot);
      this.byIndex.set(slot.index, slot);
    }
    this.lastSlot = slot;
    if (id && !slot.id) slot.id = id;
    // `name: ""` on continuation fragments must not overwrite (GLM fixture).
    if (name && !slot.name) slot.name = name;
    if (args) {
      // Past the limit nothing more is kept: a model streaming 50 MB of arguments costs a counter.
      slot.bytes += Buffer.byteLength(args);
      if (slot.bytes <= this.maxArgumentBytes) slot.arguments += args;
      else slot.arguments = "";
    }
    if (isObject(raw.provider_specific_fields)) slot.provider_specific_fields = raw.provider_specific_fields;
    if (!slot.announced && slot.name) {
      slot.announced = true;
      this.emit({ type: "tool_call_begin", index: slot.index, id: slot.id, name: slot.name });
    }
  }

  /** The response so far. Calls without a name are dropped; calls without an id get a synthetic one. */
  finish(): ModelResponse {
    const toolCalls: ToolCall[] = [];
    const stamp = Date.now().toString(36);
    for (const [i, slot] of this.slots.entries()) {
      if (!slot.name && slot.bytes === 0) continue;
      // Harmony control tokens glued to names (`json<|channel|>commentary`, Bedrock gpt-oss) are cut off here.
      const call: ToolCall = {
        id: slot.id || `call_${i}_${stamp}`,
        name: stripToolNameTokens(slot.name),
        // Repaired when unambiguous; otherwise the raw text goes on so the agent can tell the model.
        arguments: repairArguments(slot.arguments) ?? slot.arguments,
      };
      if (slot.provider_specific_fields) call.provider_specific_fields = slot.provider_specific_fields;
      if (slot.bytes > this.maxArgumentBytes) {
        call.arguments = "{}";
        call.tooLarge = { bytes: slot.bytes, limit: this.maxArgumentBytes };
      }
      toolCalls.push(call);
    }
    const filtered = this.filter.finish();
    if (filtered.flushed.reasoning) this.addReasoning(filtered.flushed.reasoning);
    if (filtered.flushed.text) this.emit({ type: "text_delta", delta: filtered.flushed.text });
    // Calls written as text (Harmony, Kimi XML) are bounded by the response's size only: checked whole here.
    for (const [i, call] of filtered.calls.entries())
      toolCalls.push(this.bounded({ id: `call_text_${i}_${stamp}`, ...call }));
    const text = filtered.text;
    const reasoning = this.reasoningParts.join("");
    // gpt-oss sometimes puts the shell call's JSON in its reasoning and returns nothing else.
    if (!toolCalls.length && !text.trim()) {
      const hidden = callFromReasoning(reasoning);
      if (hidden) toolCalls.push(this.bounded({ id: `call_reasoning_${stamp}`, ...hidden }));
    }
    const response: ModelResponse = {
      text,
      reasoning,
      toolCalls,
      finishReason: this.finishReason,
    };
    // Inline reasoning is replayed as sent (MiniMax needs its `<think>` text back); Harmony tokens never are.
    if (filtered.replayRaw) {
      const raw = this.filter.rawText();
      if (raw !== text) response.rawContent = raw;
    }
    if (this.reasoningContent !== undefined) response.reasoningContent = this.reasoningContent.join("");
    if (this.thinkingBlocks.length) response.thinkingBlocks = this.thinkingBlocks;
    if (this.reasoningDetails.length) response.reasoningDetails = this.reasoningDetails;
    if (this.usage) response.usage = this.usage;
    if (this.cost !== undefined) response.cost = this.cost;
    if (this.model) response.model = this.model;
    return response;
  }

  private bounded(call: ToolCall): ToolCall {
    if (call.arguments.length * 3 <= this.maxArgumentBytes) return call;
    const bytes = Buffer.byteLength(call.arguments);
    if (bytes <= this.maxArgumentBytes) return call;
    return { ...call, arguments: "{}", tooLarge: { bytes, limit: this.maxArgumentBytes } };
  }
}

/** Real tool names are at most 64 characters (OpenAI's rule); a longer one is cut, as it is shown and replayed. */
const MAX_TOOL_NAME_CHARS = 256;

export function stripToolNameTokens(name: string): string {
  const cut = name.indexOf("<|");
  return (cut >= 0 ? name.slice(0, cut) : name).trim().slice(0, MAX_TOOL_NAME_CHARS);
}

/**
 * A shell call written as JSON inside the reasoning (`{"command": [...]}` or `{"cmd": …}`), found by a
 * brace-balanced scan from the last such object.
 */
export function callFromReasoning(reasoning: string): { name: string; arguments: string } | undefined {
  const start = Math.max(reasoning.lastIndexOf('{"command"'), reasoning.lastIndexOf('{"cmd"'));
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < reasoning.length; i++) {
    const ch = reasoning[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) {
      const json = reasoning.slice(start, i + 1);
      try {
        JSON.parse(json);
        return { name: "shell", arguments: json };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Text of an `error` member: `{message, code}` object or a bare string. */
export function errorText(error: unknown): string {
  if (typeof error === "string") return error;
  if (isObject(error)) {
    const message = typeof error.message === "string" ? error.message : JSON.stringify(error);
    return message;
  }
  return String(error);
}

/**
 * fetch-and-simulate: a non-streaming ModelResponse JSON body replayed through the same state machine, so
 * the agent sees the identical event sequence a stream would have produced.
 */
export function assembleFromJson(
  body: unknown,
  emit: Emit,
  maxArgumentBytes = NO_LIMIT,
): { response?: ModelResponse; error?: string } {
  const assembler = new ChunkAssembler(emit, maxArgumentBytes);
  if (!isObject(body)) return { error: "gateway returned a non-JSON body" };
  if (body.error !== undefined) return { error: errorText(body.error) };
  const choices = Array.isArray(body.choices) ? body.choices : [];
  const first = choices.find((c) => isObject(c) && (c.index === 0 || c.index === undefined));
  if (!isObject(first)) return { error: "gateway response has no choices" };
  const message = isObject(first.message) ? { ...first.message } : {};
  // Non-streaming tool calls carry no per-fragment index; number them in order.
  if (Array.isArray(message.tool_calls)) {
    message.tool_calls = message.tool_calls.map((c, i) => (isObject(c) ? { ...c, index: i } : c));
  }
  assembler.push({
    model: body.model,
    choices: [{ index: 0, delta: message, finish_reason: first.finish_reason }],
  });
  assembler.push({ usage: body.usage });
  return { response: assembler.finish() };
}
