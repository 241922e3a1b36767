// Model provider resolution: the built-in providers (our `litellm`, and those stock Codex ships: `openai`,
// `ollama`, `lmstudio`) and `[model_providers.<id>]` tables.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Env, envValue } from "./env.ts";
import type { TomlTable } from "./overrides.ts";
import { ConfigError, type ProviderConfig, type StreamMode } from "./types.ts";
import { TableReader } from "./values.ts";

export { DEFAULT_PROVIDER_ID } from "./layers.ts";

import { DEFAULT_PROVIDER_ID } from "./layers.ts";

const OPENAI_BASE_URL = "https://api.openai.com/v1";
const OSS_PORTS: Record<string, number> = { ollama: 11434, lmstudio: 1234 };
export const DEFAULT_REQUEST_MAX_RETRIES = 4;
export const DEFAULT_STREAM_MAX_RETRIES = 5;
/**
 * Codex waits 300 s; a stalled stream should recover within about a minute. Every byte resets the timer (keep-alive
 * comments, reasoning deltas), so a slow model that is still sending something is never cut off.
 */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 60_000;
/** Longer than a LiteLLM proxy restart (tens of seconds with a large config). */
export const DEFAULT_CONNECTION_RETRY_WINDOW_MS = 60_000;
const MiB = 1024 * 1024;
/**
 * Limits on what an untrusted gateway can make us hold or wait for. One SSE event: LiteLLM's chunks are a few
 * hundred bytes; the largest legitimate event is a whole answer or tool call sent in one chunk (some providers
 * do), bounded by the model's output limit (128K tokens ≈ 0.5 MiB of text, ~1 MiB JSON-escaped): 16 MiB is far
 * above that and still a bounded cost.
 */
export const DEFAULT_STREAM_MAX_EVENT_BYTES = 16 * MiB;
/** A whole response: a 128K-token answer streamed one token per ~400-byte chunk is ~50 MiB of SSE. */
export const DEFAULT_RESPONSE_MAX_BYTES = 128 * MiB;
/** Longer than LiteLLM's own default upstream timeout (6000 s), so we never cut what the gateway would deliver. */
export const DEFAULT_REQUEST_MAX_DURATION_MS = 2 * 60 * 60 * 1000;
/** Above any single tool call a model can emit within its output limit (≈ 0.5 MiB at 128K tokens). */
export const DEFAULT_TOOL_ARGUMENTS_MAX_BYTES = 1 * MiB;
/** Upstream caps both retry counts at 100. */
export const MAX_RETRIES = 100;
const STREAM_MODES: readonly StreamMode[] = ["auto", "stream", "buffered"];
/**
 * Upstream Codex only speaks `responses` now; this client only speaks Chat Completions. Both values are accepted
 * and sent over Chat Completions, so configs shared with stock Codex (which needs `responses`) keep working.
 */
const KNOWN_WIRE_APIS = ["chat", "responses"];

/**
 * The built-in provider tables, as stock Codex defines them (all spoken over Chat Completions here): `litellm`
 * (ours; `base_url` from `LITELLM_BASE_URL`), `openai` (`OPENAI_API_KEY`, `openai_base_url`), and the local
 * `ollama` and `lmstudio` (no key; `CODEX_OSS_BASE_URL`, else `CODEX_OSS_PORT` on localhost).
 */
function builtinProvider(id: string, merged: TableReader, env: Env): TomlTable | undefined {
  if (id === DEFAULT_PROVIDER_ID) {
    const table: TomlTable = { name: "LiteLLM", env_key: "LITELLM_API_KEY" };
    const base = env["LITELLM_BASE_URL"];
    if (base !== undefined) table.base_url = base;
    return table;
  }
  if (id === "openai") {
    return {
      name: "OpenAI",
      base_url: merged.string("openai_base_url") ?? OPENAI_BASE_URL,
      env_key: "OPENAI_API_KEY",
      env_http_headers: { "OpenAI-Organization": "OPENAI_ORGANIZATION", "OpenAI-Project": "OPENAI_PROJECT" },
    };
  }
  const port = OSS_PORTS[id];
  if (port === undefined) return undefined;
  const base =
    envValue("CODEX_OSS_BASE_URL", env) ?? `http://localhost:${envValue("CODEX_OSS_PORT", env) ?? port}/v1`;
  return { name: id === "ollama" ? "Ollama" : "LM Studio", base_url: base };
}

/**
 * The key stored by `codex login --with-api-key` in `$CODEX_HOME/auth.json`, for the `openai` provider when
 * `OPENAI_API_KEY` is not set. A ChatGPT sign-in (tokens, no key) cannot be used over the API: one line says so.
 */
function openaiKeyFromAuthFile(home: string): string | undefined {
  let auth: Record<string, unknown>;
  try {
    auth = JSON.parse(readFileSync(join(home, "auth.json"), "utf8"));
  } catch {
    return undefined;
  }
  const key = auth?.OPENAI_API_KEY;
  if (typeof key === "string" && key.trim()) return key.trim();
  if (auth?.tokens) {
    throw new ConfigError(
      `${join(home, "auth.json")} holds a ChatGPT sign-in, which codex-litellm cannot use: set OPENAI_API_KEY or choose another model_provider`,
    );
  }
  return undefined;
}

