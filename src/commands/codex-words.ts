// The subcommand names of Codex 0.171 that codex-litellm does not implement itself. Each is still a command, so
// the word never reaches the model as a prompt: it answers with one line saying what to use instead. Commands
// codex-litellm implements are commands of their own in main.ts.

export interface NotOffered {
  name: string;
  aliases?: string[];
  /** What Codex's command does, for `--help`. */
  summary: string;
  /** The one line printed instead: why, and what to use. */
  instead: string;
}

export const NOT_OFFERED: NotOffered[] = [
  {
    name: "agents",
    summary: "Codex's agent command center",
    instead: "use `codex-litellm resume` to pick a stored session",
  },
  {
    name: "plugin",
    summary: "manage Codex plugins",
    instead: "Codex plugins come from OpenAI's marketplace; configure tools as [mcp_servers] in config.toml",
  },
  {
    name: "app-server",
    summary: "Codex's app server",
    instead: "it speaks OpenAI's app-server protocol; script codex-litellm with `codex-litellm exec --json`",
  },
  {
    name: "remote-control",
    summary: "Codex's app-server daemon",
    instead: "script codex-litellm with `codex-litellm exec --json`",
  },
  {
    name: "exec-server",
    summary: "Codex's exec-server service",
    instead: "script codex-litellm with `codex-litellm exec --json`",
  },
  {
    name: "responses-api-proxy",
    summary: "Codex's Responses API proxy",
    instead: "codex-litellm talks Chat Completions to your LiteLLM gateway directly",
  },
  {
    name: "update",
    summary: "update Codex",
    instead:
      "update codex-litellm with the package manager that installed it (e.g. `npm install -g codex-litellm`)",
  },
  {
    name: "debug",
    summary: "Codex's debugging tools",
    instead: "use `codex-litellm trace` and the debug log under $CODEX_HOME/logs",
  },
  {
    name: "apply",
    aliases: ["a"],
    summary: "apply a Codex Cloud task's diff",
    instead: "codex-litellm edits your working tree directly; see the changes with `git diff`",
  },
  {
    name: "queue",
    summary: "queue a message for a session",
    instead: 'continue a session with `codex-litellm exec resume SESSION_ID "message"`',
  },
  {
    name: "archive",
    summary: "archive a saved session",
    instead: "sessions are plain files under $CODEX_HOME/sessions (`codex-litellm trace list` shows them)",
  },
  {
    name: "unarchive",
    summary: "unarchive a saved session",
    instead: "sessions are plain files under $CODEX_HOME/sessions (`codex-litellm trace list` shows them)",
  },
  {
    name: "delete",
    summary: "delete a saved session",
    instead: "delete the rollout file under $CODEX_HOME/sessions (`codex-litellm trace list` shows them)",
  },
  {
    name: "migrate-rollouts",
    summary: "migrate legacy local sessions",
    instead: "codex-litellm reads and writes sessions as rollout files; nothing to migrate",
  },
  {
    name: "migrate-nfs-db",
    summary: "migrate Codex's SQLite databases",
    instead: "codex-litellm keeps no SQLite database; nothing to migrate",
  },
  {
    name: "cloud",
    aliases: ["cloud-tasks"],
    summary: "Codex Cloud tasks",
    instead: "Codex Cloud needs a ChatGPT account; run tasks locally with `codex-litellm exec`",
  },
  {
    name: "features",
    summary: "inspect Codex's feature flags",
    instead:
      "codex-litellm has no feature flags; settings live in config.toml (`-c key=value` overrides one)",
  },
];

/** One line for a word codex-litellm does not offer. */
export function notOfferedLine(word: NotOffered): string {
  return `codex-litellm does not offer \`${word.name}\` (${word.summary}): ${word.instead}.`;
}
