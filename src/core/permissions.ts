// A session's permissions: the environment context the model is told (built here only) and `/approvals`'
// switch of approval policy and sandbox for the rest of a session.

import { environmentContext } from "../agent/instructions.ts";
import { processEnv } from "../config/env.ts";
import type { ApprovalPolicy, ResolvedConfig, SandboxMode } from "../config/types.ts";
import { type HistoryItem, messageText } from "../protocol/items.ts";
import type { TurnContextRecord } from "../session/types.ts";
import type { ToolPolicy } from "../tools/policy.ts";
import { localTimeZone } from "../util/format.ts";
import { sandboxPolicyRecord } from "./recording.ts";

/** AGENTS.md text (when any) and the environment context, in the order the model gets them. */
export interface InitialContext {
  items: HistoryItem[];
  /** The AGENTS.md files whose text is included (absolute paths). */
  docFiles: string[];
}

/** The environment context the model gets for `policy`. */
export function environmentItem(cwd: string, policy: ToolPolicy): HistoryItem {
  return environmentContext({
    cwd,
    shell: "bash",
    approvalPolicy: policy.approvalPolicy,
    sandboxMode: policy.sandboxMode,
    networkAccess: policy.sandbox.networkAccess,
    timezone: localTimeZone(processEnv()),
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
