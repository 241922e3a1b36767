// Linux sandbox with bubblewrap (`bwrap`), the mechanism Codex uses on Linux.
//
// The mount order is the contract:
//   1. `--ro-bind / /`           the whole file system, read-only;
//   2. `--dev /dev`              a minimal private /dev (null, zero, urandom, tty, a fresh devpts);
//   3. `--bind R R`              each writable root, shallowest first;
//   4. `--ro-bind P P`           protected paths inside the roots (`.git`, `.codex`, $CODEX_HOME) re-bound
//                                read-only, so they win over step 3 (and cannot be renamed away: they are mount
//                                points);
//   5. `--ro-bind /dev/null F`   hidden files (the gateway key in $CODEX_HOME/.env, auth.json) read as empty;
//   6. `--unshare-pid --proc /proc`  a private PID namespace: when the sandbox's init dies the kernel kills
//                                every process in it, so killing bwrap stops the whole tree, background and
//                                `setsid` children included. Where /proc cannot be mounted, an empty tmpfs
//                                takes its place: the host's /proc would show the agent's own environment
//                                (`/proc/<pid>/environ`, the gateway key among it);
//   7. `--unshare-net --seccomp 3`  no network (only a private loopback) unless the policy allows it, and the
//                                seccomp filter of seccomp.ts (no Unix sockets, no io_uring), read from fd 3.
// `--die-with-parent` ties the sandbox to the bwrap process our runner spawns as a process-group leader, so
// timeouts and Ctrl-C (which signal that group) tear everything down. `--new-session` keeps the command off
// any terminal (no TIOCSTI injection). `--cap-drop ALL` matters when we run as root: without it the command
// keeps CAP_SYS_ADMIN and could simply `mount -o remount,rw /`.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, realpathSync, statSync } from "node:fs";
import type { RunResult } from "../shell/run.ts";
import { openSeccompProgram } from "./seccomp.ts";
import type { SandboxAvailability, SandboxBackend, SandboxPolicy, WrappedCommand } from "./types.ts";

/** The descriptor the seccomp program is passed on: the first one after stdin, stdout and stderr. */
export const SECCOMP_FD = 3;

export interface BwrapOptions {
  /** Mount a fresh /proc; some containers forbid it, and the probe then falls back to the host's view. */
  mountProc: boolean;
}

/** The bwrap arguments (everything after the executable) that run `command` in `cwd` under `policy`. */
export function bwrapArgs(
  command: string[],
  cwd: string,
  policy: SandboxPolicy,
  options: BwrapOptions = { mountProc: true },
): string[] {
  const args = ["--new-session", "--die-with-parent", "--cap-drop", "ALL", "--ro-bind", "/", "/"];
  args.push("--dev", "/dev");
  const roots = [...policy.writableRoots].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
  for (const root of roots) args.push("--bind", root, root);
  for (const path of policy.readOnlySubpaths) args.push("--ro-bind", path, path);
  for (const path of existingHiddenPaths(policy)) {
    if (statSync(path).isDirectory()) args.push("--tmpfs", path, "--remount-ro", path);
    else args.push("--ro-bind", "/dev/null", path);
  }
  args.push("--unshare-pid");
  if (!policy.networkAccess) args.push("--unshare-net", "--seccomp", String(SECCOMP_FD));
  if (options.mountProc) args.push("--proc", "/proc");
  else args.push("--tmpfs", "/proc", "--remount-ro", "/proc");
  args.push("--chdir", cwd, "--", ...command);
  return args;
}

/**
 * Real paths of the policy's hidden files that exist now (bwrap cannot mount over a missing one, and must not
 * create it). Read at each command, so a `.env` written after the session started is hidden too.
 */
function existingHiddenPaths(policy: SandboxPolicy): string[] {
  const out: string[] = [];
  for (const path of policy.hiddenPaths ?? []) {
    try {
      const real = realpathSync(path);
      if (!out.includes(real)) out.push(real);
    } catch {
      // Does not exist (or a dangling link): nothing to hide.
    }
  }
  return out;
}

/**
 * `command` wrapped in bwrap at `path`, with the seccomp program opened for it when the network is off.
 * Throws (fail closed) when the filter is needed but cannot be opened.
 */
export function wrapInBwrap(
  path: string,
  command: string[],
  cwd: string,
  policy: SandboxPolicy,
  options: BwrapOptions,
): WrappedCommand {
  const argv = [path, ...bwrapArgs(command, cwd, policy, options)];
  if (policy.networkAccess) return { argv, fds: [] };
  const fd = openSeccompProgram();
  if (fd === undefined) throw new Error(`no seccomp filter for ${process.arch}: the sandbox cannot start`);
  return { argv, fds: [fd] };
}

function depth(path: string): number {
  return path.split("/").filter(Boolean).length;
}

/** A backend running commands through the bwrap executable at `path` (absolute). */
export function createBwrapBackend(path: string, options: BwrapOptions): SandboxBackend {
  return {
    name: "bwrap",
    wrap: (command, cwd, policy) => wrapInBwrap(path, command, cwd, policy, options),
    translate: translateBwrapResult,
  };
}

