// What the OS sandbox enforces, and the interface every platform backend implements (Linux bubblewrap now;
// macOS `sandbox-exec` later behind the same `SandboxBackend`).
import type { SandboxMode } from "../../config/types.ts";
import type { RunResult } from "../shell/run.ts";

/** What commands and patches may touch. Every path is absolute and already resolved (realpath). */
export interface SandboxPolicy {
  mode: SandboxMode;
  /**
   * Directories writes may land in: none in read-only; the workspace, $TMPDIR, /tmp and `writable_roots` in
   * workspace-write; `/` in danger-full-access.
   */
  writableRoots: string[];
  /** Paths inside the writable roots that stay read-only (`.git`, a worktree's gitdir, `.codex`). */
  readOnlySubpaths: string[];
  networkAccess: boolean;
  /**
   * Files whose content commands must not see even though they may read everything else (`$CODEX_HOME/.env`,
   * `auth.json`: the gateway key). bwrap mounts /dev/null over those that exist when a command starts;
   * apply_patch refuses them; without a sandbox the read-only allow-list refuses commands naming them.
   */
  hiddenPaths?: string[];
}

/** What to spawn for a sandboxed command. */
export interface WrappedCommand {
  /** First element an absolute path. */
  argv: string[];
  /**
   * Open descriptors the child receives as fd 3, 4, … (the seccomp program). Whoever spawns closes its copies
   * once the child started (runCommand does).
   */
  fds: number[];
}

/** A way to run a command confined to a `SandboxPolicy`. */
export interface SandboxBackend {
  /** Short name, also the value of `CODEX_SANDBOX` in the command's environment ("bwrap", "seatbelt"). */
  readonly name: string;
  /**
   * What to spawn instead of `command`. The command keeps the
   * environment it is spawned with, runs in `cwd`, and dies with the spawned process: killing the spawned
   * process group must stop everything the command started.
   */
  wrap(command: string[], cwd: string, policy: SandboxPolicy): WrappedCommand;
  /** Rewrites launcher-level failures into what an unsandboxed run reports (exec failure → 127/126). */
  translate?(command: string[], result: RunResult): RunResult;
}

export type SandboxAvailability =
  | { available: true; backend: SandboxBackend }
  /** `reason` is one line for the user ("bwrap is not installed"), `hint` how to fix it when known. */
  | { available: false; reason: string; hint?: string };
