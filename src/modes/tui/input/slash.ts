// Slash commands: the table shown in the composer's popup and the parser of a submitted line.

export interface SlashCommand {
  name: string;
  description: string;
  /** Refused while a turn is running (Codex disables most commands then). */
  idleOnly: boolean;
}

export const SLASH_COMMANDS: SlashCommand[] = [
  { name: "model", description: "choose what model and reasoning effort to use", idleOnly: true },
  { name: "approvals", description: "choose what codex-litellm can do without approval", idleOnly: true },
  { name: "review", description: "review my current changes and find issues (read-only)", idleOnly: true },
  { name: "new", description: "start a new chat during a conversation", idleOnly: true },
  { name: "resume", description: "resume a saved chat from this directory", idleOnly: true },
  { name: "init", description: "create an AGENTS.md file with instructions for the agent", idleOnly: true },
  {
    name: "compact",
    description: "summarize conversation to prevent hitting the context limit",
    idleOnly: true,
  },
  { name: "diff", description: "show git diff (including untracked files)", idleOnly: false },
  { name: "login", description: "change the gateway URL, API key or default model", idleOnly: true },
  { name: "status", description: "show current session configuration and token usage", idleOnly: false },
  { name: "mcp", description: "list configured MCP servers and their tools", idleOnly: false },
  { name: "quit", description: "exit codex-litellm", idleOnly: false },
  { name: "exit", description: "exit codex-litellm", idleOnly: false },
];

/** Commands matching what is typed so far ("/mo" → model), while the composer holds a lone `/word`. */
export function slashMatches(text: string): SlashCommand[] {
  const m = /^\/([\w-]*)$/.exec(text);
  if (!m) return [];
  return SLASH_COMMANDS.filter((c) => c.name.startsWith(m[1].toLowerCase()));
}

export type SlashParse =
  | { kind: "command"; command: SlashCommand; args: string }
  | { kind: "unknown"; name: string };

/**
 * A submitted line as a command: `/name [args]`. A lone unknown `/word` is an unknown command; anything else
 * (e.g. a path like `/etc/hosts is broken`) is a prompt, so undefined.
 */
export function parseSlash(text: string): SlashParse | undefined {
  const m = /^\/([\w-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return undefined;
  const command = SLASH_COMMANDS.find((c) => c.name === m[1].toLowerCase());
  if (command) return { kind: "command", command, args: (m[2] ?? "").trim() };
  return m[2] === undefined ? { kind: "unknown", name: m[1] } : undefined;
}

/** The prompt `/init` sends: the model writes AGENTS.md itself, with the tools it already has. */
export const INIT_PROMPT = `Create an AGENTS.md file in the current directory: a concise guide for AI coding agents (and people) working in this repository.

Look at the repository first (layout, build files, README, tests, CI configuration), then write AGENTS.md covering, in short sections:
- Project structure: where the source, tests and assets live.
- Build, test and development commands, exactly as they are run here.
- Coding style and naming conventions actually used in the code.
- Testing guidelines: frameworks, where tests go, how to run one test.
- Commit and pull request conventions, if the history shows any.

Keep it under about 400 words, factual and specific to this repository; do not invent commands. Write the file with apply_patch.`;
