// The resolved configuration: pure data handed to every other module.

export type ApprovalPolicy = "untrusted" | "on-request" | "on-failure" | "never";
export type SandboxMode = "read-only" | "workspace-write" | "danger-full-access";
export type StreamMode = "auto" | "stream" | "buffered";
/** `[projects."<abs path>"] trust_level`: the user's decision about a directory (the TUI's trust prompt). */
export type TrustLevel = "trusted" | "untrusted";

export interface ProviderConfig {
  /** Provider id, e.g. "litellm". */
  id: string;
  name: string;
  /** Normalised base URL without trailing slash, or undefined when not configured. */
  baseUrl?: string;
  envKey?: string;
  /** The API key read from `envKey` (never logged). */
  apiKey?: string;
  wireApi: string;
  queryParams: Record<string, string>;
  /** Static headers plus headers resolved from `env_http_headers`. */
  httpHeaders: Record<string, string>;
  requestMaxRetries: number;
  streamMaxRetries: number;
  streamIdleTimeoutMs: number;
  /** `connection_retry_window_ms`: once the gateway has answered, how long connection errors are retried. */
  connectionRetryWindowMs: number;
  /** `stream_max_event_bytes`: one SSE event (a line without end included) may not be larger. */
  streamMaxEventBytes: number;
  /** `response_max_bytes`: one response body, streamed or buffered, may not be larger. */
  responseMaxBytes: number;
  /** `request_max_duration_ms`: one request, headers to last byte, may not take longer. */
  requestMaxDurationMs: number;
  /** `tool_arguments_max_bytes`: larger tool-call arguments are dropped and answered with an error. */
  toolArgumentsMaxBytes: number;
  streamMode: StreamMode;
  /** Model-name globs always sent with `stream: false` (fetch-and-simulate), in addition to the quirk table. */
  bufferedModels: string[];
}

/**
 * `[model_profiles.<name>]` (ours): how to talk to a family of models, so the next odd model is a config
 * change. Built-in rows live in src/gateway/quirks.ts; a user table wins over them field by field.
 */
export interface ModelProfile {
  name: string;
  /** Case-insensitive globs (`*`, `?`) over the model name. */
  models: string[];
  streamMode?: StreamMode;
  autoContinueMax?: number;
  /** When `reasoning_content` goes back to the gateway: with tool calls only (DeepSeek), always, or never. */
  reasoningContentReplay?: "tool_calls" | "always" | "never";
  /** Replay assistant content exactly as the model sent it, inline `<think>` included (MiniMax needs it). */
  rawContentReplay?: boolean;
  /** Why the row exists (built-in rows; shown when it changes behaviour). */
  reason?: string;
}

export interface ShellEnvironmentPolicy {
  inherit: "all" | "core" | "none";
  ignoreDefaultExcludes: boolean;
  exclude: string[];
  includeOnly: string[];
  set: Record<string, string>;
}

export interface ResolvedConfig {
  codexHome: string;
  /** Path of config.toml (it may not exist). */
  configPath: string;
  /** `$CODEX_HOME/codex-litellm.config.toml`: codex-litellm's own settings, the only file it writes. */
  ownConfigPath: string;
  /** The `-p` profile (or a legacy root `profile = "…"`), if any. */
  profile?: string;
  model?: string;
  provider: ProviderConfig;
  reasoningEffort?: string;
  /** `context_length` or `model_context_window` when set. */
  contextWindow?: number;
  autoCompactTokenLimit?: number;
  approvalPolicy: ApprovalPolicy;
  sandboxMode: SandboxMode;
  /** `approval_policy` was given by a flag or a config key, not derived from `trust_level` or the default. */
  approvalPolicyExplicit: boolean;
  /** `sandbox_mode` was given by a flag or a config key. */
  sandboxModeExplicit: boolean;
  /** The directory a trust decision is recorded for: the git root containing the working directory, else it. */
  projectPath: string;
  /** The trust decision for the working directory, else for `projectPath`; undefined when none is recorded. */
  trustLevel?: TrustLevel;
  writableRoots: string[];
  networkAccess: boolean;
  /** `[sandbox_workspace_write] exclude_slash_tmp`: /tmp is not a writable root in workspace-write. */
  excludeSlashTmp: boolean;
  /** `[sandbox_workspace_write] exclude_tmpdir_env_var`: $TMPDIR is not a writable root in workspace-write. */
  excludeTmpdirEnvVar: boolean;
  shellEnvironmentPolicy: ShellEnvironmentPolicy;
  /** `shell_timeout_max_ms` (ours): cap on every command's timeout, the model's `timeout_ms` included. Unset:
   * the shell tool's default (10 minutes). */
  shellTimeoutMaxMs?: number;
  projectDocMaxBytes: number;
  projectDocFallbackFilenames: string[];
  historyPersistence: "save-all" | "none";
  /** `auto_continue_max` (ours): nudges per turn when the model stops without finishing; 0 disables. Unset:
   * the model profile's value, else 3. */
  autoContinueMax?: number;
  /** `max_requests_per_turn` (ours): model requests in one turn before it stops and says so. Unset: 1000. */
  maxRequestsPerTurn?: number;
  /** `[model_profiles.*]`, in table order. */
  modelProfiles: ModelProfile[];
  /** `notify`: argv run after each turn with Codex's `agent-turn-complete` JSON as one more argument. */
  notify?: string[];
  /** `developer_instructions`: sent with the instructions, as Codex sends its developer message. */
  developerInstructions?: string;
  /** `model_instructions_file` (absolute): replaces the base instructions. */
  modelInstructionsFile?: string;
  /** `hide_agent_reasoning`: reasoning is not shown (it is still recorded and replayed). */
  hideAgentReasoning: boolean;
  /** `show_raw_agent_reasoning`: show the model's raw reasoning even when summaries are off or hidden. */
  showRawAgentReasoning: boolean;
  /** `model_verbosity` (`low|medium|high`), sent as `verbosity`. */
  modelVerbosity?: string;
  /** `model_reasoning_summary` (`auto|concise|detailed|none`); "none" shows no reasoning. */
  reasoningSummary?: string;
  /** `project_root_markers`: where AGENTS.md discovery stops going up (default `[".git"]`; `[]`: cwd only). */
  projectRootMarkers?: string[];
  /** `history.max_bytes`: history.jsonl is trimmed to about 80% when it grows past this; unset: unlimited. */
  historyMaxBytes?: number;
  /** The merged TOML table (root keys with the profile applied and overrides merged), for later features. */
  raw: Record<string, unknown>;
  /** Non-fatal problems found while loading (unknown enum values, …). */
  warnings: string[];
}

/** Options that come from command-line flags (highest precedence). */
export interface CliOverrides {
  model?: string;
  profile?: string;
  /** Raw `-c key=value` strings, in order. */
  configOverrides: string[];
  sandboxMode?: SandboxMode;
  approvalPolicy?: ApprovalPolicy;
  fullAuto?: boolean;
  yolo?: boolean;
  telemetry?: boolean;
  /** `--strict-config`: an unknown configuration key is an error, not a warning. */
  strictConfig?: boolean;
  /** `--ignore-user-config`: skip `$CODEX_HOME/config.toml` (codex-litellm's own file is still read). */
  ignoreUserConfig?: boolean;
}

/** A user error in configuration: printed as one message, exit code 1. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
