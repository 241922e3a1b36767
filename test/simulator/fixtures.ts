// Loads recorded fixtures into replayable form. Stream fixtures become SSE frames whose
// concatenation is the exact wire text; ModelResponse bodies also yield a ScriptedAnswer so
// streaming requests get them re-chunked in LiteLLM's dialect.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { resolveFixturePath, type ScriptedAnswer, type ScriptedToolCall } from "./scenario.ts";

/** One SSE event (or comment) exactly as written to the wire. */
export interface Frame {
  text: string;
  done: boolean;
}

export type LoadedFixture =
  | { kind: "stream"; name: string; frames: Frame[] }
  | { kind: "model_response"; name: string; raw: string; answer: ScriptedAnswer }
  | { kind: "json"; name: string; raw: string };

export const DONE_FRAME: Frame = { text: "data: [DONE]\n\n", done: true };

export function dataFrame(json: string): Frame {
  return { text: `data: ${json}\n\n`, done: false };
}

/** Splits raw SSE text after each blank line; joining the frames gives the input back. */
export function splitSse(text: string): Frame[] {
  const frames: Frame[] = [];
  let start = 0;
  for (;;) {
    const m = /\r?\n\r?\n/g;
    m.lastIndex = start;
    const hit = m.exec(text);
    const end = hit ? hit.index + hit[0].length : text.length;
    if (end > start) {
      const body = text.slice(start, end);
      frames.push({ text: body, done: body.trim() === "data: [DONE]" });
    }
    if (!hit) return frames;
    start = end;
  }
}

interface ResponseMessage {
  content?: unknown;
  reasoning_content?: unknown;
  reasoning?: unknown;
  tool_calls?: { id?: string; function?: { name?: string; arguments?: string } }[] | null;
}

interface ModelResponseBody {
  choices?: { finish_reason?: string; message?: ResponseMessage }[];
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    completion_tokens_details?: { reasoning_tokens?: number } | null;
    prompt_tokens_details?: { cached_tokens?: number } | null;
  };
}

function answerFromModelResponse(body: ModelResponseBody): ScriptedAnswer {
  const choice = body.choices?.[0];
  const msg = choice?.message ?? {};
  const reasoningField = typeof msg.reasoning_content === "string" ? "reasoning_content" : "reasoning";
  const reasoning = msg[reasoningField];
  const tool_calls: ScriptedToolCall[] = (msg.tool_calls ?? []).map((t) => ({
    id: t.id,
    name: t.function?.name ?? "",
    arguments: t.function?.arguments ?? "",
    ...("provider_specific_fields" in t
      ? { provider_specific_fields: t.provider_specific_fields as object }
      : {}),
  }));
  const u = body.usage;
  return {
    text: typeof msg.content === "string" ? msg.content : undefined,
    reasoning: typeof reasoning === "string" ? reasoning : undefined,
    reasoning_field: reasoningField,
    tool_calls,
    finish_reason: choice?.finish_reason,
    usage: u
      ? {
          prompt_tokens: u.prompt_tokens ?? 0,
          completion_tokens: u.completion_tokens ?? 0,
          reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
          cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0,
        }
      : false,
  };
}

export function loadFixture(ref: string): LoadedFixture {
  const path = resolveFixturePath(ref);
  const name = basename(path);
  const raw = readFileSync(path, "utf8");
  if (name.endsWith(".sse")) return { kind: "stream", name, frames: splitSse(raw) };
  if (name.endsWith(".jsonl")) {
    const lines = raw.split(/\r?\n/).filter((l) => l.trim() !== "");
    return { kind: "stream", name, frames: [...lines.map(dataFrame), DONE_FRAME] };
  }
  if (!name.endsWith(".json")) throw new Error(`simulator: unsupported fixture type: ${name}`);
  const doc = JSON.parse(raw) as { chunks?: unknown[] } & ModelResponseBody;
  if (Array.isArray(doc.chunks))
    return {
      kind: "stream",
      name,
      frames: [...doc.chunks.map((c) => dataFrame(JSON.stringify(c))), DONE_FRAME],
    };
  if (doc.choices?.[0]?.message)
    return { kind: "model_response", name, raw, answer: answerFromModelResponse(doc) };
  return { kind: "json", name, raw };
}
