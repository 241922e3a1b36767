// loadConfig: $CODEX_HOME/.env + config.toml + profile + `-c` overrides + CLI flags → ResolvedConfig.
import { join, resolve } from "node:path";
import { codexHome, type Env, homeDir, loadDotEnv, processEnv } from "./env.ts";
import { keyPositionInFile, ownKeysIn, unknownKeys } from "./known-keys.ts";
import { type ConfigSource, OWN_CONFIG_FILE, readLayers } from "./layers.ts";
import { readModelProfiles } from "./model-profiles.ts";
import { applyOverride, type ParsedOverride, parseOverride, type TomlTable } from "./overrides.ts";
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

export { CODEX_LITELLM_PROFILE, layerConfig, OWN_CONFIG_FILE } from "./layers.ts";
export { readConfigToml } from "./load-toml.ts";
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
const VERBOSITIES = ["low", "medium", "high"] as const;
const SUMMARIES = ["auto", "concise", "detailed", "none"] as const;
export const KNOWN_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh"];
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
  const overrides = opts.cli.configOverrides.map(parseOverride);
  const { merged, profile, sources, notices } = readLayers(home, overrides, opts.cli.profile, {
    ignoreUserConfig: opts.cli.ignoreUserConfig,
  });
  if (opts.cli.telemetry !== undefined) applyOverride(merged, ["telemetry", "enabled"], opts.cli.telemetry);

  const strict = opts.cli.strictConfig === true;
  const warnings: string[] = [...notices, ...checkKeys(sources, overrides, strict)];
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
    ownConfigPath: join(home, OWN_CONFIG_FILE),
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
    developerInstructions: r.string("developer_instructions"),
    modelInstructionsFile: optionalPath(r.string("model_instructions_file"), home, env),
    hideAgentReasoning: r.bool("hide_agent_reasoning") ?? false,
    showRawAgentReasoning: r.bool("show_raw_agent_reasoning") ?? false,
    modelVerbosity: r.oneOf("model_verbosity", VERBOSITIES),
    reasoningSummary: r.oneOf("model_reasoning_summary", SUMMARIES),
    projectRootMarkers: r.stringArray("project_root_markers"),
    historyMaxBytes: r.table("history").int("max_bytes", 0) || undefined,
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

/**
 * Unknown keys of every whole file layered and of every `-c` override: one warning line naming them, or with
 * `strict` an error naming the first as Codex does (`file:line:col: unknown configuration field \`key\``, or
 * `… in -c/--config override`). codex-litellm's own keys left in config.toml are fine here but make stock
 * Codex warn: one line says where they belong.
 */
function checkKeys(sources: ConfigSource[], overrides: ParsedOverride[], strict: boolean): string[] {
  const found: string[] = [];
  const unknown = (path: string[], where: string, error: string) => {
    if (strict) throw new ConfigError(error);
    found.push(`\`${path.join(".")}\` (${where})`);
  };
  for (const source of sources) {
    if (source.within.length > 0) continue;
    for (const path of unknownKeys(source.table)) {
      const where = `${source.path}:${keyPositionInFile(source.path, path)}`;
      unknown(path, where, `${where}: unknown configuration field \`${path.join(".")}\``);
    }
  }
  for (const override of overrides) {
    const table: TomlTable = {};
    applyOverride(table, override.path, override.value);
    for (const path of unknownKeys(table))
      unknown(
        path,
        `-c ${override.key}`,
        `unknown configuration field \`${path.join(".")}\` in -c/--config override`,
      );
  }
  const out: string[] = [];
  if (found.length > 0)
    out.push(`ignoring ${found.length} unrecognized configuration setting(s): ${found.join(", ")}`);
  const config = sources[0];
  const own = config ? ownKeysIn(config.table) : [];
  if (own.length > 0) {
    out.push(
      `${own.join(", ")} in ${config.path} make stock Codex warn; move them to ${join(config.path, "..", OWN_CONFIG_FILE)}`,
    );
  }
  return out;
}

function optionalPath(p: string | undefined, base: string, env: Env): string | undefined {
  return p === undefined ? undefined : resolvePath(p, base, env);
}

/** Expands a leading `~` and resolves relative paths against `cwd`. */
function resolvePath(p: string, cwd: string, env: Env): string {
  if (p === "~" || p.startsWith("~/")) return join(homeDir(env), p.slice(1));
  return resolve(cwd, p);
}
