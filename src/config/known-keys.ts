// Which configuration keys are known: Codex 0.171's (measured with `codex exec --strict-config`, and from its
// documented keys) and codex-litellm's own. A key neither knows earns a warning, or with `--strict-config` an
// error naming file:line:column, worded as Codex words it.
import { readFileSync } from "node:fs";
import { isTable, type TomlTable } from "./overrides.ts";

/** A leaf (any value), a table whose keys are not checked, or a table with known keys (`*`: every entry). */
type Schema = "leaf" | "open" | { [key: string]: Schema };

const L = "leaf" as const;
const O = "open" as const;
const leaves = (names: string): Record<string, Schema> =>
  Object.fromEntries(names.split(/\s+/).map((n) => [n, L]));

const PROVIDER: Schema = {
  ...leaves(
    "name base_url env_key env_key_instructions experimental_bearer_token wire_api request_max_retries " +
      "stream_max_retries stream_idle_timeout_ms websocket_connect_timeout_ms requires_openai_auth " +
      "supports_websockets",
  ),
  ...{ auth: O, aws: O, query_params: O, http_headers: O, env_http_headers: O },
};

/** Keys only codex-litellm reads; stock Codex warns about each, so they belong in codex-litellm.config.toml. */
export const OWN_ROOT_KEYS = [
  "context_length",
  "telemetry",
  "auto_continue_max",
  "model_profiles",
  "shell_timeout_max_ms",
  "max_requests_per_turn",
];
export const OWN_PROVIDER_KEYS = [
  "stream_mode",
  "buffered_models",
  "stream_max_event_bytes",
  "response_max_bytes",
  "request_max_duration_ms",
  "tool_arguments_max_bytes",
  "connection_retry_window_ms",
];

const CODEX: Schema = {
  ...leaves(
    "model review_model model_provider model_context_window model_auto_compact_token_limit " +
      "model_reasoning_effort plan_mode_reasoning_effort model_reasoning_summary model_verbosity " +
      "model_supports_reasoning_summaries model_catalog_json personality service_tier openai_base_url " +
      "chatgpt_base_url oss_provider approval_policy approvals_reviewer sandbox_mode default_permissions " +
      "allow_login_shell zsh_path background_terminal_max_timeout instructions developer_instructions " +
      "model_instructions_file compact_prompt experimental_compact_prompt_file " +
      "include_permissions_instructions include_apps_instructions include_environment_context " +
      "commit_attribution project_doc_max_bytes project_doc_fallback_filenames project_root_markers " +
      "tool_output_token_limit web_search suppress_unstable_features_warning mcp_oauth_credentials_store " +
      "mcp_oauth_callback_port mcp_oauth_callback_url notify file_opener hide_agent_reasoning " +
      "show_raw_agent_reasoning check_for_update_on_startup disable_paste_burst profile sqlite_home log_dir " +
      "forced_login_method forced_chatgpt_workspace_id cli_auth_credentials_store",
  ),
  sandbox_workspace_write: leaves("writable_roots network_access exclude_tmpdir_env_var exclude_slash_tmp"),
  shell_environment_policy: leaves(
    "inherit ignore_default_excludes exclude set include_only experimental_use_profile",
  ),
  history: leaves("persistence max_bytes"),
  projects: { "*": leaves("trust_level") },
  model_providers: { "*": PROVIDER },
  // Checked by Codex too, but not modelled here: their keys are not ours to judge.
  ...Object.fromEntries(
    (
      "permissions tools features mcp_servers tui profiles otel analytics feedback notice ghost_snapshot " +
      "realtime agents memories skills plugins marketplaces apps windows"
    )
      .split(" ")
      .map((n) => [n, O]),
  ),
};

const KNOWN: Schema = {
  ...CODEX,
  ...leaves(OWN_ROOT_KEYS.join(" ")),
  ...{ telemetry: O, model_profiles: O },
  model_providers: { "*": { ...PROVIDER, ...leaves(OWN_PROVIDER_KEYS.join(" ")) } },
};

/** Dotted paths (as Codex prints them: segments joined by `.`, unquoted) of keys in `table` that `schema` lacks. */
function unknownPaths(table: TomlTable, schema: Schema, prefix: string[] = []): string[][] {
  if (schema === L || schema === O) return [];
  const out: string[][] = [];
  for (const [key, value] of Object.entries(table)) {
    const sub = Object.hasOwn(schema, key) ? schema[key] : schema["*"];
    if (sub === undefined) out.push([...prefix, key]);
    else if (sub !== L && sub !== O && isTable(value))
      out.push(...unknownPaths(value, sub, [...prefix, key]));
  }
  return out;
}

/** Keys of a config file's table that neither Codex 0.171 nor codex-litellm knows. */
export function unknownKeys(table: TomlTable): string[][] {
  return unknownPaths(table, KNOWN);
}

/** codex-litellm's own keys in a table stock Codex reads (config.toml): stock Codex warns about each. */
export function ownKeysIn(table: TomlTable): string[] {
  const out = OWN_ROOT_KEYS.filter((k) => Object.hasOwn(table, k));
  const providers = table.model_providers;
  if (isTable(providers)) {
    for (const [id, p] of Object.entries(providers)) {
      if (isTable(p))
        for (const k of OWN_PROVIDER_KEYS) if (Object.hasOwn(p, k)) out.push(`model_providers.${id}.${k}`);
    }
  }
  return out;
}

/**
 * `line:column` (1-based) of the key at `path` in a TOML file's text: its `key =` line inside the right table,
 * or the `[table]` header naming it. A best effort for messages; `1:1` when not found.
 */
export function keyPosition(text: string, path: string[]): string {
  const lines = text.split(/\r?\n/);
  let table: string[] = [];
  const strip = (s: string) => s.trim().replace(/^["']|["']$/g, "");
  for (let i = 0; i < lines.length; i++) {
    const header = /^(\s*)\[\[?([^\]]+)\]/.exec(lines[i]);
    if (header) {
      table = header[2].split(".").map(strip);
      if (JSON.stringify(table) === JSON.stringify(path)) return `${i + 1}:${header[1].length + 2}`;
      continue;
    }
    const assign = /^(\s*)([^=#]+?)\s*=/.exec(lines[i]);
    if (!assign) continue;
    const full = [...table, ...assign[2].split(".").map(strip)];
    const n = path.length;
    if (full.length >= n && JSON.stringify(full.slice(0, n)) === JSON.stringify(path))
      return `${i + 1}:${assign[1].length + 1}`;
  }
  return "1:1";
}

/** `keyPosition` for a file on disk (read only when a message needs it). */
export function keyPositionInFile(path: string, key: string[]): string {
  try {
    return keyPosition(readFileSync(path, "utf8"), key);
  } catch {
    return "1:1";
  }
}
