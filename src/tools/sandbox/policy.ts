// From `sandbox_mode` and `[sandbox_workspace_write]` to the concrete SandboxPolicy that both the OS sandbox
// (shell) and apply_patch's path guard enforce, so the two can never disagree about what is writable.
import { lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { SandboxMode } from "../../config/types.ts";
import { isInside } from "../apply-patch/paths.ts";
import type { SandboxPolicy } from "./types.ts";

export interface SandboxPolicyInput {
  mode: SandboxMode;
  /** The session's working directory (the workspace). */
  cwd: string;
  /** `writable_roots` from the config, absolute or relative to `cwd`. */
  extraRoots: string[];
  /** `network_access`; only workspace-write honours it (read-only never has network, full access always). */
  networkAccess: boolean;
  /** The value of $TMPDIR, if set and not excluded (`exclude_tmpdir_env_var`). */
  tmpdir?: string;
  /** False with `exclude_slash_tmp`. */
  includeSlashTmp: boolean;
  /**
   * `$CODEX_HOME`. Always read-only to commands and patches (its config.toml decides the next run's sandbox),
   * and its key files are hidden: see `codexHomeSecrets`.
   */
  codexHome: string;
}

/** Files under $CODEX_HOME holding credentials: the gateway key (`.env`) and Codex's `auth.json`. */
export const CODEX_HOME_SECRET_FILES = [".env", "auth.json"];

/** The key files of `codexHome`, as paths (they may not exist yet: bwrap checks at each command). */
export function codexHomeSecrets(codexHome: string): string[] {
  const real = realDirectory(codexHome) ?? resolve(codexHome);
  return CODEX_HOME_SECRET_FILES.map((name) => join(real, name));
}

export interface ResolvedSandboxPolicy {
  policy: SandboxPolicy;
  /** Problems worth one warning, e.g. a configured writable root that does not exist. */
  notices: string[];
}

export function resolveSandboxPolicy(input: SandboxPolicyInput): ResolvedSandboxPolicy {
  if (input.mode === "danger-full-access") {
    return {
      policy: { mode: input.mode, writableRoots: ["/"], readOnlySubpaths: [], networkAccess: true },
      notices: [],
    };
  }
  const hiddenPaths = codexHomeSecrets(input.codexHome);
  if (input.mode === "read-only") {
    return {
      policy: {
        mode: input.mode,
        writableRoots: [],
        readOnlySubpaths: [],
        networkAccess: false,
        hiddenPaths,
      },
      notices: [],
    };
  }

  const notices: string[] = [];
  const roots: string[] = [];
  const add = (path: string, configured: boolean) => {
    const real = realDirectory(resolve(input.cwd, path));
    if (!real) {
      if (configured) notices.push(`writable root ${path} does not exist or is not a directory; ignored`);
      return;
    }
    if (!roots.includes(real)) roots.push(real);
  };
  add(input.cwd, false);
  if (input.tmpdir) add(input.tmpdir, false);
  if (input.includeSlashTmp) add("/tmp", false);
  for (const root of input.extraRoots) add(root, true);

  const readOnlySubpaths: string[] = [];
  for (const root of roots) {
    for (const path of protectedPaths(root, roots)) {
      if (!readOnlySubpaths.includes(path)) readOnlySubpaths.push(path);
    }
  }
  // Inside a writable root (under /tmp, $TMPDIR or the workspace), $CODEX_HOME would let a command or a patch
  // set `sandbox_mode = "danger-full-access"` for the next run. createToolPolicy makes sure it exists.
  const home = realDirectory(input.codexHome);
  if (home && roots.some((r) => isInside(r, home)) && !readOnlySubpaths.includes(home))
    readOnlySubpaths.push(home);
  return {
    policy: {
      mode: input.mode,
      writableRoots: roots,
      readOnlySubpaths,
      networkAccess: input.networkAccess,
      hiddenPaths,
    },
    notices,
  };
}

/**
 * Paths under `root` that stay read-only in workspace-write, as in Codex: `.git` (a directory, or a worktree's
 * `.git` file together with the gitdir it points to when that lies inside a writable root) and `.codex`.
 * Only existing paths are protected, so `git init` in a fresh workspace still works.
 */
export function protectedPaths(root: string, roots: string[]): string[] {
  const out: string[] = [];
  const git = join(root, ".git");
  const gitStat = lstatOrNull(git);
  if (gitStat?.isDirectory()) out.push(git);
  else if (gitStat?.isFile()) {
    out.push(git);
    const target = gitdirTarget(git);
    if (target && roots.some((r) => isInside(r, target))) out.push(target);
  } else if (gitStat?.isSymbolicLink()) {
    const target = realDirectory(git);
    if (target && roots.some((r) => isInside(r, target))) out.push(target);
  }
  const codex = realDirectory(join(root, ".codex"));
  if (codex && roots.some((r) => isInside(r, codex))) out.push(codex);
  return out;
}

/** The directory named by a `gitdir: <path>` file (worktrees, submodules), resolved; undefined if unusable. */
function gitdirTarget(gitFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(gitFile, "utf8");
  } catch {
    return undefined;
  }
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!match) return undefined;
  const target = isAbsolute(match[1]) ? match[1] : resolve(dirname(gitFile), match[1]);
  return realDirectory(target);
}

function realDirectory(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
