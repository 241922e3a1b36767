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
  // Cache writes: Anthropic via LiteLLM `cache_creation_input_tokens`, LiteLLM's
  // `prompt_tokens_details.cache_creation_tokens` or `cache_write_tokens`.
  const cacheWrite =
    num(u.cache_creation_input_tokens) ||
    num(promptDetails.cache_creation_tokens) ||
    num(promptDetails.cache_write_tokens);
  const input = num(prompt);
  const output = num(completion);
  const usage: Usage = {
    input_tokens: input,
    cached_input_tokens: cached,
    output_tokens: output,
    reasoning_output_tokens: num(completionDetails.reasoning_tokens),
    // xAI reports total_tokens > prompt + completion (reasoning outside completion); trust the gateway.
    total_tokens: num(u.total_tokens) || input + output,
  };
  if (cacheWrite > 0) usage.cache_write_input_tokens = cacheWrite;
  return usage;
}