/**
 * Trims; when the text parses as a URL whose path is empty or `/`, the path becomes `/v1`; trailing slashes are
 * removed. Other URLs are kept as typed (no re-serialisation). Blank input gives undefined.
 */
export function normalizeBaseUrl(input: string | undefined): string | undefined {
  const trimmed = input?.trim();
  if (!trimmed) return undefined;
  let out = trimmed;
  try {
    const url = new URL(trimmed);
    if (url.pathname === "" || url.pathname === "/") {
      url.pathname = "/v1";
      out = url.toString();
    }
  } catch {
    // Not a URL: keep as typed.
  }
  return out.replace(/\/+$/, "");
}

/**
 * Resolves the provider named by `model_provider` (default `litellm`) from the merged table.
 * A user `[model_providers.litellm]` table replaces the built-in key by key: what it sets wins, what it omits
 * keeps the built-in value (`name`, `env_key = "LITELLM_API_KEY"`, `base_url` from `LITELLM_BASE_URL`). So
 * `-c model_providers.litellm.stream_idle_timeout_ms=…` tunes one knob without silently dropping the key.
 */
export function resolveProvider(
  merged: TableReader,
  env: Env,
  configPath: string,
  warnings: string[],
): ProviderConfig {
  const id = merged.string("model_provider") ?? DEFAULT_PROVIDER_ID;
  const providers = merged.optionalTable("model_providers");
  const userTable = providers && Object.hasOwn(providers, id) ? providers[id] : undefined;
  const builtin = builtinProvider(id, merged, env);
  let t: TableReader;
  if (builtin) {
    const user = userTable !== undefined ? merged.table("model_providers").table(id) : undefined;
    t = new TableReader({ ...builtin, ...(user?.data ?? {}) }, `model_providers.${id}`);
  } else if (userTable !== undefined) t = merged.table("model_providers").table(id);
  else throw new ConfigError(`model provider \`${id}\` is not defined in ${configPath}`);

  if (t.has("name") && t.string("name") === undefined) {
    throw new ConfigError(
      `invalid config value for \`model_providers.${id}.name\`: provider name must not be empty`,
    );
  }
  const name = t.string("name") ?? id;
  const rawBaseUrl = t.string("base_url");
  const envKey = t.string("env_key")?.trim();
  // A literal token in config wins over the environment, as upstream's experimental_bearer_token does.
  let apiKey = t.string("experimental_bearer_token")?.trim() || (envKey ? envValue(envKey, env) : undefined);
  if (!apiKey && id === "openai" && envKey === "OPENAI_API_KEY")
    apiKey = openaiKeyFromAuthFile(dirname(configPath));

  // Absent (stock Codex's default), "responses" or "chat": all are spoken over Chat Completions here.
  const wireApi = t.string("wire_api") ?? "responses";
  if (!KNOWN_WIRE_APIS.includes(wireApi)) {
    warnings.push(
      `model_providers.${id}.wire_api = ${JSON.stringify(wireApi)} is not recognised; ` +
        `expected "chat" or "responses" (Chat Completions is used)`,
    );
  }

  const httpHeaders: Record<string, string> = { ...(t.stringMap("http_headers") ?? {}) };
  for (const [header, varName] of Object.entries(t.stringMap("env_http_headers") ?? {})) {
    const value = envValue(varName, env);
    if (value !== undefined) httpHeaders[header] = value;
  }

  return {
    id,
    name,
    baseUrl: normalizeBaseUrl(rawBaseUrl),
    envKey: envKey || undefined,
    apiKey,
    wireApi,
    queryParams: t.stringMap("query_params") ?? {},
    httpHeaders,
    requestMaxRetries: Math.min(t.int("request_max_retries", 0) ?? DEFAULT_REQUEST_MAX_RETRIES, MAX_RETRIES),
    streamMaxRetries: Math.min(t.int("stream_max_retries", 0) ?? DEFAULT_STREAM_MAX_RETRIES, MAX_RETRIES),
    streamIdleTimeoutMs: t.int("stream_idle_timeout_ms", 1) ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    connectionRetryWindowMs: t.int("connection_retry_window_ms", 0) ?? DEFAULT_CONNECTION_RETRY_WINDOW_MS,
    streamMaxEventBytes: t.int("stream_max_event_bytes", 1024) ?? DEFAULT_STREAM_MAX_EVENT_BYTES,
    responseMaxBytes: t.int("response_max_bytes", 1024) ?? DEFAULT_RESPONSE_MAX_BYTES,
    requestMaxDurationMs: t.int("request_max_duration_ms", 1) ?? DEFAULT_REQUEST_MAX_DURATION_MS,
    toolArgumentsMaxBytes: t.int("tool_arguments_max_bytes", 1) ?? DEFAULT_TOOL_ARGUMENTS_MAX_BYTES,
    streamMode: t.oneOf("stream_mode", STREAM_MODES) ?? "auto",
    bufferedModels: t.stringArray("buffered_models") ?? [],
  };
}
