// `codex-litellm doctor`: checks the setup and explains it, one line each: where the configuration comes from,
// whether the gateway answers, takes the key and knows the model, the sandbox, Node, the telemetry directory.
// Exit 1 when a check failed. Never prints a secret.
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DEFAULT_CONTEXT_WINDOW } from "../agent/context.ts";
import { codexHome as homeOf, processEnv } from "../config/env.ts";
import { readLayers } from "../config/layers.ts";
import { loadConfig } from "../config/load.ts";
import { isTable, parseOverride } from "../config/overrides.ts";
import type { CliOverrides, ResolvedConfig } from "../config/types.ts";
import { modelsCacheFile } from "../core/setup.ts";
import { createGateway } from "../gateway/client.ts";
import { discoverModels, type ModelInfo } from "../gateway/discovery.ts";
import { providerProblem } from "../gateway/first-contact.ts";
import { closeAgents } from "../gateway/http.ts";
import { resolveTelemetryConfig } from "../telemetry/config.ts";
import { detectSandbox } from "../tools/sandbox/detect.ts";
import { thousands } from "../util/format.ts";
import { redactUrl } from "../util/redact.ts";
import { printable } from "../util/terminal-text.ts";

type Status = "ok" | "warn" | "FAIL" | "skip";

const CHECK_TIMEOUT_MS = 10_000;

export async function runDoctor(options: CliOverrides): Promise<number> {
  let failed = false;
  const line = (status: Status, what: string, detail: string) => {
    if (status === "FAIL") failed = true;
    process.stdout.write(`${status.padEnd(4)}  ${what}: ${printable(detail)}\n`);
  };
  // What the shell set, before `$CODEX_HOME/.env` fills the environment.
  const shell = { ...processEnv() };
  const home = homeOf(processEnv());
  line("ok", "home", `${home} (${shell.CODEX_HOME?.trim() ? "CODEX_HOME" : "default ~/.codex"})`);
  let config: ResolvedConfig | undefined;
  try {
    config = loadConfig({ cli: options, env: processEnv() });
  } catch (error) {
    line("FAIL", "config", (error as Error).message);
  }
  if (config) {
    configLines(config, options, shell, line);
    await gatewayLines(config, line);
  }
  const sandbox = detectSandbox();
  if (sandbox.available) line("ok", "sandbox", "bubblewrap is installed and usable");
  else
    line(
      "warn",
      "sandbox",
      `${sandbox.reason}${sandbox.hint ? `; ${sandbox.hint}` : ""} (commands run only when known read-only)`,
    );
  const major = Number(process.versions.node.split(".")[0]);
  line(
    major >= 20 ? "ok" : "FAIL",
    "node",
    `${process.versions.node}${major >= 20 ? "" : " (Node.js 20 or later is needed)"}`,
  );
  if (config) telemetryLine(config, line);
  return failed ? 1 : 0;
}

type Line = (status: Status, what: string, detail: string) => void;

function configLines(
  config: ResolvedConfig,
  options: CliOverrides,
  shell: NodeJS.ProcessEnv,
  line: Line,
): void {
  const present = [config.configPath, config.ownConfigPath].filter((path) => existsSync(path));
  line(
    "ok",
    "config",
    present.length
      ? `${present.join(", ")}${config.profile ? ` (profile ${config.profile})` : ""}`
      : `${config.configPath} not present: defaults`,
  );
  for (const warning of config.warnings) line("warn", "config", warning);
  const envFile = join(config.codexHome, ".env");
  if (existsSync(envFile)) {
    const mode = statSync(envFile).mode & 0o777;
    line(
      mode & 0o077 ? "warn" : "ok",
      ".env",
      `${envFile}${mode & 0o077 ? ` is readable by others (mode ${mode.toString(8)}): chmod 600 it` : ""}`,
    );
  }
  const layers = settingLayers(config.codexHome, options);
  const source = (path: string[]) => layers.find(([, has]) => has(path))?.[0];
  const p = config.provider;
  line("ok", "model_provider", `${p.id} (${source(["model_provider"]) ?? "default"})`);
  line(
    config.model ? "ok" : "warn",
    "model",
    config.model
      ? `${config.model} (${options.model ? "-m" : source(["model"])})`
      : "not set: pass -m MODEL, or run `codex-litellm login`",
  );
  if (config.reasoningEffort)
    line("ok", "model_reasoning_effort", `${config.reasoningEffort} (${source(["model_reasoning_effort"])})`);
  const table = ["model_providers", p.id];
  const fromEnv = (name: string) => (shell[name]?.trim() ? "the environment" : "$CODEX_HOME/.env");
  const urlSource =
    source([...table, "base_url"]) ??
    (p.baseUrl ? `LITELLM_BASE_URL from ${fromEnv("LITELLM_BASE_URL")}` : undefined);
  line(
    p.baseUrl ? "ok" : "FAIL",
    "base URL",
    p.baseUrl
      ? `${redactUrl(p.baseUrl)} (${urlSource})`
      : "not set: run `codex-litellm login`, or set LITELLM_BASE_URL",
  );
  const keySource =
    source([...table, "experimental_bearer_token"]) ??
    (p.envKey && p.apiKey ? `${p.envKey} from ${fromEnv(p.envKey)}` : undefined);
  line(
    p.apiKey || !p.envKey ? "ok" : "FAIL",
    "API key",
    p.apiKey
      ? `set (${keySource})`
      : p.envKey
        ? `not set: run \`codex-litellm login\`, or set ${p.envKey} (any value for a proxy without auth)`
        : "none configured (no env_key)",
  );
  line(
    "ok",
    "timeouts",
    `stream_idle_timeout_ms ${p.streamIdleTimeoutMs}, connection_retry_window_ms ${p.connectionRetryWindowMs}, request_max_retries ${p.requestMaxRetries}, stream_max_retries ${p.streamMaxRetries}`,
  );
}

