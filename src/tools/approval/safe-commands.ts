// Commands known to only read: they run without approval under `untrusted`, and are the only ones exec runs
// when no sandbox is available. The list follows Codex's (ls, cat, rg, grep, sed -n, git status/diff/log/show,
// find without -exec/-delete, …); the rule is "cannot write files, run other programs or reach the network
// with any arguments we accept", so options that break it (`find -exec`, `rg --pre`, `sort -o`) disqualify.
import { parseSimpleScript, type ShellWord } from "./shell-words.ts";

/** Read-only whatever their arguments. */
const PLAIN = new Set([
  "basename",
  "cat",
  "cd",
  "cmp",
  "cut",
  "diff",
  "dirname",
  "du",
  "echo",
  "egrep",
  "expr",
  "false",
  "fgrep",
  "grep",
  "head",
  "id",
  "ls",
  "nl",
  "paste",
  "pwd",
  "readlink",
  "realpath",
  "rev",
  "seq",
  "stat",
  "tail",
  "tr",
  "true",
  "uname",
  "uniq",
  "wc",
  "which",
  "whoami",
]);

/** Read-only only with some options excluded; an argument the shell may expand could smuggle those in. */
const CHECKED: Record<string, (args: string[]) => boolean> = {
  find: (args) => !args.some((a) => FIND_UNSAFE.has(a)),
  rg: (args) =>
    !args.some(
      (a) =>
        a === "--pre" ||
        a.startsWith("--pre=") ||
        a.startsWith("--hostname-bin") ||
        a === "--search-zip" ||
        (/^-[^-]/.test(a) && a.includes("z")),
    ),
  base64: (args) => !args.some((a) => a.startsWith("--output") || (/^-[^-]/.test(a) && a.includes("o"))),
  sort: (args) =>
    !args.some(
      (a) =>
        a.startsWith("--output") ||
        a.startsWith("--compress-program") ||
        (/^-[^-]/.test(a) && a.includes("o")),
    ),
  // Only `sed -n <lines>p [file…]`, e.g. `sed -n 10,40p src/x.ts`.
  sed: (args) =>
    args.length >= 2 &&
    args[0] === "-n" &&
    /^(\d+|\$)(,(\d+|\$))?p$/.test(args[1]) &&
    args.slice(2).every((a) => !a.startsWith("-")),
  git: (args) => isSafeGit(args),
};

const FIND_UNSAFE = new Set([
  "-exec",
  "-execdir",
  "-ok",
  "-okdir",
  "-delete",
  "-fls",
  "-fprint",
  "-fprint0",
  "-fprintf",
]);

const GIT_READ_ONLY = new Set(["status", "log", "diff", "show", "ls-files", "rev-parse", "blame", "branch"]);
const GIT_BRANCH_LISTING = new Set([
  "-a",
  "--all",
  "-r",
  "--remotes",
  "-v",
  "-vv",
  "--verbose",
  "-l",
  "--list",
  "--show-current",
  "--no-color",
]);

function isSafeGit(args: string[]): boolean {
  // Global options (`-c core.pager=…`, `--exec-path`, `-C dir`) can run programs or move the repository.
  let i = 0;
  while (args[i] === "--no-pager") i++;
  const sub = args[i];
  if (!sub || !GIT_READ_ONLY.has(sub)) return false;
  const rest = args.slice(i + 1);
  if (sub === "branch") return rest.every((a) => GIT_BRANCH_LISTING.has(a));
  // `--output` writes a file; external diff and textconv drivers run configured programs.
  return !rest.some(
    (a) => a.startsWith("--output") || a === "--ext-diff" || a === "--textconv" || a.startsWith("--exec"),
  );
}

const SHELLS = new Set(["bash", "sh", "zsh"]);
const SHELL_DIRS = ["/bin/", "/usr/bin/", "/usr/local/bin/"];

/** True when `command` (an argv, possibly `bash -lc <script>`) only reads. */
export function isKnownSafeCommand(command: string[]): boolean {
  const script = shellScript(command);
  if (script !== undefined) {
    const commands = parseSimpleScript(script);
    return commands !== null && commands.length > 0 && commands.every((words) => isSafeWords(words));
  }
  return isSafeWords(command.map((value) => ({ value, expands: false })));
}

/** The script of `bash|sh|zsh [-l] -c <script>`, or undefined when `command` is not such a call. */
function shellScript(command: string[]): string | undefined {
  if (command.length < 3) return undefined;
  const program = command[0];
  const slash = program.lastIndexOf("/");
  const name = program.slice(slash + 1);
  // A shell outside the system directories could be anything the model wrote earlier.
  if (!SHELLS.has(name) || (slash >= 0 && !SHELL_DIRS.includes(program.slice(0, slash + 1))))
    return undefined;
  const flags = command.slice(1, -1);
  const known = ["-c", "-lc", "-cl", "-l", "--login"];
  if (!flags.every((f) => known.includes(f)) || !flags.some((f) => f.includes("c"))) return undefined;
  return command[command.length - 1];
}

function isSafeWords(words: ShellWord[]): boolean {
  if (words.length === 0) return false;
  const [name, ...rest] = words;
  // A program named by path (`./ls`) is whatever that file is; only names looked up on PATH are known.
  if (name.expands || name.value.includes("/")) return false;
  if (PLAIN.has(name.value)) return true;
  const check = CHECKED[name.value];
  if (!check) return false;
  if (rest.some((w) => w.expands)) return false;
  return check(rest.map((w) => w.value));
}
