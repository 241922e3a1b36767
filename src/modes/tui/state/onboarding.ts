// First-run setup: when the built-in `litellm` provider has no base URL or no key, the TUI asks for them (and
// for a default model) before starting. Only what was asked is written: the base URL and key to
// `$CODEX_HOME/.env` (0600; stock Codex never reads those names, so its config stays untouched), the model
// to codex-litellm.config.toml (never config.toml, so stock Codex starts as before).
import { join } from "node:path";
import { DEFAULT_PROVIDER_ID } from "../../../config/index.ts";
import type { ResolvedConfig } from "../../../config/types.ts";
import { saveDotEnvValues, saveRootKeys } from "../../../config/writer.ts";

export interface OnboardingNeeds {
  baseUrl: boolean;
  apiKey: boolean;
  /** Offer a default model: none is configured. */
  model: boolean;
  /** The variable the key is stored under (the provider's `env_key`). */
  keyName: string;
}

export interface OnboardingAnswers {
  baseUrl?: string;
  apiKey?: string;
  model?: string;
}

/** What first-run setup must ask, or undefined when the gateway is configured (or not the built-in one). */
export function onboardingNeeds(config: ResolvedConfig): OnboardingNeeds | undefined {
  const p = config.provider;
  if (p.id !== DEFAULT_PROVIDER_ID) return undefined;
  const baseUrl = !p.baseUrl;
  const apiKey = !!p.envKey && !p.apiKey;
  if (!baseUrl && !apiKey) return undefined;
  return { baseUrl, apiKey, model: !config.model, keyName: p.envKey ?? "LITELLM_API_KEY" };
}

/** Printed instead of the setup screens when there is no terminal to ask in (exit 1). */
export function setupInstructions(codexHome: string, needs: OnboardingNeeds): string {
  const missing = [needs.baseUrl ? "LITELLM_BASE_URL" : "", needs.apiKey ? needs.keyName : ""].filter(
    Boolean,
  );
  return [
    `codex-litellm needs initial LiteLLM setup (${missing.join(" and ")} not set).`,
    "Re-run `codex-litellm` in an interactive terminal, or preconfigure the gateway:",
    `  echo 'LITELLM_BASE_URL=https://litellm.example.com/v1' >> ${join(codexHome, ".env")}`,
    `  echo '${needs.keyName}=sk-your-key' >> ${join(codexHome, ".env")}`,
    `  chmod 600 ${join(codexHome, ".env")}`,
    "(or export the variables in your shell), then run `codex-litellm` again.",
  ].join("\n");
}

/** Writes the answers; returns a line per file written, for the user. Throws ConfigError on failure. */
export function saveOnboarding(
  config: ResolvedConfig,
  needs: OnboardingNeeds,
  answers: OnboardingAnswers,
): string[] {
  const written: string[] = [];
  const env: Record<string, string> = {};
  if (needs.baseUrl && answers.baseUrl) env.LITELLM_BASE_URL = answers.baseUrl;
  if (needs.apiKey && answers.apiKey) env[needs.keyName] = answers.apiKey;
  if (Object.keys(env).length > 0) {
    const path = join(config.codexHome, ".env");
    saveDotEnvValues(path, env);
    written.push(`${Object.keys(env).join(" and ")} saved to ${path}`);
  }
  if (needs.model && answers.model) {
    saveRootKeys(config.ownConfigPath, { model: answers.model });
    written.push(`model saved to ${config.ownConfigPath}`);
  }
  return written;
}
