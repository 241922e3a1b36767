// The trust prompt: the first interactive start in a directory with no `[projects."<path>"] trust_level` and no
// explicit approval or sandbox setting asks whether codex-litellm may work there without asking for approval.
// The answer is written to codex-litellm.config.toml and decides the default approval policy (see config/load.ts).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { defaultApprovalPolicy } from "../../../config/load.ts";
import type { ResolvedConfig, TrustLevel } from "../../../config/types.ts";
import { saveProjectTrust } from "../../../config/writer.ts";
import type { KeyEvent } from "../input/keys.ts";

export interface TrustChoice {
  level: TrustLevel;
  label: string;
}

export const TRUST_CHOICES: readonly TrustChoice[] = [
  { level: "trusted", label: "Yes, allow codex-litellm to work in this folder without asking for approval" },
  { level: "untrusted", label: "No, ask me to approve edits and commands" },
];

/** Whether the TUI must ask before starting: no decision recorded and nothing chosen by flags or config keys. */
export function needsTrustDecision(config: ResolvedConfig): boolean {
  return config.trustLevel === undefined && !config.approvalPolicyExplicit && !config.sandboxModeExplicit;
}

/** The explanation under the heading; a version-controlled folder is offered trust first. */
export function trustExplanation(versionControlled: boolean): string {
  return versionControlled
    ? "Since this folder is version controlled, you may wish to allow codex-litellm to work in this folder without asking for approval."
    : "Since this folder is not version controlled, we recommend requiring approval of all edits and commands.";
}

export function isVersionControlled(projectPath: string): boolean {
  return existsSync(join(projectPath, ".git"));
}

export interface TrustState {
  index: number;
}

/** The highlighted choice at first: Yes in a git repository, No elsewhere (as Codex). */
export function initialTrustState(versionControlled: boolean): TrustState {
  return { index: versionControlled ? 0 : 1 };
}

export type TrustResult = { kind: "decide"; level: TrustLevel } | { kind: "quit" } | undefined;

/** ↑/↓ or 1/2 choose, Enter confirms, Esc and Ctrl-C quit. */
export function trustKey(state: TrustState, event: KeyEvent): [TrustState, TrustResult] {
  const n = TRUST_CHOICES.length;
  if (event.kind === "text") {
    const digit = Number.parseInt(event.text.trim(), 10);
    if (digit >= 1 && digit <= n) return [{ index: digit - 1 }, undefined];
    return [state, undefined];
  }
  switch (event.name) {
    case "up":
      return [{ index: (state.index - 1 + n) % n }, undefined];
    case "down":
    case "tab":
      return [{ index: (state.index + 1) % n }, undefined];
    case "enter":
      return [state, { kind: "decide", level: TRUST_CHOICES[state.index].level }];
    case "escape":
    case "ctrl-c":
      return [state, { kind: "quit" }];
    default:
      return [state, undefined];
  }
}

/**
 * Records the decision in codex-litellm.config.toml. Returns a warning when the file could not be changed (the decision then
 * holds for this launch only).
 */
export function saveTrustDecision(config: ResolvedConfig, level: TrustLevel): string | undefined {
  try {
    saveProjectTrust(config.ownConfigPath, config.projectPath, level);
    return undefined;
  } catch (error) {
    return `could not save the trust decision (${(error as Error).message}); it applies to this session only`;
  }
}

/** The configuration of this launch once the user decided (approval_policy is not explicit here). */
export function applyTrust(config: ResolvedConfig, level: TrustLevel): ResolvedConfig {
  return { ...config, trustLevel: level, approvalPolicy: defaultApprovalPolicy(level) };
}
