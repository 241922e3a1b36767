// `[model_profiles.<name>]` tables → ModelProfile rows (see types.ts).
import type { ModelProfile, StreamMode } from "./types.ts";
import type { TableReader } from "./values.ts";

const STREAM_MODES: readonly StreamMode[] = ["auto", "stream", "buffered"];
const REPLAY: readonly NonNullable<ModelProfile["reasoningContentReplay"]>[] = [
  "tool_calls",
  "always",
  "never",
];

export function readModelProfiles(root: TableReader): ModelProfile[] {
  const tables = root.optionalTable("model_profiles");
  if (!tables) return [];
  const section = root.table("model_profiles");
  return Object.keys(tables).map((name) => {
    const t = section.table(name);
    const profile: ModelProfile = { name, models: t.stringArray("models") ?? [] };
    const streamMode = t.oneOf("stream_mode", STREAM_MODES);
    if (streamMode) profile.streamMode = streamMode;
    const max = t.int("auto_continue_max", 0);
    if (max !== undefined) profile.autoContinueMax = max;
    const replay = t.oneOf("reasoning_content_replay", REPLAY);
    if (replay) profile.reasoningContentReplay = replay;
    const raw = t.bool("raw_content_replay");
    if (raw !== undefined) profile.rawContentReplay = raw;
    return profile;
  });
}
