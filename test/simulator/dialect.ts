// LiteLLM's wire dialect (LiteLLM's proxy source and recorded captures): chunk and body shapes,
// key order, omitted nulls, error bodies and x-litellm-* headers.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ScenarioModel, ScriptedAnswer, ScriptedUsage } from "./scenario.ts";

export const DEFAULT_MODELS: ScenarioModel[] = [
  { id: "sim-model", max_input_tokens: 128000, max_output_tokens: 16384 },
];
const INPUT_COST = 0.000001;
const OUTPUT_COST = 0.000002;

export interface UsageBody {
  completion_tokens: number;
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens_details: { reasoning_tokens: number };
  prompt_tokens_details: { cached_tokens: number; cache_creation_tokens?: number };
  cache_creation_input_tokens?: number;
}

interface ToolCallParts {
  id: string;
  name: string;
  arguments: string;
  provider_specific_fields?: object;
}

/** Everything needed to emit one answer, either as a stream or as a ModelResponse. */
export interface Answer {
  id: string;
  created: number;
  model: string;
  text?: string;
  reasoning?: string;
  reasoningField: "reasoning_content" | "reasoning";
  toolCalls: ToolCallParts[];
  finishReason: string;
  usage?: UsageBody;
  chunkSize: number;
}

const estimateTokens = (s: string): number => Math.ceil(s.length / 4);

export function modelId(model: string): string {
  return createHash("sha256").update(model).digest("hex").slice(0, 32);
}

export function usageBody(u: ScriptedUsage): UsageBody {
  const body: UsageBody = {
    completion_tokens: u.completion_tokens,
    prompt_tokens: u.prompt_tokens,
    total_tokens: u.prompt_tokens + u.completion_tokens,
    completion_tokens_details: { reasoning_tokens: u.reasoning_tokens ?? 0 },
    prompt_tokens_details: { cached_tokens: u.cached_tokens ?? 0 },
  };
  if (u.cache_creation_tokens !== undefined) {
    body.cache_creation_input_tokens = u.cache_creation_tokens;
    body.prompt_tokens_details.cache_creation_tokens = u.cache_creation_tokens;
  }
  return body;
}

/** Resolves defaults of a scripted answer against the request it answers. */
export function buildAnswer(s: ScriptedAnswer, requestBody: unknown, requestModel: string): Answer {
  const toolCalls = (s.tool_calls ?? []).map((t) => ({
    id: t.id ?? `call_${randomBytes(12).toString("hex")}`,
    name: t.name,
    arguments: typeof t.arguments === "string" ? t.arguments : JSON.stringify(t.arguments),
    provider_specific_fields: t.provider_specific_fields,
  }));
  let usage: UsageBody | undefined;
  if (s.usage !== false) {
    const messages = (requestBody as { messages?: unknown } | undefined)?.messages;
    const reasoningTokens = estimateTokens(s.reasoning ?? "");
    const outputChars = (s.text ?? "").length + toolCalls.reduce((n, t) => n + t.arguments.length, 0);
    usage = usageBody(
      s.usage ?? {
        prompt_tokens: Math.max(1, estimateTokens(JSON.stringify(messages ?? ""))),
        completion_tokens: Math.max(1, Math.ceil(outputChars / 4) + reasoningTokens),
        reasoning_tokens: reasoningTokens,
      },
    );
  }
  return {
    id: `chatcmpl-${randomUUID()}`,
    created: Math.floor(Date.now() / 1000),
    model: s.model ?? requestModel,
    text: s.text,
    reasoning: s.reasoning,
    reasoningField: s.reasoning_field ?? "reasoning_content",
    toolCalls,
    finishReason: s.finish_reason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
    usage,
    chunkSize: Math.max(1, s.chunk_size ?? 8),
  };
}

/** Splits by code points so astral characters never straddle two deltas. */
export function pieces(s: string, size: number): string[] {
  const chars = Array.from(s);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(""));
  return out;
}

/**
 * The chunk JSON texts (without `data: ` framing) for a streamed answer, [DONE] excluded. `withCost`: the
 * usage chunk carries LiteLLM's `cost` (a plain OpenAI upstream sends none).
 */
export function streamChunks(a: Answer, withCost = true): string[] {
  const chunks: string[] = [];
  let first = true;
  const push = (choice: Record<string, unknown>, extra?: Record<string, unknown>) => {
    chunks.push(
      JSON.stringify({
        id: a.id,
        created: a.created,
        model: a.model,
        object: "chat.completion.chunk",
        choices: [choice],
        ...extra,
      }),
    );
  };
  // Delta key order follows LiteLLM's Delta: content, role, tool_calls, then reasoning.
  const delta = (fields: Record<string, unknown>) => {
    const d: Record<string, unknown> = {};
    if ("content" in fields) d.content = fields.content;
    if (first) d.role = "assistant";
    first = false;
    for (const [k, v] of Object.entries(fields)) if (k !== "content") d[k] = v;
    push({ index: 0, delta: d });
  };
  for (const r of pieces(a.reasoning ?? "", a.chunkSize)) delta({ [a.reasoningField]: r });
  for (const t of pieces(a.text ?? "", a.chunkSize)) delta({ content: t });
  a.toolCalls.forEach((t, index) => {
    const head: Record<string, unknown> = {
      id: t.id,
      function: { arguments: "", name: t.name },
      type: "function",
      index,
    };
    if (t.provider_specific_fields) head.provider_specific_fields = t.provider_specific_fields;
    delta({ tool_calls: [head] });
    for (const args of pieces(t.arguments, a.chunkSize))
      delta({ tool_calls: [{ function: { arguments: args }, type: "function", index }] });
  });
  if (first) delta({ content: "" });
  push({ finish_reason: a.finishReason, index: 0, delta: {} });
  // LiteLLM cannot send a cost header before a stream's usage is known: it puts the cost in the usage chunk.
  if (a.usage)
    push(
      { index: 0, delta: {} },
      { usage: withCost ? { ...a.usage, cost: Number(responseCost(a.usage)) } : a.usage },
    );
  return chunks;
}

