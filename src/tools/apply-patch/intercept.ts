// Recognising apply_patch sent through the shell tool, so it is applied in-process (and inside the
// writable-root checks) instead of running a binary that may not exist.

export interface ShellPatch {
  /** The patch text (not yet validated). */
  patch: string;
  /** Directory from a leading `cd <dir> &&`, as written (relative to the call's workdir). */
  workdir?: string;
}

const APPLY_PATCH_COMMANDS = new Set(["apply_patch", "applypatch"]);
const SHELLS = new Set(["bash", "sh", "zsh"]);
const SHELL_FLAGS = new Set(["-c", "-lc", "-cl", "-l", "--login"]);

// `cd <dir> && ` with the directory bare, 'single-quoted' or "double-quoted".
const CD_PREFIX = /^cd[ \t]+(?:'([^']*)'|"((?:[^"\\]|\\.)*)"|([^\s'";&|<>()]+))[ \t]*&&\s*/;
// `apply_patch <<[-] WORD` / `<<'WORD'` / `<<"WORD"`, then the end of the line.
const HEREDOC_START =
  /^(?:apply_patch|applypatch)[ \t]*<<(-?)[ \t]*(?:'([^'\n]+)'|"([^"\n]+)"|([A-Za-z0-9_.-]+))[ \t]*\r?\n/;

/**
 * The patch in a shell command, or null when the command is not an apply_patch invocation. Recognised:
 * `["apply_patch"|"applypatch", patch]`, and `bash|sh|zsh -c|-lc` scripts consisting only of
 * `[cd <dir> && ]apply_patch <<'EOF'` … `EOF` (any delimiter, quoted or not). A string is a `bash -lc` script.
 */
export function extractPatchFromShell(command: string[] | string): ShellPatch | null {
  if (typeof command === "string") return extractFromScript(command);
  if (command.length === 2 && APPLY_PATCH_COMMANDS.has(command[0])) return { patch: command[1] };
  if (command.length >= 3 && SHELLS.has(baseName(command[0]))) {
    const flags = command.slice(1, -1);
    if (flags.every((f) => SHELL_FLAGS.has(f)) && flags.some((f) => f.includes("c"))) {
      return extractFromScript(command[command.length - 1]);
    }
  }
  return null;
}

function baseName(program: string): string {
  const slash = program.lastIndexOf("/");
  return slash >= 0 ? program.slice(slash + 1) : program;
}

function extractFromScript(script: string): ShellPatch | null {
  let rest = script.trim();
  let workdir: string | undefined;
  const cd = CD_PREFIX.exec(rest);
  if (cd) {
    workdir = cd[1] ?? (cd[2] !== undefined ? cd[2].replace(/\\(.)/g, "$1") : cd[3]);
    rest = rest.slice(cd[0].length);
  }
  const start = HEREDOC_START.exec(rest);
  if (!start) return null;
  const stripTabs = start[1] === "-";
  const delimiter = start[2] ?? start[3] ?? start[4];
  const lines = rest.slice(start[0].length).split(/\r?\n/);
  let end = lines.findIndex((line) => (stripTabs ? line.replace(/^\t+/, "") : line).trimEnd() === delimiter);
  if (end >= 0) {
    // Anything after the terminator means this is a larger script, which must run as a real shell command.
    if (lines.slice(end + 1).some((line) => line.trim() !== "")) return null;
  } else {
    // Like bash, a missing terminator ends the here-document at the end of the script.
    end = lines.length;
  }
  const body = lines.slice(0, end).map((line) => (stripTabs ? line.replace(/^\t+/, "") : line));
  const result: ShellPatch = { patch: body.join("\n") };
  if (workdir !== undefined) result.workdir = workdir;
  return result;
}
