// The context indicator: Codex's formula. The first 12,000 tokens (system prompt, tools, environment) are a
// baseline the user cannot free, so 100% means "nothing used beyond the baseline":
//   left% = (window − 12000 − max(0, used − 12000)) / (window − 12000)
// with `window` the model's effective window, 95% of the context window as Codex takes it.
import { compactTokens } from "../../../telemetry/usage.ts";

export const BASELINE_TOKENS = 12_000;
export const EFFECTIVE_WINDOW_PERCENT = 95;

/** Percent of the context window left, 0–100, rounded; undefined when the window is unknown. */
export function contextLeftPercent(used: number, contextWindow: number | undefined): number | undefined {
  if (!contextWindow || contextWindow <= 0) return undefined;
  const window = Math.floor((contextWindow * EFFECTIVE_WINDOW_PERCENT) / 100);
  if (window <= BASELINE_TOKENS) return 0;
  const usable = window - BASELINE_TOKENS;
  const spent = Math.max(0, used - BASELINE_TOKENS);
  const remaining = Math.max(0, usable - spent);
  return Math.min(100, Math.max(0, Math.round((remaining / usable) * 100)));
}

/** The footer's text: `N% context left`, or `N used` when the window is unknown. */
export function contextIndicator(used: number, contextWindow: number | undefined): string {
  const left = contextLeftPercent(used, contextWindow);
  return left === undefined ? `${compactTokens(used)} used` : `${left}% context left`;
}

/** The `/status` row: `N% left (used / window)`. */
export function contextWindowSummary(used: number, contextWindow: number | undefined): string {
  const left = contextLeftPercent(used, contextWindow);
  if (left === undefined) return `${compactTokens(used)} used`;
  return `${left}% left (${compactTokens(used)} used / ${compactTokens(contextWindow ?? 0)})`;
}
