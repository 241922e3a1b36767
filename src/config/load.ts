// loadConfig: $CODEX_HOME/.env + config.toml + profile + `-c` overrides + CLI flags → ResolvedConfig.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import { codexHome, type Env, homeDir, loadDotEnv, processEnv } from "./env.ts";
import { readModelProfiles } from "./model-profiles.ts";
import {
  applyOverride,
  cloneTable,
  cloneValue,
  isTable,
  type ParsedOverride,
  parseOverride,
  type TomlTable,
} from "./overrides.ts";
import { findGitRoot } from "./project-doc.ts";
import { resolveProvider } from "./provider.ts";
import {
  type ApprovalPolicy,
  type CliOverrides,
  ConfigError,
  type ResolvedConfig,
  type SandboxMode,
  type ShellEnvironmentPolicy,
  type TrustLevel,
} from "./types.ts";
import { TableReader } from "./values.ts";

export const CODEX_LITELLM_PROFILE = "codex-litellm";
export const DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024;
export const APPROVAL_POLICIES: readonly ApprovalPolicy[] = [
  "untrusted",
  "on-request",
  "on-failure",
  "never",
];
export const DEFAULT_SANDBOX_MODE: SandboxMode = "workspace-write";
export const SANDBOX_MODES: readonly SandboxMode[] = ["read-only", "workspace-write", "danger-full-access"];
export const TRUST_LEVELS: readonly TrustLevel[] = ["trusted", "untrusted"];
const INHERIT_VALUES: readonly ShellEnvironmentPolicy["inherit"][] = ["all", "core", "none"];
const HISTORY_PERSISTENCE: readonly ResolvedConfig["historyPersistence"][] = ["save-all", "none"];
export const KNOWN_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh"];
/**
 * Keys that only make sense for the provider they were chosen for (seed §2.4): a root value is inherited by the
 * active profile only when the profile resolves to the same provider as the root table.
 */
const PROVIDER_BOUND_KEYS = [
  "model",
  "model_reasoning_effort",
  "plan_mode_reasoning_effort",
  "model_reasoning_summary",
];

export interface LoadConfigOptions {
  cli: CliOverrides;
  /** Environment to read and to fill from `$CODEX_HOME/.env`; defaults to the process environment. */
  env?: Env;
  /** Directory relative `writable_roots` resolve against; defaults to the process cwd. */
  cwd?: string;
}

export function loadConfig(opts: LoadConfigOptions): ResolvedConfig {
  const env = opts.env ?? processEnv();
  const cwd = opts.cwd ?? process.cwd();
  const home = codexHome(env);
  loadDotEnv(join(home, ".env"), env);
  const configPath = join(home, "config.toml");
  const file = readConfigToml(configPath) ?? {};
  const overrides = opts.cli.configOverrides.map(parseOverride);
  const { merged, profile } = layerConfig(file, overrides, opts.cli.profile, configPath);
  if (opts.cli.telemetry !== undefined) applyOverride(merged, ["telemetry", "enabled"], opts.cli.telemetry);

  const warnings: string[] = [];
  const r = new TableReader(merged);
  const provider = resolveProvider(r, env, configPath, warnings);

  const reasoningEffort = r.string("model_reasoning_effort");
  if (reasoningEffort !== undefined && !KNOWN_EFFORTS.includes(reasoningEffort)) {
    warnings.push(
      `model_reasoning_effort = ${JSON.stringify(reasoningEffort)} is not one of ${KNOWN_EFFORTS.join(", ")}; ` +
        "it is sent as given",
    );
  }
  const contextLength = r.int("context_length", 1);
  const modelContextWindow = r.int("model_context_window", 1);

  // Validated even when a flag overrides them, so a bad config value is reported either way.
  const approvalPolicy = r.oneOf("approval_policy", APPROVAL_POLICIES);
  const sandboxMode = r.oneOf("sandbox_mode", SANDBOX_MODES);
  const sww = r.table("sandbox_workspace_write");
  const sep = r.table("shell_environment_policy");
  const notify = r.stringArray("notify");
  const projectPath = trustPath(cwd);
  const trustLevel = readTrustLevel(r, [resolve(cwd), projectPath]);
  const cliApproval =
    opts.cli.approvalPolicy ?? (opts.cli.yolo ? "never" : opts.cli.fullAuto ? "on-request" : undefined);
  const cliSandbox =
    opts.cli.sandboxMode ??
    (opts.cli.yolo ? "danger-full-access" : opts.cli.fullAuto ? "workspace-write" : undefined);

  return {
    codexHome: home,
    configPath,
    profile,
    model: opts.cli.model?.trim() || r.string("model"),
    provider,
    reasoningEffort,
    contextWindow: contextLength ?? modelContextWindow,
    autoCompactTokenLimit: r.int("model_auto_compact_token_limit", 1),
    approvalPolicy: cliApproval ?? approvalPolicy ?? defaultApprovalPolicy(trustLevel),
    sandboxMode:
      cliSandbox ??
      sandboxMode ??
      // Ours differs from Codex's read-only default: codex-litellm's baseline has always been
      // workspace-write, so `exec "create hello.txt"` works without extra flags.
      DEFAULT_SANDBOX_MODE,
    approvalPolicyExplicit: (cliApproval ?? approvalPolicy) !== undefined,
    sandboxModeExplicit: (cliSandbox ?? sandboxMode) !== undefined,
    projectPath,
    trustLevel,
    writableRoots: (sww.stringArray("writable_roots") ?? []).map((p) => resolvePath(p, cwd, env)),
    networkAccess: sww.bool("network_access") ?? false,
    excludeSlashTmp: sww.bool("exclude_slash_tmp") ?? false,
    excludeTmpdirEnvVar: sww.bool("exclude_tmpdir_env_var") ?? false,
    shellEnvironmentPolicy: {
      inherit: sep.oneOf("inherit", INHERIT_VALUES) ?? "all",
      // Upstream defaults this to true; ours is false so that, by default, variables whose names contain
      // KEY, SECRET or TOKEN (e.g. LITELLM_API_KEY) never reach commands the model runs.
      ignoreDefaultExcludes: sep.bool("ignore_default_excludes") ?? false,
      exclude: sep.stringArray("exclude") ?? [],
      includeOnly: sep.stringArray("include_only") ?? [],
      set: sep.stringMap("set") ?? {},
    },
    shellTimeoutMaxMs: r.int("shell_timeout_max_ms", 1),
    projectDocMaxBytes: r.int("project_doc_max_bytes", 0) ?? DEFAULT_PROJECT_DOC_MAX_BYTES,
    projectDocFallbackFilenames: r.stringArray("project_doc_fallback_filenames") ?? [],
    historyPersistence: r.table("history").oneOf("persistence", HISTORY_PERSISTENCE) ?? "save-all",
    autoContinueMax: r.int("auto_continue_max", 0),
    maxRequestsPerTurn: r.int("max_requests_per_turn", 1),
    modelProfiles: readModelProfiles(r),
    notify: notify && notify.length > 0 ? notify : undefined,
    raw: merged,
    warnings,
  };
}