/** LiteLLM's non-streaming ModelResponse for the same answer. */
export function modelResponse(a: Answer): Record<string, unknown> {
  const message: Record<string, unknown> = { content: a.text ?? null, role: "assistant" };
  if (a.toolCalls.length > 0)
    message.tool_calls = a.toolCalls.map((t) => ({
      function: { arguments: t.arguments, name: t.name },
      id: t.id,
      type: "function",
      ...(t.provider_specific_fields ? { provider_specific_fields: t.provider_specific_fields } : {}),
    }));
  if (a.reasoning !== undefined) message[a.reasoningField] = a.reasoning;
  return {
    id: a.id,
    created: a.created,
    model: a.model,
    object: "chat.completion",
    choices: [{ finish_reason: a.finishReason, index: 0, message }],
    ...(a.usage ? { usage: a.usage } : {}),
  };
}

const EXCEPTION_CLASS: Record<number, string> = {
  400: "BadRequestError",
  401: "AuthenticationError",
  403: "PermissionDeniedError",
  404: "NotFoundError",
  408: "Timeout",
  422: "UnprocessableEntityError",
  429: "RateLimitError",
  500: "InternalServerError",
  502: "BadGatewayError",
  503: "ServiceUnavailableError",
};

/** ProxyException.to_dict(): `code` is the status as a string; type/param often the string "None". */
export function errorBody(status: number, message: string, type = "None", param = "None") {
  return { error: { message, type, param, code: String(status) } };
}

export function scriptedErrorBody(status: number, model: string) {
  const cls = EXCEPTION_CLASS[status] ?? "APIError";
  return errorBody(
    status,
    `litellm.${cls}: simulator: scripted HTTP ${status} error. Received Model Group=${model}\n` +
      "Available Model Group Fallbacks=None",
  );
}

/** LiteLLM's in-band error event as its proxy writes it (Python's json.dumps spacing, `type: null`). */
export function inBandErrorEvent(): string {
  const error = {
    message:
      "litellm.APIConnectionError: APIConnectionError: OpenAIException - simulator: injected mid-stream error",
    type: null,
    param: null,
    code: "500",
  };
  return JSON.stringify({ error }).replace(/":/g, '": ').replace(/,"/g, ', "');
}

/** Without usage (recorded streams, `usage: false`) a nominal small cost is reported. */
export function responseCost(u: UsageBody | undefined): string {
  if (!u) return "0.00012";
  return String(Number((u.prompt_tokens * INPUT_COST + u.completion_tokens * OUTPUT_COST).toPrecision(6)));
}

/**
 * The x-litellm-* headers LiteLLM computes before the first byte of a response. The cost is among them only
 * when the whole answer is known by then (`stream: false`); a stream carries it in its usage chunk.
 */
export function litellmHeaders(
  callId: string,
  model: string,
  apiBase: string,
  usage: UsageBody | undefined,
  stream: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    "x-litellm-call-id": callId,
    "x-litellm-model-id": modelId(model),
    "x-litellm-model-group": model,
    "x-litellm-model-api-base": apiBase,
    "x-litellm-version": "1.99.0-simulator",
    "x-litellm-response-cost": responseCost(usage),
    "x-litellm-key-spend": "0.0",
    "x-litellm-response-duration-ms": "1.0",
    "x-litellm-overhead-duration-ms": "0.1",
    "x-litellm-attempted-retries": "0",
    "x-litellm-attempted-fallbacks": "0",
  };
  if (stream) delete headers["x-litellm-response-cost"];
  return headers;
}

export function modelsList(models: ScenarioModel[]) {
  return {
    data: models.map((m) => ({ id: m.id, object: "model", created: 1677610602, owned_by: "openai" })),
    object: "list",
  };
}

export function modelInfo(models: ScenarioModel[]) {
  return {
    data: models.map((m) => ({
      model_name: m.id,
      litellm_params: { model: `openai/${m.id}` },
      model_info: {
        id: modelId(m.id),
        db_model: false,
        key: m.id,
        max_tokens: m.max_output_tokens ?? null,
        max_input_tokens: m.max_input_tokens ?? null,
        max_output_tokens: m.max_output_tokens ?? null,
        input_cost_per_token: INPUT_COST,
        output_cost_per_token: OUTPUT_COST,
        litellm_provider: "openai",
        mode: "chat",
        supports_function_calling: true,
        supports_parallel_function_calling: true,
        supports_vision: m.supports_vision ?? false,
        supports_reasoning: false,
      },
    })),
  };
}

export function modelGroupInfo(models: ScenarioModel[]) {
  return {
    data: models.map((m) => ({
      model_group: m.id,
      providers: ["openai"],
      max_input_tokens: m.max_input_tokens ?? null,
      max_output_tokens: m.max_output_tokens ?? null,
      input_cost_per_token: INPUT_COST,
      output_cost_per_token: OUTPUT_COST,
      mode: "chat",
      tpm: null,
      rpm: null,
      supports_parallel_function_calling: true,
      supports_vision: m.supports_vision ?? false,
      supports_function_calling: true,
      supports_reasoning: false,
      supported_openai_params: ["max_tokens", "stream", "stream_options", "temperature", "tools"],
    })),
  };
}
