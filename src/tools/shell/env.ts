// The environment a model-run command sees, per `[shell_environment_policy]` (Codex semantics, same order):
//   1. inherit all | core | none   2. default excludes (names containing KEY, SECRET or TOKEN) unless
//   ignore_default_excludes   3. `exclude` globs   4. `set` (inserted/overwritten)   5. `include_only` globs.
// The gateway key never reaches commands: LITELLM_API_KEY (and any name passed as `secretNames`, e.g. the
// provider's `env_key`) is removed even when ignore_default_excludes is true; only an explicit `set` entry
// can put such a variable back.
import type { ShellEnvironmentPolicy } from "../../config/types.ts";
import { globToRegExp as shellGlob } from "../../util/glob.ts";

/** Variables kept by `inherit = "core"`. PWD is left out: the shell sets it for the command's own cwd. */
export const CORE_ENV_VARS: readonly string[] = [
  "HOME",
  "LOGNAME",
  "PATH",
  "SHELL",
  "USER",
  "USERNAME",
  "TMPDIR",
  "TEMP",
  "TMP",
  "LANG",
  "LC_ALL",
  "LC_CTYPE",
  "TERM",
];

/** Termux needs its prefix and the termux-exec preload (shebang rewriting) for ordinary scripts to run. */
const ANDROID_CORE_ENV_VARS: readonly string[] = ["PREFIX", "LD_PRELOAD", "ANDROID_ROOT", "ANDROID_DATA"];

const DEFAULT_EXCLUDE_PATTERNS = ["*KEY*", "*SECRET*", "*TOKEN*"];

/**
 * Removed whatever the policy says (unless `set` names them): the gateway key, and the addresses of servers that
 * run things on request outside the sandbox (terminal multiplexers, agents, session buses, display servers,
 * container engines, editors' remote control). The sandbox's seccomp filter already refuses Unix sockets when
 * the network is off; these stay hidden with the network on too.
 */
export const ALWAYS_EXCLUDED_ENV_VARS: readonly string[] = [
  "LITELLM_API_KEY",
  // tmux, screen, zellij
  "TMUX",
  "TMUX_PANE",
  "TMUX_TMPDIR",
  "STY",
  "ZELLIJ",
  "ZELLIJ_SESSION_NAME",
  // ssh and gpg agents
  "SSH_AUTH_SOCK",
  "SSH_AGENT_PID",
  "GPG_AGENT_INFO",
  // session buses, display servers, sound servers, window managers
  "DBUS_SESSION_BUS_ADDRESS",
  "DBUS_SYSTEM_BUS_ADDRESS",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "XAUTHORITY",
  "PULSE_SERVER",
  "SWAYSOCK",
  "I3SOCK",
  "HYPRLAND_INSTANCE_SIGNATURE",
  // container engines
  "DOCKER_HOST",
  "CONTAINER_HOST",
  "BUILDKIT_HOST",
  // terminals' and editors' remote control, WSL's interop (runs Windows programs)
  "KITTY_LISTEN_ON",
  "WEZTERM_UNIX_SOCKET",
  "ALACRITTY_SOCKET",
  "NVIM",
  "NVIM_LISTEN_ADDRESS",
  "VSCODE_IPC_HOOK_CLI",
  "VSCODE_GIT_IPC_HANDLE",
  "WSL_INTEROP",
];

export interface BuildEnvOptions {
  /** Extra names removed unconditionally, e.g. the active provider's `env_key`. */
  secretNames?: string[];
  /** Platform deciding the core set; default process.platform. */
  platform?: string;
}

export function buildCommandEnv(
  policy: ShellEnvironmentPolicy,
  base: Record<string, string | undefined>,
  options: BuildEnvOptions = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  const core = coreVarSet(options.platform ?? process.platform);
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (policy.inherit === "none") continue;
    if (policy.inherit === "core" && !core.has(name.toUpperCase())) continue;
    env[name] = value;
  }

  const removals: RegExp[] = [];
  if (!policy.ignoreDefaultExcludes) removals.push(...DEFAULT_EXCLUDE_PATTERNS.map(globToRegExp));
  removals.push(...policy.exclude.map(globToRegExp));
  const secrets = new Set(
    [...ALWAYS_EXCLUDED_ENV_VARS, ...(options.secretNames ?? [])].map((n) => n.toUpperCase()),
  );
  for (const name of Object.keys(env)) {
    if (secrets.has(name.toUpperCase()) || removals.some((re) => re.test(name))) delete env[name];
  }

  for (const [name, value] of Object.entries(policy.set)) env[name] = String(value);

  if (policy.includeOnly.length > 0) {
    const keep = policy.includeOnly.map(globToRegExp);
    for (const name of Object.keys(env)) if (!keep.some((re) => re.test(name))) delete env[name];
  }
  return env;
}

function coreVarSet(platform: string): Set<string> {
  const names = platform === "android" ? [...CORE_ENV_VARS, ...ANDROID_CORE_ENV_VARS] : CORE_ENV_VARS;
  return new Set(names);
}

/** Variable-name patterns are case-insensitive globs. */
export const globToRegExp = (glob: string): RegExp => shellGlob(glob, { ignoreCase: true });
