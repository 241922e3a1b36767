// `/approvals`: Codex's permission presets. A choice holds for the rest of the session and is not saved.
import { environmentContext } from "../../agent/instructions.ts";
import type { ApprovalPolicy, ResolvedConfig, SandboxMode } from "../../config/types.ts";
import { sandboxPolicyRecord } from "../../core/recording.ts";
import type { InitialContext } from "../../core/setup.ts";
import { type HistoryItem, messageText } from "../../protocol/items.ts";
import type { TurnContextRecord } from "../../session/types.ts";
import type { ToolPolicy } from "../../tools/policy.ts";
import { localTimeZone } from "../../util/format.ts";

export interface PermissionPreset {
  label: string;
  description: string;
  approvalPolicy: ApprovalPolicy;
  sandboxMode: SandboxMode;
}

export const PERMISSION_PRESETS: readonly PermissionPreset[] = [
  {
    label: "Read Only",
    description: "reads files; asks before editing them or running commands outside the read-only sandbox",
    approvalPolicy: "on-request",
    sandboxMode: "read-only",
  },
  {
    label: "Auto",
    description: "reads, edits and runs commands in the workspace; asks to go beyond it",
    approvalPolicy: "on-request",
    sandboxMode: "workspace-write",
  },
  {
    label: "Full Access",
    description: "edits anywhere and runs commands with network access, never asking; use with caution",
    approvalPolicy: "never",
    sandboxMode: "danger-full-access",
  },
];

/** The preset matching the session's settings, if any. */
export function currentPreset(
  approvalPolicy: ApprovalPolicy,
  sandboxMode: SandboxMode,
): PermissionPreset | undefined {
  return PERMISSION_PRESETS.find((p) => p.approvalPolicy === approvalPolicy && p.sandboxMode === sandboxMode);
}

/** The notice shown once a preset is chosen. */
export function permissionsNotice(preset: PermissionPreset): string {
  return `Permissions set to ${preset.label} (${preset.sandboxMode}, approval ${preset.approvalPolicy})`;
}

/** The environment context the model gets for `policy`. */
export function environmentItem(cwd: string, policy: ToolPolicy): HistoryItem {
  return environmentContext({
    cwd,
    shell: "bash",
    approvalPolicy: policy.approvalPolicy,
    sandboxMode: policy.sandboxMode,
    networkAccess: policy.sandbox.networkAccess,
    timezone: localTimeZone(process.env),
  });
}

/** `items` with its environment context replaced by `item` (the session context re-sent after compaction). */
export function replaceEnvironment(items: HistoryItem[], item: HistoryItem): HistoryItem[] {
  return items.map((i) => (isEnvironmentItem(i) ? item : i));
}

function isEnvironmentItem(item: HistoryItem): boolean {
  return (
    item.type === "message" && item.role === "user" && messageText(item).startsWith("<environment_context>")
  );
}

export interface SessionPermissions {
  config: ResolvedConfig;
  policy: ToolPolicy;
  context: InitialContext;
}

/**
 * A session's config, policy and context with other permissions, plus the environment context to append to a
 * conversation already under way and the rollout's new turn-context fields.
 */
export function permissionsUpdate(
  current: SessionPermissions,
  cwd: string,
  approvalPolicy: ApprovalPolicy,
  sandboxMode: SandboxMode,
): SessionPermissions & {
  environment: HistoryItem;
  turnContext: Pick<TurnContextRecord, "approval_policy" | "sandbox_policy">;
} {
  const policy = current.policy.withPermissions(approvalPolicy, sandboxMode);
  const config = { ...current.config, approvalPolicy, sandboxMode, approvalPolicyExplicit: true };
  const environment = environmentItem(cwd, policy);
  return {
    config,
    policy,
    context: { ...current.context, items: replaceEnvironment(current.context.items, environment) },
    environment,
    turnContext: {
      approval_policy: policy.approvalPolicy,
      sandbox_policy: sandboxPolicyRecord(config, policy.writableRoots),
    },
  };
}
