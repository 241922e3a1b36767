// Lenient reading of `shell` arguments and tool names: models behind gateways send many near-misses
// (string commands, `cmd`, `timeout`, numeric strings, Harmony tokens glued to the name). Anything we cannot
// read becomes an error message the model can act on, never an exception.

export interface ShellArgs {
  command: string[];
  workdir?: string;
  timeoutMs?: number;
}

const COMMAND_ERROR = "shell: `command` is required and must be an array of strings or a string";

export function normalizeShellArgs(args: Record<string, unknown>): ShellArgs | { error: string } {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    return { error: 'shell: arguments must be a JSON object like {"command": ["bash", "-lc", "ls"]}' };
  }
  const raw = args.command ?? args.cmd;
  const command = readCommand(raw);
  if ("error" in command) return command;

  const out: ShellArgs = { command: command.argv };

  const workdir = args.workdir;
  if (workdir !== undefined && workdir !== null) {
    if (typeof workdir !== "string") return { error: "shell: `workdir` must be a string (a directory path)" };
    if (workdir.trim() !== "") out.workdir = workdir;
  }

  const timeout = args.timeout_ms ?? args.timeout;
  if (timeout !== undefined && timeout !== null && timeout !== "") {
    const ms = typeof timeout === "string" ? Number(timeout.trim()) : timeout;
    if (typeof ms !== "number" || Number.isNaN(ms)) {
      return { error: "shell: `timeout_ms` must be a positive number of milliseconds" };
    }
    // Infinity, 0 and negative numbers would mean "no limit" to a timer: the default applies instead. Too large
    // a value is clamped by the shell tool (`shell_timeout_max_ms`).
    if (Number.isFinite(ms) && ms > 0) out.timeoutMs = Math.ceil(ms);
  }
  return out;
}

function readCommand(raw: unknown): { argv: string[] } | { error: string } {
  if (typeof raw === "string") {
    if (raw.trim() === "") return { error: COMMAND_ERROR };
    const parsed = parseJsonArgv(raw);
    return parsed ? readCommand(parsed) : { argv: ["bash", "-lc", raw] };
  }
  if (!Array.isArray(raw) || raw.length === 0) return { error: COMMAND_ERROR };
  const argv: string[] = [];
  for (const part of raw) {
    // Numbers and booleans are stringified (`["head", "-n", 5]`); anything else is a mistake.
    if (typeof part === "string") argv.push(part);
    else if (typeof part === "number" || typeof part === "boolean") argv.push(String(part));
    else return { error: COMMAND_ERROR };
  }
  if (argv[0].trim() === "") return { error: COMMAND_ERROR };
  // `["ls -la"]`: a whole shell line in one element cannot be an executable name.
  if (argv.length === 1 && /\s/.test(argv[0].trim())) return { argv: ["bash", "-lc", argv[0]] };
  return { argv };
}

/** A command string that is itself a JSON array of strings (`"[\"ls\",\"-la\"]"`). */
function parseJsonArgv(s: string): string[] | undefined {
  const t = s.trim();
  if (!t.startsWith("[") || !t.endsWith("]")) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string")) return v as string[];
  } catch {
    // Not JSON: a shell line such as `[ -f x ] && echo yes`.
  }
  return undefined;
}

const SHELL_ALIASES = new Set(["shell", "bash", "exec", "run_shell_command", "shell_command", "local_shell"]);

/**
 * The tool name the registry should look up: Harmony control tokens dropped (`shell<|channel|>commentary`),
 * namespace dropped (`functions.shell`, `container.exec`), and shell aliases mapped to `shell`.
 */
export function canonicalToolName(name: string): string {
  let n = name;
  const token = n.indexOf("<|");
  if (token !== -1) n = n.slice(0, token);
  n = n.trim();
  const dot = n.lastIndexOf(".");
  if (dot !== -1) n = n.slice(dot + 1);
  n = n.trim();
  return SHELL_ALIASES.has(n.toLowerCase()) ? "shell" : n;
}
