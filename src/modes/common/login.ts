// `codex-litellm login` / `logout`: (re)run the gateway setup from the shell, or forget the stored key.
// login checks the URL and key with a call to `/models` before it saves anything, so a wrong URL is reported
// (and fixed) here, not at the next run. In a terminal it asks (the TUI's setup screens); in scripts the key
// comes from stdin (`--with-api-key`), never from argv.

import { join } from "node:path";
import { processEnv } from "../../config/env.ts";
import { DEFAULT_PROVIDER_ID } from "../../config/index.ts";
import { loadConfig } from "../../config/load.ts";
import { normalizeBaseUrl } from "../../config/provider.ts";
import type { ProviderConfig, ResolvedConfig } from "../../config/types.ts";
import { removeDotEnvValues, saveDotEnvValues, saveRootKeys } from "../../config/writer.ts";
import { modelsCacheFile } from "../../core/setup.ts";
import { createGateway } from "../../gateway/client.ts";
import { discoverModels, type ModelInfo } from "../../gateway/discovery.ts";
import { providerProblem } from "../../gateway/first-contact.ts";
import { closeAgents } from "../../gateway/http.ts";
import { UserError } from "../../util/errors.ts";
import { printable } from "../../util/terminal-text.ts";

export interface LoginOptions {
  baseUrl?: string;
  /** Read the key from stdin (Codex's `login --with-api-key`). */
  withApiKey?: boolean;
  /** Default model to save. */
  model?: string;
}

export interface LoginAnswers {
  baseUrl: string;
  apiKey: string;
  model?: string;
}

const VERIFY_TIMEOUT_MS = 15_000;

const say = (line: string) => process.stderr.write(`${printable(line)}\n`);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The built-in provider only: other providers are set up in their config.toml table. */
function litellmConfig(): { config: ResolvedConfig; shell: NodeJS.ProcessEnv } {
  // What the shell set, before `$CODEX_HOME/.env` fills the environment: those values win over the file.
  const shell = { ...processEnv() };
  const config = loadConfig({ cli: { configOverrides: [] }, env: processEnv() });
  if (config.provider.id !== DEFAULT_PROVIDER_ID) {
    throw new UserError(
      `login sets up the built-in \`litellm\` provider, but model_provider is \`${config.provider.id}\`: set base_url and env_key in [model_providers.${config.provider.id}] of ${config.configPath}`,
    );
  }
  return { config, shell };
}

/** The gateway's models with this URL and key; a UserError saying what to fix when they do not work. */
export async function verifyGateway(provider: ProviderConfig, codexHome: string): Promise<ModelInfo[]> {
  const problem = providerProblem(provider);
  if (problem) throw new UserError(problem.message);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), VERIFY_TIMEOUT_MS);
  try {
    return await discoverModels(createGateway({ provider }), abort.signal, {
      cacheFile: modelsCacheFile(codexHome),
      refresh: true,
    });
  } catch (error) {
    const why = abort.signal.aborted
      ? `no answer from ${provider.baseUrl} within ${VERIFY_TIMEOUT_MS / 1000} s`
      : (error as Error).message;
    throw new UserError(`${why}; nothing was saved`);
  } finally {
    clearTimeout(timer);
    closeAgents();
  }
}

