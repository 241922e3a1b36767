// Model-family quirks that change how we talk to the gateway. Each row says which models, what we do, and why.

export interface ModelQuirk {
  /** Matches the model name as configured (LiteLLM model groups are often `provider/model`). */
  pattern: RegExp;
  /** Send `stream: false` and simulate the stream from the JSON answer (fetch-and-simulate). */
  buffered?: boolean;
  reason: string;
}

export const MODEL_QUIRKS: readonly ModelQuirk[] = [
  {
    // The original codex-litellm patchset's `prefer_non_stream` family: gpt-oss streams through LiteLLM were
    // seen to drop the socket after the first tool call and to leak Harmony envelopes into streamed text.
    pattern: /(?:^|\/)gpt-oss/i,
    buffered: true,
    reason: "gpt-oss streams through LiteLLM drop after the first tool call",
  },
];

/** `*` and `?` globs, case-insensitive, over the whole name. */
function globMatch(glob: string, name: string): boolean {
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return re.test(name);
}

/** Why `model` must be buffered from the start, or undefined when it may stream. */
export function bufferedReason(model: string, configured: readonly string[]): string | undefined {
  const glob = configured.find((g) => globMatch(g, model));
  if (glob) return `buffered_models matches \`${glob}\``;
  return MODEL_QUIRKS.find((q) => q.buffered && q.pattern.test(model))?.reason;
}
