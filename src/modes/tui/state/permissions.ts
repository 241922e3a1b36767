import type { ApprovalPolicy, SandboxMode } from "../../../config/types.ts";

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