export async function runLogin(options: LoginOptions): Promise<number> {
  const { config, shell } = litellmConfig();
  const provider = config.provider;
  const keyName = provider.envKey ?? "LITELLM_API_KEY";
  let answers: LoginAnswers | undefined;
  if (options.baseUrl === undefined && !options.withApiKey) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new UserError(
        `login: no terminal to ask in; in scripts, pipe the key: \`printenv ${keyName} | codex-litellm login --base-url URL --with-api-key\``,
        2,
      );
    }
    // Through the TUI's one entry, so ink and react stay in its chunk.
    const { askLogin } = await import("../tui/index.tsx");
    answers = await askLogin(config);
    if (!answers) return 1;
  } else {
    const baseUrl = normalizeBaseUrl(options.baseUrl) ?? provider.baseUrl;
    if (!baseUrl) throw new UserError("login: give --base-url URL (for example http://localhost:4000)", 2);
    const apiKey = options.withApiKey ? (await readStdin()).trim() : provider.apiKey;
    if (!apiKey) {
      throw new UserError(
        `login: no key: pipe it in with --with-api-key (a proxy without auth accepts any value), e.g. \`printenv ${keyName} | codex-litellm login --base-url URL --with-api-key\``,
        2,
      );
    }
    const models = await verifyGateway({ ...provider, baseUrl, apiKey }, config.codexHome);
    const ids = models.map((m) => m.id);
    if (options.model !== undefined && ids.length > 0 && !ids.includes(options.model)) {
      throw new UserError(
        `login: the gateway does not list the model ${JSON.stringify(options.model)} (it lists ${ids.slice(0, 8).join(", ")}${ids.length > 8 ? ", …" : ""}); nothing was saved`,
      );
    }
    say(`${baseUrl} answered: ${ids.length} model${ids.length === 1 ? "" : "s"} for this key`);
    answers = { baseUrl, apiKey, model: options.model };
  }
  for (const line of saveLogin(config, answers)) say(line);
  for (const note of shadowed(config, shell, keyName, answers)) say(`note: ${note}`);
  if (!answers.model && !config.model)
    say(
      "No default model yet: pass -m MODEL (`codex-litellm models` lists them), or run login --model MODEL.",
    );
  return 0;
}

/** Writes checked answers: URL and key to `$CODEX_HOME/.env` (0600), the model to the profile. Lines for the user. */
export function saveLogin(config: ResolvedConfig, answers: LoginAnswers): string[] {
  const keyName = config.provider.envKey ?? "LITELLM_API_KEY";
  const envFile = join(config.codexHome, ".env");
  saveDotEnvValues(envFile, { LITELLM_BASE_URL: answers.baseUrl, [keyName]: answers.apiKey });
  const lines = [`Saved LITELLM_BASE_URL and ${keyName} to ${envFile} (mode 0600).`];
  if (answers.model) {
    // Where first-run setup and `/model` keep it: codex-litellm's own file, which stock Codex never reads.
    saveRootKeys(config.ownConfigPath, { model: answers.model });
    lines.push(`Default model ${answers.model} saved to ${config.ownConfigPath}.`);
  }
  return lines;
}

/** Settings that win over what login wrote, so the user is not surprised by the next run. */
function shadowed(
  config: ResolvedConfig,
  shell: NodeJS.ProcessEnv,
  keyName: string,
  answers: LoginAnswers,
): string[] {
  const notes: string[] = [];
  const table = (config.raw.model_providers as Record<string, Record<string, unknown>> | undefined)?.litellm;
  if (typeof table?.base_url === "string")
    notes.push(`base_url in [model_providers.litellm] of ${config.configPath} wins over LITELLM_BASE_URL`);
  else if (shell.LITELLM_BASE_URL?.trim() && normalizeBaseUrl(shell.LITELLM_BASE_URL) !== answers.baseUrl)
    notes.push("LITELLM_BASE_URL is set in your environment, and wins over the saved value");
  if (shell[keyName]?.trim() && shell[keyName]?.trim() !== answers.apiKey)
    notes.push(`${keyName} is set in your environment, and wins over the saved key`);
  return notes;
}

export function runLogout(): number {
  const { config, shell } = litellmConfig();
  const keyName = config.provider.envKey ?? "LITELLM_API_KEY";
  const envFile = join(config.codexHome, ".env");
  const removed = removeDotEnvValues(envFile, [keyName]);
  say(removed.length > 0 ? `Removed ${keyName} from ${envFile}.` : `No ${keyName} stored in ${envFile}.`);
  if (shell[keyName]?.trim()) say(`note: ${keyName} is still set in your environment.`);
  return 0;
}
