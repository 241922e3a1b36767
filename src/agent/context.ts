// Context-window accounting. The gateway's reported usage is the truth (the last response's prompt +
// completion tokens are the conversation so far); chars/4 estimates cover only what was added since.
import type { Gateway } from "../gateway/client.ts";
import { discoverModel } from "../gateway/discovery.ts";
import type { HistoryItem } from "../protocol/items.ts";
import type { ToolSpec } from "../protocol/model.ts";

/** codex-litellm's baseline window when neither config nor the gateway names one. */
export const DEFAULT_CONTEXT_WINDOW = 130_000;
/** Auto-compaction starts at this share of the window unless `model_auto_compact_token_limit` says otherwise. */
export const AUTO_COMPACT_SHARE = 0.9;
/** Per-message framing (role, separators) that chars/4 misses. */
const ITEM_OVERHEAD_TOKENS = 4;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Rough size of one history item as the model sees it (what the gateway module sends for it). */
export function estimateItemTokens(item: HistoryItem): number {
  let chars = 0;
  switch (item.type) {
    case "message":
      // An image costs the model about a thousand tokens, whatever the size of its data URL.
      chars =
        item.raw_content?.length ??
        item.content.reduce((n, p) => n + ("text" in p ? p.text.length : 4000), 0);
      break;
    case "reasoning": {
      // Only provider fields are replayed; the display text is not sent again.
      chars = item.reasoning_content?.length ?? 0;
      for (const block of item.thinking_blocks ?? []) chars += (block.thinking ?? block.data ?? "").length;
      break;
    }
    case "function_call":
      chars = item.name.length + item.arguments.length + item.call_id.length;
      break;
    case "function_call_output":
      chars = item.output.length + item.call_id.length;
      break;
    default:
      item satisfies never;
  }
  return Math.ceil(chars / 4) + ITEM_OVERHEAD_TOKENS;
}

export function estimateItemsTokens(items: readonly HistoryItem[]): number {
  let total = 0;
  for (const item of items) total += estimateItemTokens(item);
  return total;
}

/** The system prompt and tool schemas: sent with every request, never in history. */
export function estimateFixedTokens(instructions: string, tools: readonly ToolSpec[]): number {
  return estimateTextTokens(instructions) + (tools.length ? estimateTextTokens(JSON.stringify(tools)) : 0);
}

/** The token count at which a request triggers compaction first: the configured limit, capped by the window. */
export function autoCompactLimit(window: number, configured?: number): number {
  return configured !== undefined ? Math.min(configured, window) : Math.floor(window * AUTO_COMPACT_SHARE);
}

/** Keeps the head and tail of `text` within `maxChars`, marking the cut (Codex's middle truncation). */
export function truncateMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const keep = Math.max(0, maxChars);
  const head = Math.ceil(keep / 2);
  const tail = Math.floor(keep / 2);
  const cut = text.length - head - tail;
  return `${text.slice(0, head)}…${cut} chars truncated…${tail ? text.slice(text.length - tail) : ""}`;
}

/**
 * The model's input window from the gateway's model info (`max_input_tokens`), using the discovery cache.
 * Contract: never throws and never waits longer than `timeoutMs`; undefined when the gateway does not say.
 */
export async function discoverContextWindow(
  gateway: Gateway,
  model: string,
  options: { cacheFile?: string; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<number | undefined> {
  // A private controller rather than AbortSignal.any, which Node 20.0–20.2 lack.
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, options.timeoutMs ?? 5000);
  options.signal?.addEventListener("abort", abort, { once: true });
  try {
    const info = await discoverModel(gateway, model, controller.signal, { cacheFile: options.cacheFile });
    return info?.maxInputTokens;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", abort);
  }
}
