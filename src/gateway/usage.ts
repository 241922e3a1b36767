// Token usage as LiteLLM reports it, mapped onto Codex's usage fields. Every field may be absent or null.
import type { Usage } from "../protocol/model.ts";

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** Maps a Chat Completions `usage` object; returns undefined when it carries no token counts at all. */
export function parseUsage(raw: unknown): Usage | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const u = raw as Record<string, unknown>;
  const prompt = u.prompt_tokens;
  const completion = u.completion_tokens;
  if (typeof prompt !== "number" && typeof completion !== "number" && typeof u.total_tokens !== "number")
    return undefined;
  const promptDetails = (u.prompt_tokens_details ?? {}) as Record<string, unknown>;
  const completionDetails = (u.completion_tokens_details ?? {}) as Record<string, unknown>;
  // Cached tokens: OpenAI/LiteLLM `prompt_tokens_details.cached_tokens`, Anthropic `cache_read_input_tokens`,
  // DeepSeek `prompt_cache_hit_tokens`.
  const cached =
    num(promptDetails.cached_tokens) || num(u.cache_read_input_tokens) || num(u.prompt_cache_hit_tokens);
  const input = num(prompt);
  const output = num(completion);
  return {
    input_tokens: input,
    cached_input_tokens: cached,
    output_tokens: output,
    reasoning_output_tokens: num(completionDetails.reasoning_tokens),
    // xAI reports total_tokens > prompt + completion (reasoning outside completion); trust the gateway.
    total_tokens: num(u.total_tokens) || input + output,
  };
}