/** `approval_policy` when nothing sets it: `untrusted` in an untrusted project, else `on-request`. */
export function defaultApprovalPolicy(trustLevel: TrustLevel | undefined): ApprovalPolicy {
  return trustLevel === "untrusted" ? "untrusted" : "on-request";
}

/** The directory a trust decision is recorded for: the git root containing `cwd`, else `cwd` itself. */
export function trustPath(cwd: string): string {
  const dir = resolve(cwd);
  return findGitRoot(dir) ?? dir;
}

/** `projects."<path>".trust_level` for the first of `paths` that has one. */
function readTrustLevel(r: TableReader, paths: string[]): TrustLevel | undefined {
  const projects = r.table("projects");
  for (const path of paths) {
    const table = projects.optionalTable(path);
    if (!table) continue;
    const level = new TableReader(table, `projects.${JSON.stringify(path)}`).oneOf(
      "trust_level",
      TRUST_LEVELS,
    );
    if (level) return level;
  }
  return undefined;
}

/** Parses config.toml; undefined when the file does not exist. Syntax errors name `path:line:column`. */
export function readConfigToml(path: string): TomlTable | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return parseToml(text.replace(/^\uFEFF/, "")) as TomlTable;
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.replace(/^Invalid TOML document: /, "").split("\n")[0];
      throw new ConfigError(`${path}:${err.line}:${err.column}: invalid TOML: ${reason}`);
    }
    throw new ConfigError(`${path}: invalid TOML: ${(err as Error).message}`);
  }
}

/**
 * Builds the merged table. Order: `-c` overrides are written into (a copy of) the root table first, so they can
 * pick or edit the profile; the active profile is then laid over the root keys (tables merge deeply, other
 * values replace); finally the overrides are written again, so `-c model=x` beats the profile's `model`.
 * Re-applying `profiles.*` or `profile` overrides is harmless: the merged table already holds those values.
 */
export function layerConfig(
  file: TomlTable,
  overrides: ParsedOverride[],
  cliProfile: string | undefined,
  configPath: string,
): { merged: TomlTable; profile?: string } {
  const root = cloneTable(file);
  for (const o of overrides) applyOverride(root, o.path, cloneValue(o.value));

  const rootReader = new TableReader(root);
  const profiles = rootReader.optionalTable("profiles") ?? {};
  const fromRoot = rootReader.string("profile");
  const hasOwnProfile = (name: string) => Object.hasOwn(profiles, name);
  const profile =
    cliProfile ?? fromRoot ?? (hasOwnProfile(CODEX_LITELLM_PROFILE) ? CODEX_LITELLM_PROFILE : undefined);
  if (profile === undefined) return { merged: root };
  if (!hasOwnProfile(profile))
    throw new ConfigError(`config profile \`${profile}\` not found in ${configPath}`);
  const profileTable = rootReader.table("profiles").optionalTable(profile) ?? {};

  const merged = deepMerge(cloneTable(root), profileTable);
  for (const o of overrides) applyOverride(merged, o.path, cloneValue(o.value));

  const rootProvider = new TableReader(root).string("model_provider") ?? "litellm";
  const activeProvider = new TableReader(merged).string("model_provider") ?? "litellm";
  if (rootProvider !== activeProvider) {
    for (const key of PROVIDER_BOUND_KEYS) {
      const setByOverride = overrides.some((o) => o.path[0] === key);
      if (!setByOverride && !Object.hasOwn(profileTable, key)) delete merged[key];
    }
  }
  return { merged, profile };
}

/** Lays `over` onto `base` (mutating and returning base): tables merge key by key, other values replace. */
function deepMerge(base: TomlTable, over: TomlTable): TomlTable {
  for (const [k, v] of Object.entries(over)) {
    const existing = Object.hasOwn(base, k) ? base[k] : undefined;
    if (isTable(existing) && isTable(v)) deepMerge(existing, v);
    else applyOverride(base, [k], cloneValue(v));
  }
  return base;
}

/** Expands a leading `~` and resolves relative paths against `cwd`. */
function resolvePath(p: string, cwd: string, env: Env): string {
  if (p === "~" || p.startsWith("~/")) return join(homeDir(env), p.slice(1));
  return resolve(cwd, p);
}