const EXEC_FAILURE = /^bwrap: execvp (.*): (.*)\n?$/;

/**
 * bwrap reports a command it could not start as exit 1 plus `bwrap: execvp X: <error>`; an unsandboxed run
 * says 127 `command not found: X` (126 when not executable). Same answer either way, so the model learns
 * nothing confusing from the sandbox.
 */
export function translateBwrapResult(command: string[], result: RunResult): RunResult {
  if (result.exitCode !== 1 || result.timedOut || result.aborted) return result;
  const match = EXEC_FAILURE.exec(result.output);
  if (!match) return result;
  const notFound = /No such file or directory|Not a directory/.test(match[2]);
  const output = notFound ? `command not found: ${command[0]}` : `permission denied: ${command[0]}`;
  return { ...result, exitCode: notFound ? 127 : 126, output, totalLines: 1 };
}

type ProbeRun = { status: number | null; stderr: string; error?: Error };

export interface ProbeOptions {
  /** Absolute path of bwrap. */
  path: string;
  /** Seam for tests; node's spawnSync by default. `fds` become the child's fd 3, 4, … */
  spawn?: (path: string, args: string[], fds: number[]) => ProbeRun;
}

const PROBE_POLICY: SandboxPolicy = {
  mode: "workspace-write",
  writableRoots: [],
  readOnlySubpaths: [],
  networkAccess: false,
};

/** One probe run: bwrap starting bwrap itself with the flags (and seccomp filter) real runs use. */
function probeOnce<R extends ProbeRun | Promise<ProbeRun>>(
  path: string,
  mountProc: boolean,
  spawn: (path: string, args: string[], fds: number[]) => R,
): R | ProbeRun {
  try {
    const wrapped = wrapInBwrap(path, [path, "--version"], "/", PROBE_POLICY, { mountProc });
    try {
      // The child has its own copies once spawn returns (node starts it synchronously, async or not).
      return spawn(wrapped.argv[0], wrapped.argv.slice(1), wrapped.fds);
    } finally {
      for (const fd of wrapped.fds) closeSync(fd);
    }
  } catch (error) {
    return { status: null, stderr: "", error: error as Error };
  }
}

function probeVerdict(path: string, mountProc: boolean | undefined, firstError: string): SandboxAvailability {
  if (mountProc !== undefined) return { available: true, backend: createBwrapBackend(path, { mountProc }) };
  return {
    available: false,
    reason: `bwrap cannot create a sandbox here${firstError ? ` (${firstError})` : ""}`,
    hint: "user namespaces may be disabled (containers, AppArmor's unprivileged_userns restriction)",
  };
}

const firstLine = (run: ProbeRun) => run.error?.message ?? run.stderr.trim().split("\n")[0] ?? "";

/**
 * Starts one trivial sandbox with the flags real runs use, seccomp filter included (bwrap itself, `--version`,
 * is the command: it is certainly there). Fails inside containers without user namespaces, under AppArmor's
 * userns restriction, on architectures we have no filter for, and so on; the first line bwrap printed becomes
 * the reason. Also writes the seccomp program before any command runs.
 */
export function probeBwrap(options: ProbeOptions): SandboxAvailability {
  const spawn = options.spawn ?? defaultSpawn;
  let firstError = "";
  for (const mountProc of [true, false]) {
    const result = probeOnce(options.path, mountProc, spawn);
    if (result.status === 0) return probeVerdict(options.path, mountProc, "");
    firstError ||= firstLine(result);
  }
  return probeVerdict(options.path, undefined, firstError);
}

/**
 * `probeBwrap` with bwrap run as an asynchronous child: the same runs and the same verdict, while the event
 * loop goes on (exec reads stdin and loads modules meanwhile, instead of waiting for the child).
 */
export async function probeBwrapAsync(
  options: Omit<ProbeOptions, "spawn"> & {
    spawn?: (path: string, args: string[], fds: number[]) => Promise<ProbeRun>;
  },
): Promise<SandboxAvailability> {
  const spawn = options.spawn ?? defaultSpawnAsync;
  let firstError = "";
  for (const mountProc of [true, false]) {
    const result = await probeOnce(options.path, mountProc, spawn);
    if (result.status === 0) return probeVerdict(options.path, mountProc, "");
    firstError ||= firstLine(result);
  }
  return probeVerdict(options.path, undefined, firstError);
}

function defaultSpawn(path: string, args: string[], fds: number[]): ProbeRun {
  const r = spawnSync(path, args, {
    encoding: "utf8",
    timeout: 5000,
    stdio: ["ignore", "ignore", "pipe", ...fds],
  });
  return { status: r.status, stderr: r.stderr ?? "", error: r.error };
}

function defaultSpawnAsync(path: string, args: string[], fds: number[]): Promise<ProbeRun> {
  return new Promise((resolve) => {
    let stderr = "";
    const child = spawn(path, args, { timeout: 5000, stdio: ["ignore", "ignore", "pipe", ...fds] });
    child.stderr?.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", (error) => resolve({ status: null, stderr, error }));
    child.on("close", (status, signal) =>
      resolve({ status, stderr, error: signal ? new Error(`${path} was stopped by ${signal}`) : undefined }),
    );
  });
}
