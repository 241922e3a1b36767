// Commands known to only read: they run without approval under `untrusted`, and are the only ones exec runs
// when no sandbox is available. The rule is "cannot write files, run other programs, reach the network or read
// the agent's secrets, whatever the arguments we accept". Each program has an exact list of options and an
// operand count (command-specs.ts); operands naming /proc, /sys, /dev or the hidden key files, and recursive
// searches over a directory holding them, are refused. Without a sandbox git is never known-safe: a nested
// repository's config (written by a patch) or attributes can make any git command run programs (core.fsmonitor,
// textconv, filter drivers, submodules), which no list of options can rule out.

import { readdirSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { processEnv } from "../../config/env.ts";
import { globToRegExp } from "../../util/glob.ts";
import { isInside } from "../apply-patch/paths.ts";
import { findExecutable } from "../sandbox/detect.ts";
import {
  COMMAND_SPECS,
  type CommandSpec,
  FIND_PRIMARIES,
  FIND_PRIMARIES_WITH_VALUE,
} from "./command-specs.ts";
import { parseSimpleScript, type ShellWord } from "./shell-words.ts";

export interface SafeCommandContext {
  /** Where the command runs; relative operands resolve against it (and against `cd` targets in a script). */
  cwd: string;
  /** The command will run inside the OS sandbox, which bounds what any program can do. */
  sandboxed: boolean;
  /** Files whose content must not be read (`$CODEX_HOME/.env`, `auth.json`). */
  hiddenPaths?: string[];
  /**
   * Without a sandbox: the directories the model can write into (through apply_patch). A program found on PATH
   * inside them could be anything, so only programs resolving elsewhere are known.
   */
  writableRoots?: string[];
  /** The PATH commands are looked up in; default the process environment's PATH. */
  path?: string;
}

/** Paths no operand may name: the kernel's views of processes (another process's environ) and devices. */
const FORBIDDEN_ROOTS = ["/proc", "/sys", "/dev"];
const ALLOWED_DEVICES = new Set(["/dev/null"]);

const SHELLS = new Set(["bash", "sh", "zsh"]);
const SHELL_DIRS = ["/bin/", "/usr/bin/", "/usr/local/bin/"];

/**
 * True when `command` (an argv, possibly `bash -lc <script>`) only reads. Whoever decides whether a command
 * runs (the SafetyGate) passes the context; without one the answer only classifies a command as exploration
 * (auto-continue's heuristics) and assumes it runs in the sandbox.
 */
export function isKnownSafeCommand(command: string[], context?: SafeCommandContext): boolean {
  const ctx: SafeCommandContext = context ?? { cwd: process.cwd(), sandboxed: true };
  const script = shellScript(command);
  const lines =
    script === undefined ? [command.map((value) => ({ value, expands: false }))] : parseSimpleScript(script);
  if (lines === null || lines.length === 0) return false;
  // Every directory a `cd` may have led to: relative operands must be fine against each of them.
  const cwds = [resolve(ctx.cwd)];
  for (const words of lines) {
    const argv = expandWords(words, cwds);
    if (!argv || argv.length === 0) return false;
    if (argv[0] === "cd") {
      if (argv.length !== 2 || argv[1] === "-" || argv[1].startsWith("-")) return false;
      const targets = cwds.map((dir) => resolve(dir, argv[1]));
      if (!targets.every((t) => pathAllowed(t, ctx, false))) return false;
      cwds.push(...targets);
      continue;
    }
    if (!isSafeArgv(argv, cwds, ctx)) return false;
  }
  return true;
}

/** The script of `bash|sh|zsh [-l] -c <script>`, or undefined when `command` is not such a call. */
export function shellScript(command: string[]): string | undefined {
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

/**
 * The words as the shell will pass them: a glob in the last path component is expanded here (against every
 * possible cwd, all of which must agree), so its matches are checked like any operand. Tilde and brace
 * expansion, and globs in directory components, are not modelled: null.
 */
function expandWords(words: ShellWord[], cwds: string[]): string[] | null {
  const out: string[] = [];
  for (const word of words) {
    if (!word.expands) {
      out.push(word.value);
      continue;
    }
    const value = word.value;
    if (/[~{}]/.test(value) || out.length === 0) return null;
    const dir = value.includes("/") ? value.slice(0, value.lastIndexOf("/") + 1) : "";
    if (/[*?[]/.test(dir)) return null;
    const pattern = globToRegExp(value.slice(dir.length), { segment: true });
    let matches: string[] | undefined;
    for (const cwd of cwds) {
      let names: string[];
      try {
        names = readdirSync(resolve(cwd, dir || "."));
      } catch {
        names = [];
      }
      const found = names
        .filter((n) => pattern.test(n) && (!n.startsWith(".") || value.slice(dir.length).startsWith(".")))
        .sort()
        .map((n) => dir + n);
      if (matches !== undefined && matches.join("\0") !== found.join("\0")) return null;
      matches = found;
    }
    // No match: bash passes the word unchanged.
    out.push(...(matches && matches.length > 0 ? matches : [value]));
  }
  return out;
}

function isSafeArgv(argv: string[], cwds: string[], ctx: SafeCommandContext): boolean {
  const [name, ...args] = argv;
  // A program named by path (`./ls`) is whatever that file is; only names looked up on PATH are known.
  if (name.includes("/") || !programIsTrusted(name, ctx)) return false;
  if (name === "git") return ctx.sandboxed && isSafeGit(args);
  if (name === "sed") return isSafeSed(args, cwds, ctx);
  if (name === "find") return isSafeFind(args, cwds, ctx);
  if (!Object.hasOwn(COMMAND_SPECS, name)) return false;
  return isSafeWithSpec(COMMAND_SPECS[name], args, cwds, ctx);
}

/** Without a sandbox, a program resolving into a writable root may have been rewritten by a patch. */
function programIsTrusted(name: string, ctx: SafeCommandContext): boolean {
  if (ctx.sandboxed || !ctx.writableRoots) return true;
  if (["cd", "echo", "pwd", "true", "false"].includes(name)) return true; // shell builtins
  const found = findExecutable(name, ctx.path ?? processEnv().PATH ?? "");
  if (!found) return false;
  const real = realOrSelf(found);
  return !ctx.writableRoots.some((root) => isInside(root, real) || isInside(root, found));
}

function isSafeWithSpec(spec: CommandSpec, args: string[], cwds: string[], ctx: SafeCommandContext): boolean {
  const operands: string[] = [];
  const readFiles: string[] = [];
  const given = new Set<string>();
  let recursive = spec.recursive === true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq === -1 ? a : a.slice(0, eq);
      let value: string | undefined;
      if (eq !== -1) {
        if (!spec.longValue?.includes(name)) return false;
        value = a.slice(eq + 1);
      } else if (spec.long?.includes(name)) {
        // A flag.
      } else if (spec.longValue?.includes(name)) {
        if (i + 1 >= args.length) return false;
        value = args[++i];
      } else return false;
      given.add(name);
      if (value !== undefined && spec.fileValues?.includes(name)) readFiles.push(value);
      if (Array.isArray(spec.recursive) && spec.recursive.includes(name)) recursive = true;
      continue;
    }
    if (a.startsWith("-") && a !== "-") {
      if (spec.numeric && /^-\d+$/.test(a)) continue;
      for (let j = 1; j < a.length; j++) {
        const letter = a[j];
        const option = `-${letter}`;
        given.add(option);
        if (Array.isArray(spec.recursive) && spec.recursive.includes(option)) recursive = true;
        if (spec.flags?.includes(letter)) continue;
        if (!spec.valueFlags?.includes(letter)) return false;
        let value = a.slice(j + 1);
        if (value === "") {
          if (i + 1 >= args.length) return false;
          value = args[++i];
        }
        if (spec.fileValues?.includes(option)) readFiles.push(value);
        break;
      }
      continue;
    }
    operands.push(a);
  }
  if (spec.patternUnless && !spec.patternUnless.some((o) => given.has(o))) {
    if (operands.length === 0) return false;
    operands.shift();
  }
  if (spec.maxOperands !== undefined && operands.length > spec.maxOperands) return false;
  if (spec.operands === "text") return true;
  const paths = operands.filter((o) => o !== "-");
  if (recursive && paths.length === 0 && spec.defaultPath) paths.push(spec.defaultPath);
  return (
    readFiles.every((f) => operandAllowed(f, cwds, ctx, false)) &&
    paths.every((p) => operandAllowed(p, cwds, ctx, recursive))
  );
}

/** Only `sed -n <lines>p [file…]`, e.g. `sed -n 10,40p src/x.ts`: no `w`, `e`, `-i`. */
function isSafeSed(args: string[], cwds: string[], ctx: SafeCommandContext): boolean {
  if (args.length < 2 || args[0] !== "-n" || !/^(\d+|\$)(,(\d+|\$))?p$/.test(args[1])) return false;
  const files = args.slice(2);
  return files.every((f) => !f.startsWith("-") && operandAllowed(f, cwds, ctx, false));
}

/** find with starting points, then only primaries that test or print (no -exec, -delete, -fprint, -L). */
function isSafeFind(args: string[], cwds: string[], ctx: SafeCommandContext): boolean {
  let i = 0;
  while (i < args.length && args[i] === "-P") i++;
  const starts: string[] = [];
  while (i < args.length && !args[i].startsWith("-") && !["(", "!", ")", ","].includes(args[i]))
    starts.push(args[i++]);
  for (; i < args.length; i++) {
    if (FIND_PRIMARIES.has(args[i])) continue;
    if (!FIND_PRIMARIES_WITH_VALUE.has(args[i]) || i + 1 >= args.length) return false;
    i++;
  }
  if (starts.length === 0) starts.push(".");
  // find reads names, not contents; its starting points still may not be /proc and the like.
  return starts.every((s) => operandAllowed(s, cwds, ctx, false));
}

function operandAllowed(
  operand: string,
  cwds: string[],
  ctx: SafeCommandContext,
  recursive: boolean,
): boolean {
  return cwds.every((cwd) => pathAllowed(resolve(cwd, operand), ctx, recursive));
}

/**
 * Not under /proc, /sys or /dev (lexically or once symlinks are resolved), not a hidden file, and, for a
 * recursive search, not a directory holding one.
 */
function pathAllowed(path: string, ctx: SafeCommandContext, recursive: boolean): boolean {
  const real = realOrSelf(path);
  for (const p of [path, real]) {
    if (ALLOWED_DEVICES.has(p)) continue;
    if (FORBIDDEN_ROOTS.some((root) => isInside(root, p))) return false;
  }
  for (const hidden of ctx.hiddenPaths ?? []) {
    const target = realOrSelf(hidden);
    for (const p of [path, real]) {
      if (p === hidden || p === target) return false;
      if (recursive && (isInside(p, hidden) || isInside(p, target))) return false;
    }
  }
  return true;
}

/** The real path, or for a path that does not exist, its existing parent's real path plus the rest. */
function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realOrSelf(parent), basename(path));
  }
}

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
/** Long options that write files or run configured programs; git accepts any unambiguous prefix of them. */
const GIT_DANGEROUS_LONG = [
  "--output",
  "--output-directory",
  "--ext-diff",
  "--textconv",
  "--exec",
  "--paginate",
];

/** Inside the sandbox only (see the header): subcommands that read, without options that write or run. */
function isSafeGit(args: string[]): boolean {
  // Global options (`-c core.pager=…`, `--exec-path`, `-C dir`) can run programs or move the repository.
  let i = 0;
  while (args[i] === "--no-pager") i++;
  const sub = args[i];
  if (!sub || !GIT_READ_ONLY.has(sub)) return false;
  const rest = args.slice(i + 1);
  if (sub === "branch") return rest.every((a) => GIT_BRANCH_LISTING.has(a));
  return !rest.some((a) => {
    if (!a.startsWith("--")) return false;
    const name = a.split("=")[0];
    return name.length > 2 && GIT_DANGEROUS_LONG.some((d) => d.startsWith(name));
  });
}
