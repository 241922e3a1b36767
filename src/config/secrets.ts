// The secrets a provider's configuration holds, for the session's redactor (src/util/redact.ts): besides the
// API key, the values of `http_headers` / `env_http_headers`, credentials in `base_url`, and the values of
// secret-looking query parameters (in `base_url` or `query_params`).
import { createRedactor, isSecretQueryName, type Redactor } from "../util/redact.ts";
import type { ProviderConfig } from "./types.ts";

/** Headers whose values are protocol data, not credentials; redacting them would blank ordinary words. */
const PUBLIC_HEADERS = new Set([
  "accept",
  "content-type",
  "user-agent",
  "x-title",
  "http-referer",
  "referer",
  "anthropic-version",
  "api-version",
]);

export function providerSecrets(provider: ProviderConfig): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(provider.httpHeaders ?? {})) {
    if (PUBLIC_HEADERS.has(name.toLowerCase())) continue;
    secrets.push(value);
    // `Authorization: Bearer x` is echoed as `x` as often as whole.
    const credential = /^(?:Bearer|Basic|Token)\s+(\S+)$/i.exec(value)?.[1];
    if (credential) secrets.push(credential);
  }
  for (const [name, value] of Object.entries(provider.queryParams ?? {}))
    if (isSecretQueryName(name)) secrets.push(value);
  if (provider.baseUrl) {
    try {
      const url = new URL(provider.baseUrl);
      // A user name with a password is an account name; alone, it is the token.
      const credential = url.password || url.username;
      if (credential) secrets.push(credential, decodeURIComponent(credential));
      for (const [name, value] of url.searchParams) if (isSecretQueryName(name)) secrets.push(value);
    } catch {
      // Not a URL: the request fails with its own message; nothing to take from it.
    }
  }
  return secrets.filter((s) => s.trim() !== "");
}

/**
 * The session's redactor for what is shown and stored (exec output, the rollout): every secret the provider's
 * configuration and the environment hold. The generic patterns stay off here (they are telemetry's): they
 * would blank ordinary code in the model's answers, and a rollout is replayed on resume.
 */
export function sessionRedactor(provider: ProviderConfig, env: Record<string, string | undefined>): Redactor {
  return createRedactor({
    apiKey: provider.apiKey,
    env,
    secrets: providerSecrets(provider),
    patterns: false,
  });
}
