// Model families that need different handling, as data. Built-in rows below; user `[model_profiles.*]` tables
// (src/config/model-profiles.ts) win over them field by field, so the next odd model is a config change.
import type { ModelProfile, StreamMode } from "../config/types.ts";

export const BUILTIN_PROFILES: readonly ModelProfile[] = [
  {
    // The original codex-litellm patchset's `prefer_non_stream` family: gpt-oss streams through LiteLLM were
    // seen to drop the socket after the first tool call and to leak Harmony envelopes into streamed text; it
    // also stops after single tool calls, so it gets more nudges.
    name: "gpt-oss",
    models: ["gpt-oss*", "*/gpt-oss*"],
    streamMode: "buffered",
    autoContinueMax: 5,
    reason: "gpt-oss streams through LiteLLM drop after the first tool call",
  },
  {
    // deepseek-reasoner / V3.2+ thinking mode answers 400 unless each tool-call message carries its
    // reasoning_content; the original R1 rejected reasoning_content elsewhere.
    name: "deepseek",
    models: ["deepseek*", "*/deepseek*"],
    reasoningContentReplay: "tool_calls",
  },
  {
    // MiniMax's docs require the complete assistant message, `<think>` text included, in multi-turn tool use.
    name: "minimax",
    models: ["*minimax*"],
    rawContentReplay: true,
  },
];

export interface EffectiveProfile {
  /** `auto` streams and may fall back to buffered; `stream` never falls back; `buffered` never streams. */
  streamMode: StreamMode;
  /** Why the model is buffered from the start (shown once), when it is. */
  bufferedReason?: string;
  autoContinueMax?: number;
  reasoningContentReplay: "tool_calls" | "always" | "never";
  rawContentReplay: boolean;
}

/** `*` and `?` globs, case-insensitive, over the whole name. */
export function globMatch(glob: string, name: string): boolean {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i").test(name);
}

function merged(model: string, rows: readonly ModelProfile[]): Partial<ModelProfile> {
  const out: Partial<ModelProfile> = {};
  for (const row of rows) {
    if (!row.models.some((g) => globMatch(g, model))) continue;
    for (const [key, value] of Object.entries(row) as [keyof ModelProfile, unknown][]) {
      if (key !== "name" && key !== "models" && value !== undefined && out[key] === undefined) {
        (out as Record<string, unknown>)[key] = value;
      }
    }
  }
  return out;
}

/**
 * How to talk to `model`. Auto-continue: a user profile, the root `auto_continue_max`, a built-in row.
 * Stream mode, most specific first: a user profile, the provider's explicit
 * `stream_mode`, the provider's `buffered_models`, a built-in profile, else `auto`.
 */
export function modelProfile(
  model: string,
  userProfiles: readonly ModelProfile[],
  provider: { streamMode: StreamMode; bufferedModels: readonly string[] },
  /** Root-level settings, between user profiles and built-in rows: `auto_continue_max`. */
  root: { autoContinueMax?: number } = {},
): EffectiveProfile {
  const user = merged(model, userProfiles);
  const builtin = merged(model, BUILTIN_PROFILES);
  let streamMode: StreamMode = "auto";
  let bufferedReason: string | undefined;
  const glob = provider.bufferedModels.find((g) => globMatch(g, model));
  if (user.streamMode) {
    streamMode = user.streamMode;
    bufferedReason = 'its model profile says stream_mode = "buffered"';
  } else if (provider.streamMode !== "auto") {
    streamMode = provider.streamMode;
  } else if (glob) {
    streamMode = "buffered";
    bufferedReason = `buffered_models matches \`${glob}\``;
  } else if (builtin.streamMode) {
    streamMode = builtin.streamMode;
    bufferedReason = builtin.reason;
  }
  return {
    streamMode,
    bufferedReason: streamMode === "buffered" ? bufferedReason : undefined,
    autoContinueMax: user.autoContinueMax ?? root.autoContinueMax ?? builtin.autoContinueMax,
    reasoningContentReplay: user.reasoningContentReplay ?? builtin.reasoningContentReplay ?? "tool_calls",
    rawContentReplay: user.rawContentReplay ?? builtin.rawContentReplay ?? true,
  };
}
