// Gateway error classification: what the user is told, and whether a retry can help.
import type { GatewayError } from "../protocol/model.ts";
import { errorText } from "./assemble.ts";
import { AbortedError, type HttpExchange, IdleTimeoutError } from "./http.ts";
import { LimitError } from "./limits.ts";

/** Substrings providers use for "the prompt does not fit" (LiteLLM maps them inconsistently). */
const CONTEXT_WINDOW_PATTERNS = [
  /ContextWindowExceeded/i,
  /context[_ ]length[_ ]exceeded/i,
  /maximum context length/i,
  /prompt is too long/i,
  /input (?:length|tokens?) (?:and `max_tokens` )?exceeds?/i,
  /exceeds? the (?:configured |maximum )?(?:context|token) (?:window|limit)/i,
  /too many (?:input )?tokens/i,
  /input token count .* exceeds/i,
];

export function isContextWindowMessage(message: string): boolean {
  return CONTEXT_WINDOW_PATTERNS.some((re) => re.test(message));
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529]);

/** Extracts the human message from an error body: LiteLLM `{error:{message}}`, FastAPI `{detail}`, or text. */
export function bodyMessage(body: string): string {
  const trimmed = body.trim();
  if (!trimmed) return "";
  try {
    const parsed = JSON.parse(trimmed) as Record<string, unknown>;
    if (parsed && typeof parsed === "object") {
      if (parsed.error !== undefined) return errorText(parsed.error);
      if (parsed.detail !== undefined) {
        const detail = parsed.detail as unknown;
        if (typeof detail === "string") return detail;
        if (detail && typeof detail === "object" && "error" in detail)
          return errorText((detail as { error: unknown }).error);
        return JSON.stringify(detail);
      }
      if (typeof parsed.message === "string") return parsed.message;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return trimmed.length > 2000 ? `${trimmed.slice(0, 2000)}…` : trimmed;
}

/** Seconds from `Retry-After` (seconds or HTTP date), `llm_provider-retry-after`, or "try again in Ns". */
export function retryAfterSeconds(
  headers: Record<string, string | string[] | undefined>,
  message: string,
): number | undefined {
  for (const name of ["retry-after", "llm_provider-retry-after", "x-ratelimit-reset-after"]) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!value) continue;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds;
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, (date - Date.now()) / 1000);
  }
  const match = /try again in (\d+(?:\.\d+)?)\s*(ms|s|sec|seconds?)\b/i.exec(message);
  if (match) return match[2] === "ms" ? Number(match[1]) / 1000 : Number(match[1]);
  return undefined;
}

export function httpError(
  status: number,
  body: string,
  headers: Record<string, string | string[] | undefined>,
): GatewayError {
  // LiteLLM appends "\nReceived Model Group=…\nAvailable Model Group Fallbacks=…": keep messages on one line.
  const detail = bodyMessage(body).replace(/\s*\n\s*/g, " ") || `HTTP ${status}`;
  if (isContextWindowMessage(detail)) {
    return { kind: "context_window", status, message: detail, retryable: false };
  }
  const error: GatewayError = {
    kind: "http",
    status,
    message: `gateway answered ${status}${statusLabel(status, detail)}: ${detail}`,
    retryable: RETRYABLE_STATUS.has(status),
  };
  const after = retryAfterSeconds(headers, detail);
  if (after !== undefined) error.retryAfterSec = after;
  return error;
}

/**
 * A LiteLLM proxy with a master key but no database cannot look up any other key: it answers
 * 400 `no_db_connection` ("No connected db."), not 401, to a wrong key.
 */
const LITELLM_UNKNOWN_KEY = /^No connected db\.?$/i;

/** LiteLLM's "Invalid model name passed in model=…", and how other servers say a model does not exist. */
const UNKNOWN_MODEL = /Invalid model name|model[ _]not[ _]found|model .{0,80} (?:does not exist|not found)/i;

function statusLabel(status: number, detail: string): string {
  if ((status === 400 || status === 404) && UNKNOWN_MODEL.test(detail))
    return " (unknown model: `codex-litellm models` lists the gateway's models)";
  if (LITELLM_UNKNOWN_KEY.test(detail))
    return " (LiteLLM rejected the key: without a key database it accepts only its master key; check LITELLM_API_KEY)";
  switch (status) {
    case 400:
      return " (bad request)";
    case 401:
      return " (unauthorized: check LITELLM_API_KEY)";
    case 402:
      return " (budget exceeded)";
    case 403:
      return " (forbidden)";
    case 404:
      return " (not found: check the base URL and model name)";
    case 429:
      return " (rate limited)";
    default:
      return "";
  }
}

/** Parameters we may drop when a gateway rejects them with LiteLLM's `UnsupportedParamsError`. */
export const DROPPABLE_PARAMS = [
  "reasoning_effort",
  "stream_options",
  "parallel_tool_calls",
  "tool_choice",
  "verbosity",
] as const;

/** The droppable parameter an "unsupported parameter" error names, if any. */
export function unsupportedParam(message: string): string | undefined {
  if (!/UnsupportedParams|does not support|unsupported[_ ]param|Unrecognized request argument/i.test(message))
    return undefined;
  return DROPPABLE_PARAMS.find((p) => message.includes(p));
}

export function streamError(message: string): GatewayError {
  return { kind: "stream", message, retryable: true };
}

/** An `error` object inside a 200 answer. LiteLLM's `code` is the HTTP status as a string. */
export function inBandError(message: string, chunk: unknown): GatewayError {
  if (isContextWindowMessage(message)) return { kind: "context_window", message, retryable: false };
  const raw = (chunk as { error?: { code?: unknown } })?.error?.code;
  const code = typeof raw === "number" ? raw : Number.parseInt(String(raw ?? ""), 10);
  if (code >= 400 && code < 500 && code !== 408 && code !== 429) {
    return { kind: "http", status: code, message: `gateway error ${code}: ${message}`, retryable: false };
  }
  return { kind: "stream", message: `gateway reported an error mid-stream: ${message}`, retryable: true };
}

/** What a limit reached means and the key that raises it. */
export function limitMessage(error: LimitError, providerId: string): string {
  return `${error.message} (${error.key}); raise model_providers.${providerId}.${error.key} if the gateway is right to send more`;
}

export function transportError(error: unknown, ex: HttpExchange, providerId: string): GatewayError {
  const cause = ex.failure() ?? error;
  if (cause instanceof AbortedError) return { kind: "aborted", message: "interrupted", retryable: false };
  if (cause instanceof LimitError)
    return { kind: "limit", message: limitMessage(cause, providerId), retryable: false };
  if (cause instanceof IdleTimeoutError) return { kind: "timeout", message: cause.message, retryable: true };
  const err = cause as NodeJS.ErrnoException;
  const code = err?.code ? `${err.code}: ` : "";
  const message = err?.message ?? String(cause);
  if (err?.code === "ECONNREFUSED") {
    return { kind: "network", message: `cannot connect to the gateway (${code}${message})`, retryable: true };
  }
  return {
    kind: "network",
    message: `connection to the gateway failed (${code}${message})`,
    retryable: true,
  };
}
