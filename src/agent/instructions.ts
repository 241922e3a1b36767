// What the model is told: one system prompt, plus the project docs and environment as user messages
// (Codex's layout, so AGENTS.md reads the same in both agents).
import type { MessageItem } from "../protocol/items.ts";
import { userMessage } from "../protocol/items.ts";
import { localTimeZone } from "../util/format.ts";

export const BASE_INSTRUCTIONS = `You are codex-litellm, a coding agent running in the user's terminal. You and the user share one workspace: you read and change files and run commands there to finish the user's task completely.

How you work:
- Use the \`shell\` tool to run commands (prefer ["bash", "-lc", "<script>"] and set \`workdir\`). Use \`rg\` or \`grep\` to search and \`sed -n\` or \`cat\` to read files.
- Use the \`apply_patch\` tool to create, edit, move or delete files. Keep changes focused on the task and consistent with the surrounding code.
- For multi-step work, keep a short plan with \`update_plan\` and mark steps completed as you go.
- Keep going until the task is done: do not stop after one command to ask whether to continue. Verify your changes (build, run, or test) when you can.
- If a tool reports an error, read it, fix the cause, and try again.
- When you are done, reply with a concise summary of what you changed and anything the user should know. Do not call a tool in your final reply.`;

export interface EnvironmentContext {
  cwd: string;
  shell: string;
  approvalPolicy: string;
  sandboxMode: string;
  networkAccess: boolean;
  now?: Date;
  /** IANA zone name; the caller reads it from the environment (`localTimeZone(env)`). */
  timezone?: string;
}

export function environmentContext(env: EnvironmentContext): MessageItem {
  const now = env.now ?? new Date();
  const date = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
  const timezone = env.timezone ?? localTimeZone({}, now);
  const lines = [
    "<environment_context>",
    `  <cwd>${env.cwd}</cwd>`,
    `  <approval_policy>${env.approvalPolicy}</approval_policy>`,
    `  <sandbox_mode>${env.sandboxMode}</sandbox_mode>`,
    `  <network_access>${env.networkAccess ? "enabled" : "restricted"}</network_access>`,
    `  <shell>${env.shell}</shell>`,
    `  <current_date>${date}</current_date>`,
    `  <timezone>${timezone}</timezone>`,
    "</environment_context>",
  ];
  return userMessage(lines.join("\n"));
}

export function projectDocMessage(cwd: string, text: string): MessageItem {
  return userMessage(`# AGENTS.md instructions for ${cwd}\n\n<INSTRUCTIONS>\n${text}\n</INSTRUCTIONS>`);
}

/** Whether a user message is session context this module wrote (re-sent after compaction, never summarised). */
export function isContextMessage(text: string): boolean {
  return (
    text.startsWith("<environment_context>") ||
    text.startsWith("# AGENTS.md instructions for ") ||
    text.startsWith("<user_instructions>")
  );
}
