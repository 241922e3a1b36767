// Redaction of secrets, built once per session from the secrets it knows and applied at every output
// boundary: telemetry files, the rollout, what exec prints (stderr, stdout, --json), gateway error messages
// and `trace` output. Contract: every string that crosses a boundary has passed `text()` (or `deep()` /
// `value()`, which apply it to every string inside). What is replaced by `[REDACTED]`:
//   - the provider's API key whatever its form, and the forms a gateway echoes it in: LiteLLM's masked
//     `sk-...abcd` (and first-3/last-4 `abc...wxyz`) when the key is long enough for that to be safe, and its
//     SHA-256 (LiteLLM's "Key Hash (Token)");
//   - other literal secrets given at creation (header values, URL credentials: src/config/secrets.ts);
//   - values of environment variables whose names contain KEY, SECRET or TOKEN (the rule the shell tool
//     uses to keep them out of commands), when at least MIN_ENV_SECRET chars long;
//   - whatever follows LiteLLM's `Received API Key =` and `Key Hash (Token) =`, whichever key it was;
//   - with `patterns` (default; telemetry and gateway errors, not the model's own text, where they would
//     mangle ordinary code): `sk-…` tokens, `Bearer …` credentials, and the values of `Authorization` /
//     `x-api-key` / `api-key` headers and key-like query parameters as they appear in text;
//   - in objects given to `value()`, the whole value of keys such as `authorization`, `api_key`, `*secret*`.
import { createHash } from "node:crypto";
import { mapStrings } from "./terminal-text.ts";

export const REDACTED = "[REDACTED]";

/**
 * Shorter environment values are too likely to be ordinary words ("true", "1") whose every occurrence
 * would vanish from the log; real credentials are longer.
 */
export const MIN_ENV_SECRET = 8;
const MIN_API_KEY = 4;
const SECRET_ENV_NAME = /KEY|SECRET|TOKEN/i;

/** Object keys whose whole value is a credential (header names and JSON fields). */
const SECRET_FIELD =
  /^(?:proxy-)?authorization$|api[-_]?key$|^(?:set-)?cookie$|^(?:access|refresh|id|auth)[-_]?token$|secret|password/i;

/** LiteLLM's echo of a rejected key: masked, whole or hashed, it is redacted whichever key it names. */
const GATEWAY_PATTERNS = [
  String.raw`(?<echo>\bReceived API Key\s*=\s*|\bKey Hash \(Token\)\s*=\s*)[^\s,;"'\\]+`,
];

// Patterns found inside free text (JSON bodies, error messages, URLs).
const PATTERNS = [
  // sk-… keys (OpenAI, LiteLLM virtual keys, Anthropic sk-ant-…); `\b` keeps "task-…" intact.
  String.raw`\bsk-[A-Za-z0-9][A-Za-z0-9_\-]{7,}`,
  // Header-like `name: value` / `"name":"value"`, with an optional auth scheme kept visible.
  String.raw`(?<hname>\b(?:proxy-)?authorization|\bx-api-key|\bapi[-_]key|\bx-litellm-api-key)(?<hsep>\\?["']?\s*[:=]\s*\\?["']?)(?<hscheme>(?:Bearer|Basic|Token)\s+)?[^\s"'\\,;&}]+`,
  String.raw`(?<bearer>\bBearer\s+)[A-Za-z0-9._~+/=\-]{6,}`,
  // Query parameters such as ?key=…, &api_key=…, &access_token=….
  String.raw`(?<qname>[?&](?:key|api[-_]?key|access[-_]?token|token|secret|sig|signature)=)[^&\s"'#]+`,
];

export interface RedactorOptions {
  apiKey?: string;
  /** Environment whose KEY/SECRET/TOKEN-named values are secrets (usually the process environment). */
  env?: Record<string, string | undefined>;
  /** More literal secrets (e.g. values of `env_http_headers`). */
  secrets?: string[];
  /** The generic patterns (`sk-…`, `Bearer …`, header and query shapes). Default true. */
  patterns?: boolean;
}