/** Where a key path is set, highest layer first: `-c`, then the files as config/layers.ts lays them. */
function settingLayers(home: string, options: CliOverrides): [string, (path: string[]) => boolean][] {
  const overrides = options.configOverrides.map(parseOverride);
  const has = (t: unknown, path: string[]): boolean =>
    path.length === 0 || (isTable(t) && Object.hasOwn(t, path[0]) && has(t[path[0]], path.slice(1)));
  const { sources } = readLayers(home, overrides, options.profile, {
    ignoreUserConfig: options.ignoreUserConfig,
  });
  const files: [string, (path: string[]) => boolean][] = sources
    .map((source): [string, (path: string[]) => boolean] => {
      const file = basename(source.path);
      const label = source.within.length ? `[${source.within.join(".")}] in ${file}` : file;
      return [label, (path) => has(source.table, path)];
    })
    .reverse();
  return [
    [
      "-c",
      (path) =>
        overrides.some((o) => path.every((k, i) => o.path[i] === k) || o.path.every((k, i) => path[i] === k)),
    ],
    ...files,
  ];
}

async function gatewayLines(config: ResolvedConfig, line: Line): Promise<void> {
  const p = config.provider;
  const problem = providerProblem(p);
  if (problem) {
    line("skip", "gateway", `not checked: ${problem.message}`);
    return;
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), CHECK_TIMEOUT_MS);
  let models: ModelInfo[];
  try {
    models = await discoverModels(createGateway({ provider: p }), abort.signal, {
      cacheFile: modelsCacheFile(config.codexHome),
      refresh: true,
    });
  } catch (error) {
    const status = (error as { status?: number }).status;
    const message = abort.signal.aborted
      ? `no answer from ${redactUrl(p.baseUrl ?? "")} within ${CHECK_TIMEOUT_MS / 1000} s`
      : (error as Error).message;
    if (status === 401 || status === 403) {
      line("ok", "gateway", `${redactUrl(p.baseUrl ?? "")} answers`);
      line("FAIL", "key", `rejected: ${message}`);
    } else {
      line("FAIL", "gateway", message);
      line("skip", "key", "not checked: the gateway did not answer");
    }
    return;
  } finally {
    clearTimeout(timer);
    closeAgents();
  }
  line("ok", "gateway", `${redactUrl(p.baseUrl ?? "")} answers /models`);
  line("ok", "key", "accepted");
  line(
    models.length ? "ok" : "warn",
    "models",
    models.length
      ? `${models.length} listed (\`codex-litellm models\` shows them)`
      : "the gateway lists none for this key",
  );
  if (!config.model) return;
  const info = models.find((m) => m.id === config.model);
  if (!info && models.length) {
    line(
      "FAIL",
      "this model",
      `${config.model} is not listed by the gateway: pick one from \`codex-litellm models\``,
    );
    return;
  }
  const window = config.contextWindow
    ? `${thousands(config.contextWindow)} tokens (context_length)`
    : info?.maxInputTokens
      ? `${thousands(info.maxInputTokens)} tokens (from the gateway)`
      : `unknown to the gateway: ${thousands(DEFAULT_CONTEXT_WINDOW)} assumed; set context_length if it is smaller`;
  line(
    config.contextWindow || info?.maxInputTokens ? "ok" : "warn",
    "context window",
    `${config.model}: ${window}`,
  );
}

function telemetryLine(config: ResolvedConfig, line: Line): void {
  const telemetry = resolveTelemetryConfig(config);
  if (!telemetry.enabled) {
    line("ok", "telemetry", "off");
    return;
  }
  // The directory, or the nearest folder that exists, must take new files.
  let dir = telemetry.dir;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
    line("ok", "telemetry", `${telemetry.dir} (writable)`);
  } catch {
    line(
      "warn",
      "telemetry",
      `${telemetry.dir} cannot be written (${dir} is read-only): logs are skipped; set [telemetry] dir, or --no-telemetry`,
    );
  }
}
