// What a failure says about the configuration. Before the gateway has answered once in a session, a refused
// connection, an unknown host, an untrusted certificate or a page that is not an OpenAI-compatible answer is a
// wrong base URL, not an outage: retrying only delays the one line that says what to fix.
import type { ProviderConfig } from "../config/types.ts";
import type { GatewayError } from "../protocol/model.ts";

/** Connection errors whose cause is the address itself; `what` names it for a person. */
const CONNECT_PROBLEMS: [RegExp, string, string][] = [
  [/^ECONNREFUSED$/, "nothing listening", "check the base URL and that the gateway is running"],
  [/^(ENOTFOUND|EAI_AGAIN|EAI_NONAME)$/, "host name not found", "check the host name in the base URL"],
  [/^(EHOSTUNREACH|ENETUNREACH)$/, "host unreachable", "check the base URL and your network"],
  [
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/,
    "certificate not trusted",
    "if your gateway uses a private CA, point NODE_EXTRA_CA_CERTS at its PEM file",
  ],
  [
    /^(EPROTO|ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_.*)$/,
    "TLS handshake failed",
    "check http:// versus https:// in the base URL",
  ],
];

/** Codes of errors that happen before any byte of an answer: the connection itself failed. */
export function connectProblem(error: unknown): { what: string; check: string; code: string } | undefined {
  const code = String((error as NodeJS.ErrnoException)?.code ?? "");
  if (!code) return undefined;
  for (const [re, what, check] of CONNECT_PROBLEMS) if (re.test(code)) return { what, check, code };
  return undefined;
}

/** One line: the URL we called, what went wrong, what to check. */
export function connectMessage(url: string, error: unknown, setting: string): string | undefined {
  const problem = connectProblem(error);
  if (!problem) return undefined;
  const detail = (error as Error)?.message ?? "";
  const check = problem.check.replace("the base URL", setting);
  return `cannot reach ${url}: ${problem.what} (${problem.code}${detail && !detail.includes(problem.code) ? `: ${detail}` : ""}); ${check}`;
}

/** Whether a body parses as JSON (an OpenAI-compatible server's errors and answers do). */
export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function looksLikeHtml(text: string): boolean {
  return /^\s*<(!doctype|html|head|body|\?xml|title|h1|center|p)\b/i.test(text);
}

/** A page's title (or first heading), else its first words: a page is named, never pasted. */
export function pageSummary(text: string): string {
  const tag = /<title[^>]*>([^<]*)<\/title>/i.exec(text) ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(text);
  const raw = tag ? tag[1] : text.replace(/<[^>]*>/g, " ");
  const words = raw.replace(/\s+/g, " ").trim();
  return words.length > 80 ? `${words.slice(0, 80)}…` : words;
}

/** `url` answered something that is not an OpenAI-compatible answer (an HTML page, plain text, nothing). */
export function notOpenAiMessage(
  url: string,
  status: number,
  contentType: string | undefined,
  body: string,
  setting: string,
): string {
  const kind = looksLikeHtml(body) ? "an HTML page" : body.trim() ? "a non-JSON answer" : "an empty answer";
  const summary = body.trim() ? ` "${pageSummary(body)}"` : "";
  const type = contentType ? `, ${contentType.split(";")[0]}` : "";
  const said = `it answered HTTP ${status}${type} with ${kind}${summary}`;
  if (status === 502 || status === 503 || status === 504)
    return `${url} did not answer as an OpenAI-compatible endpoint: ${said}; a proxy there cannot reach its upstream: check that the gateway behind it is running, and ${setting}`;
  return `${url} is not an OpenAI-compatible endpoint: ${said}; check ${setting} (a LiteLLM proxy's base URL looks like http://host:4000/v1)`;
}

/** The setting a user changes to fix the base URL. */
export function baseUrlSetting(provider: ProviderConfig): string {
  return provider.id === "litellm" ? "LITELLM_BASE_URL" : `model_providers.${provider.id}.base_url`;
}

/**
 * What keeps the provider from being called at all (no base URL, one that is not http(s), no key), or undefined.
 * Checked before a run writes anything, and again by every request.
 */
export function providerProblem(
  provider: ProviderConfig,
  setting = baseUrlSetting(provider),
): GatewayError | undefined {
  if (!provider.baseUrl) {
    return {
      kind: "config",
      retryable: false,
      message:
        provider.id === "litellm"
          ? "no gateway configured: set LITELLM_BASE_URL (in the environment or $CODEX_HOME/.env), or run `codex-litellm login`"
          : `no base URL for model provider \`${provider.id}\`: set base_url in [model_providers.${provider.id}] of config.toml`,
    };
  }
  if (!/^https?:\/\/[^/\s]+/i.test(provider.baseUrl) || !URL.canParse(provider.baseUrl)) {
    return {
      kind: "config",
      retryable: false,
      message: `the base URL ${JSON.stringify(provider.baseUrl)} is not an http:// or https:// URL: check ${setting} (for example http://localhost:4000/v1)`,
    };
  }
  if (provider.envKey && !provider.apiKey) {
    return {
      kind: "config",
      retryable: false,
      message: `missing API key: set ${provider.envKey} in the environment or in $CODEX_HOME/.env, or run \`codex-litellm login\` (a proxy without auth accepts any value)`,
    };
  }
  return undefined;
}