export interface Redactor {
  text(s: string): string;
  /**
   * A redacted deep copy of a JSON-like value. Strings longer than `maxString` are cut (after redaction)
   * with a `…(N chars)` marker, so one huge field cannot bloat the log.
   */
  value(v: unknown, maxString?: number): unknown;
  /** A copy of a JSON-like value with `text()` applied to every string; unchanged parts are shared. */
  deep<T>(v: T): T;
}

/** The key as gateways echo it: LiteLLM's `sk-...abcd` and first-3/last-4 masks, and its SHA-256. */
export function keyForms(key: string): string[] {
  const forms = [createHash("sha256").update(key).digest("hex")];
  // Four characters shown are a small part of a long key only; a short key's mask would match ordinary text.
  if (key.length >= 16) forms.push(`sk-...${key.slice(-4)}`, `${key.slice(0, 3)}...${key.slice(-4)}`);
  return forms;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const literals = new Set<string>();
  if (options.apiKey && options.apiKey.length >= MIN_API_KEY) {
    literals.add(options.apiKey);
    for (const form of keyForms(options.apiKey)) literals.add(form);
  }
  for (const secret of options.secrets ?? []) if (secret.length >= MIN_API_KEY) literals.add(secret);
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value && value.length >= MIN_ENV_SECRET && SECRET_ENV_NAME.test(name)) literals.add(value.trim());
  }
  // Longest first, so a secret containing another is replaced whole.
  const sorted = [...literals].filter(Boolean).sort((a, b) => b.length - a.length);
  const alternatives = [
    ...(sorted.length ? [`(?<lit>${sorted.map(escapeRegExp).join("|")})`] : []),
    ...GATEWAY_PATTERNS,
    ...(options.patterns === false ? [] : PATTERNS),
  ];
  const re = new RegExp(alternatives.join("|"), "g");

  const replace = (match: string, ...args: unknown[]): string => {
    const g = args.at(-1) as Record<string, string | undefined>;
    if (g.echo !== undefined) return `${g.echo}${REDACTED}`;
    if (g.hname !== undefined) return `${g.hname}${g.hsep}${g.hscheme ?? ""}${REDACTED}`;
    if (g.bearer !== undefined) return `${g.bearer}${REDACTED}`;
    if (g.qname !== undefined) return `${g.qname}${REDACTED}`;
    return match === "" ? match : REDACTED;
  };

  const text = (s: string): string => {
    re.lastIndex = 0;
    return s.replace(re, replace);
  };

  const value = (v: unknown, maxString = Number.POSITIVE_INFINITY, depth = 0): unknown => {
    if (typeof v === "string") return truncate(text(v), maxString);
    if (v === null || typeof v !== "object") return v;
    if (depth > 32) return "[too deep]";
    if (Array.isArray(v)) return v.map((x) => value(x, maxString, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) continue;
      out[k] =
        SECRET_FIELD.test(k) && (typeof x === "string" || Array.isArray(x))
          ? REDACTED
          : value(x, maxString, depth + 1);
    }
    return out;
  };

  return { text, value: (v, maxString) => value(v, maxString), deep: (v) => mapStrings(v, text) };
}

const SECRET_QUERY = "[^=&#]*(?:key|token|secret|sig|password|passwd|auth|credential)[^=&#]*";
const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i;
const URL_SECRET_QUERY = new RegExp(`([?&]${SECRET_QUERY}=)[^&#]*`, "gi");

/** A URL fit to print: credentials (`user:pass@`) and values of secret-looking query parameters replaced. */
export function redactUrl(url: string): string {
  return url.replace(URL_USERINFO, `$1${REDACTED}@`).replace(URL_SECRET_QUERY, `$1${REDACTED}`);
}

/** Whether a query parameter's name says its value is a secret. */
export function isSecretQueryName(name: string): boolean {
  return new RegExp(`^${SECRET_QUERY}$`, "i").test(name);
}

/** Cuts `s` to `max` characters with a marker saying how long it was. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(${s.length} chars)`;
}
