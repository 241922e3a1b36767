// The one module that owns the wire: POST /chat/completions, streaming or buffered, with retries.
// Contract: `stream()` never throws; it yields live deltas and ends with exactly one `done` or `error`.
// A `retry` event voids what the failed attempt streamed, so consumers never show text twice.

import { StringDecoder } from "node:string_decoder";
import { createParser } from "eventsource-parser";
import { providerSecrets } from "../config/secrets.ts";
import type { ModelProfile, ProviderConfig } from "../config/types.ts";
import type { GatewayError, ModelEvent, ModelRequest, ModelResponse, StreamFn } from "../protocol/model.ts";
import { createRedactor, redactUrl, truncate } from "../util/redact.ts";
import { assembleFromJson, ChunkAssembler } from "./assemble.ts";
import { ChatBodyEncoder } from "./body-encoder.ts";
import {
  httpError,
  inBandError,
  limitMessage,
  streamError,
  transportError,
  unsupportedParam,
} from "./errors.ts";
import {
  baseUrlSetting,
  connectMessage,
  isJson,
  looksLikeHtml,
  notOpenAiMessage,
  providerProblem,
} from "./first-contact.ts";
import { type HttpExchange, IdleTimeoutError, readText, request } from "./http.ts";
import { LimitError, SseSizeGuard } from "./limits.ts";
import { type EffectiveProfile, modelProfile } from "./quirks.ts";

export interface GatewayOptions {
  provider: ProviderConfig;
  /** `[model_profiles.*]` from config; built-in rows apply without them. */
  modelProfiles?: readonly ModelProfile[];
  /** Wire log hook (debug telemetry). Never receives the API key. */
  onWire?: (entry: WireLog) => void;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Where the base URL was set, for messages that say what to check (default: the usual variable). */
  baseUrlSetting?: string;
  /** Clock for the connection retry window (tests pair it with `sleep`). */
  now?: () => number;
  /** How long to wait after the finish chunk for the usage chunk and `[DONE]` (a seam for tests). */
  afterFinishGraceMs?: number;
}

export type WireLog =
  | { kind: "request"; url: string; model: string; stream: boolean; bytes: number; attempt: number }
  | { kind: "response"; status: number; headers: Record<string, string | string[] | undefined> }
  | { kind: "chunk"; data: string }
  | { kind: "retry"; attempt: number; reason: string; delayMs: number }
  | { kind: "fallback"; model: string; reason: string };

export interface Gateway {
  stream: StreamFn;
  /** Model ids from `GET {base}/models`. */
  listModels(signal: AbortSignal): Promise<string[]>;
  /** GET a JSON document from the gateway (discovery routes), with the provider's headers and timeouts. */
  getJson(url: URL, signal: AbortSignal): Promise<unknown>;
  baseUrl?: string;
  /** Whether the gateway has given an OpenAI-compatible answer (any JSON or event stream) in this session. */
  answered(): boolean;
}

/** Wait after the finish chunk for the usage chunk and `[DONE]` before completing without them. */
const AFTER_FINISH_GRACE_MS = 2000;
const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 30_000;
/** Error bodies are read this far: enough for any message, bounded for a hostile gateway. */
const ERROR_BODY_BYTES = 256 * 1024;
/** Longest error message shown: a gateway may echo a whole request or page into one. */
const MAX_MESSAGE_CHARS = 2000;
/** During an outage (connection errors after the gateway had answered) retries are at most this far apart. */
const MAX_OUTAGE_DELAY_MS = 5000;
/**
 * A buffered request gets nothing until the whole answer is ready, so it waits at least this long for it (Codex's
 * idle timeout), whatever the stream idle timeout is.
 */
const BUFFERED_MIN_WAIT_MS = 300_000;

export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * A failed attempt. `firstContact`: what the failure means when the gateway has never answered (a wrong base
 * URL), reported at once. `connection`: the gateway could not be reached at all (no answer, or a proxy's page
 * saying its upstream is gone), retried for `connection_retry_window_ms` once the gateway has answered.
 */
type AttemptResult =
  | { ok: true }
  | { ok: false; error: GatewayError; firstContact?: string; connection?: boolean };

export function createGateway(options: GatewayOptions): Gateway {
  const { provider } = options;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const log = options.onWire ?? (() => {});
  const now = options.now ?? Date.now;
  /** Set by the first OpenAI-compatible answer: from then on, connection errors are outages, not mistakes. */
  let answered = false;
  const setting = options.baseUrlSetting ?? baseUrlSetting(provider);
  // Error messages quote the gateway, which may echo the key (LiteLLM's 401) or our headers: every message
  // leaves here redacted and of bounded length, whichever front end shows or stores it.
  const redactor = createRedactor({ apiKey: provider.apiKey, secrets: providerSecrets(provider) });
  const safe = (error: GatewayError): GatewayError => ({
    ...error,
    message: truncate(redactor.text(error.message), MAX_MESSAGE_CHARS),
  });
  /** Models that needed fetch-and-simulate: they stay buffered for the session. */
  const bufferedModels = new Set<string>();
  /** Parameters a model's gateway rejected (UnsupportedParamsError), remembered for the session. */
  const droppedParams = new Map<string, Set<string>>();
  /** Keeps the encoded start of the conversation: a request encodes only what is new. */
  const encoder = new ChatBodyEncoder();

  function endpoint(path: string): URL {
    const url = new URL(`${provider.baseUrl}/${path}`);
    for (const [k, v] of Object.entries(provider.queryParams)) url.searchParams.set(k, v);
    return url;
  }

  function headers(stream: boolean): Record<string, string> {
    const h: Record<string, string> = {
      "content-type": "application/json",
      accept: stream ? "text/event-stream" : "application/json",
      "user-agent": "codex-litellm",
      ...provider.httpHeaders,
    };
    if (provider.apiKey) h.authorization = `Bearer ${provider.apiKey}`;
    return h;
  }

  async function* attempt(
    req: ModelRequest,
    buffered: boolean,
    signal: AbortSignal,
    attemptNo: number,
    profile: EffectiveProfile,
  ): AsyncGenerator<ModelEvent, AttemptResult> {
    // Serialised and encoded message by message (a long history never becomes one huge string), the settled
    // start of the conversation only once.
    const body = encoder.bytes(req, {
      stream: !buffered,
      dropParams: droppedParams.get(req.model),
      replay: profile,
    });
    const url = endpoint("chat/completions");
    log({
      kind: "request",
      url: url.toString(),
      model: req.model,
      stream: !buffered,
      bytes: body.reduce((n, chunk) => n + chunk.length, 0),
      attempt: attemptNo,
    });
    const ex = request(
      "POST",
      url,
      headers(!buffered),
      body,
      buffered ? Math.max(provider.streamIdleTimeoutMs, BUFFERED_MIN_WAIT_MS) : provider.streamIdleTimeoutMs,
      signal,
      provider.requestMaxDurationMs,
    );
    let gotHeaders = false;
    const shown = redactUrl(url.toString());
    try {
      const res = await ex.response;
      gotHeaders = true;
      log({ kind: "response", status: res.statusCode ?? 0, headers: res.headers });
      const status = res.statusCode ?? 0;
      const contentType = res.headers["content-type"];
      if (status < 200 || status >= 300) {
        const text = await readText(res, ex, ERROR_BODY_BYTES, "cut");
        if (isJson(text)) {
          answered = true;
          return { ok: false, error: httpError(status, text, res.headers) };
        }
        // Not the gateway's words: a page from whatever answers at that address, or from a proxy in front.
        return {
          ok: false,
          error: httpError(status, text, res.headers),
          firstContact: notOpenAiMessage(shown, status, contentType, text, setting),
          connection: status === 502 || status === 503 || status === 504,
        };
      }
      // A server that ignores `stream: true` and answers with one JSON document is read as a buffered answer.
      if (!buffered && /^application\/json/i.test(contentType ?? "")) buffered = true;
      const cost = Number(res.headers["x-litellm-response-cost"]);
      const events: ModelEvent[] = [];
      // Adjacent deltas from one network read merge in place: a fast model sends tens of thousands of tiny
      // chunks, and each event costs a trip through every async generator up to the front end.
      const emit = (e: ModelEvent) => {
        const last = events[events.length - 1];
        if (last && (e.type === "text_delta" || e.type === "reasoning_delta") && last.type === e.type) {
          last.delta += e.delta;
        } else {
          events.push(e);
        }
      };
      let response: ModelResponse | undefined;
      if (buffered) {
        const text = await readText(res, ex, provider.responseMaxBytes, "fail");
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return {
            ok: false,
            error: streamError(
              looksLikeHtml(text)
                ? "gateway sent an HTML page instead of a JSON answer"
                : `gateway sent an unreadable JSON body: ${text.slice(0, 200)}`,
            ),
            firstContact: notOpenAiMessage(shown, status, contentType, text, setting),
          };
        }
        answered = true;
        const result = assembleFromJson(parsed, emit, provider.toolArgumentsMaxBytes);
        if (result.error) return { ok: false, error: inBandError(result.error, parsed) };
        yield* events;
        response = result.response;
      } else {
        const outcome = yield* readStream(res, ex, emit, events);
        if ("error" in outcome) {
          const eventStream = /^text\/event-stream/i.test(contentType ?? "");
          return {
            ok: false,
            error: outcome.error,
            firstContact:
              outcome.events === 0 && !eventStream
                ? notOpenAiMessage(shown, status, contentType, outcome.head, setting)
                : undefined,
          };
        }
        response = outcome.response;
      }
      if (!response) return { ok: false, error: streamError("gateway response was empty") };
      if (Number.isFinite(cost) && res.headers["x-litellm-response-cost"] !== undefined) response.cost = cost;
      yield { type: "done", response };
      return { ok: true };
    } catch (error) {
      const failure = transportError(error, ex, provider.id);
      // Once the answer has begun, a broken connection is a broken stream.
      if (gotHeaders) {
        return { ok: false, error: failure.kind === "network" ? { ...failure, kind: "stream" } : failure };
      }
      return {
        ok: false,
        error: failure,
        firstContact: connectMessage(shown, ex.failure() ?? error, setting),
        connection: failure.kind === "network",
      };
    } finally {
      ex.close();
    }
  }

  async function* readStream(
    res: import("node:http").IncomingMessage,
    ex: HttpExchange,
    emit: (e: ModelEvent) => void,
    events: ModelEvent[],
  ): AsyncGenerator<
    ModelEvent,
    { response: ModelResponse } | { error: GatewayError; events: number; head: string }
  > {
    const assembler = new ChunkAssembler(emit, provider.toolArgumentsMaxBytes);
    const guard = new SseSizeGuard(provider.streamMaxEventBytes, provider.responseMaxBytes);
    // Raw reads are counted before decoding, so a line without end is caught at the cap, not when memory is.
    const decoder = new StringDecoder("utf8");
    let done = false;
    let failure: GatewayError | undefined;
    /** Events received, and the body's first bytes: what a server that does not speak SSE sent instead. */
    let seen = 0;
    let head = "";
    const parser = createParser({
      onEvent(event) {
        if (done || failure) return;
        const data = event.data.trim();
        if (!data) return;
        seen++;
        answered = true;
        if (options.onWire) log({ kind: "chunk", data });
        if (data === "[DONE]" || data === "DONE") {
          done = true;
          return;
        }
        let chunk: unknown;
        try {
          chunk = JSON.parse(data);
        } catch {
          failure = streamError(`malformed chunk from gateway: ${data.slice(0, 200)}`);
          return;
        }
        const inBand = assembler.push(chunk);
        if (inBand !== undefined) failure = inBandError(inBand, chunk);
      },
    });
    const failed = (error: GatewayError) => ({ error, events: seen, head });
    try {
      for await (const piece of res as AsyncIterable<Buffer>) {
        ex.touch();
        guard.add(piece);
        const text = decoder.write(piece);
        if (head.length < 512) head += text.slice(0, 512 - head.length);
        // An HTML page is not going to turn into an event stream: no need to read it to the end.
        if (seen === 0 && looksLikeHtml(head))
          return failed(streamError("gateway sent an HTML page instead of an event stream"));
        parser.feed(text);
        if (events.length) {
          yield* events;
          events.length = 0;
        }
        if (failure) return failed(failure);
        if (done) break;
        if (assembler.finishReason)
          ex.setIdleLimit(
            Math.min(provider.streamIdleTimeoutMs, options.afterFinishGraceMs ?? AFTER_FINISH_GRACE_MS),
          );
      }
    } catch (error) {
      // After the finish chunk a silent connection is complete, not broken: the usage chunk is optional.
      if (!(ex.failure() instanceof IdleTimeoutError && assembler.finishReason)) throw error;
    }
    if (!done) {
      parser.feed(decoder.end());
      parser.reset({ consume: true });
    }
    if (events.length) yield* events;
    if (failure) return failed(failure);
    const idle = ex.failure();
    if (idle && !(idle instanceof IdleTimeoutError && assembler.finishReason)) throw idle;
    if (!done && !assembler.finishReason) {
      return failed(streamError("stream closed before completion (no finish_reason and no [DONE])"));
    }
    return { response: assembler.finish() };
  }

  async function* stream(req: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
    const invalid = providerProblem(provider, setting);
    if (invalid) {
      yield { type: "error", error: invalid };
      return;
    }
    const profile = modelProfile(req.model, options.modelProfiles ?? [], provider);
    let buffered = profile.streamMode === "buffered" || bufferedModels.has(req.model);
    if (buffered && !bufferedModels.has(req.model)) {
      bufferedModels.add(req.model);
      if (profile.bufferedReason) {
        yield {
          type: "notice",
          message: `using buffered requests (stream: false) for ${req.model}: ${profile.bufferedReason}`,
        };
      }
    }
    let streamFailures = 0;
    let requestFailures = 0;
    let outageStart: number | undefined;
    let outageAttempts = 0;
    const backoffMs = (n: number) => BASE_DELAY_MS * 2 ** (n - 1) * (0.9 + random() * 0.2);
    for (let attemptNo = 1; ; attemptNo++) {
      const result = yield* attempt(req, buffered, signal, attemptNo, profile);
      if (result.ok) return;
      const error = safe(result.error);
      if (signal.aborted || error.kind === "aborted") {
        yield { type: "error", error: { kind: "aborted", message: "interrupted", retryable: false } };
        return;
      }
      // Nothing OpenAI-compatible has ever answered at this address: say what to fix, now.
      if (!answered && result.firstContact) {
        yield {
          type: "error",
          error: {
            kind: "config",
            message: safe({ ...error, message: result.firstContact }).message,
            retryable: false,
          },
        };
        return;
      }
      const param =
        error.kind === "http" && error.status === 400 ? unsupportedParam(error.message) : undefined;
      const dropped = droppedParams.get(req.model) ?? new Set<string>();
      if (param && !dropped.has(param)) {
        dropped.add(param);
        droppedParams.set(req.model, dropped);
        yield {
          type: "notice",
          message: `gateway rejected \`${param}\` for ${req.model}; retrying without it`,
        };
        yield { type: "retry", attempt: 1, max: 1, reason: error.message, delayMs: 0 };
        continue;
      }
      if (!error.retryable) {
        yield { type: "error", error };
        return;
      }
      // The gateway answered before and cannot be reached now (a proxy restart): wait for it, within a window.
      if (result.connection && answered) {
        outageStart ??= now();
        outageAttempts++;
        const elapsed = now() - outageStart;
        const windowMs = provider.connectionRetryWindowMs;
        if (elapsed >= windowMs) {
          yield {
            type: "error",
            error: {
              ...error,
              message: `${error.message} (the gateway stayed unreachable for ${Math.round(elapsed / 1000)} s; connection_retry_window_ms = ${windowMs})`,
            },
          };
          return;
        }
        const delayMs = Math.round(
          Math.min(windowMs - elapsed, MAX_OUTAGE_DELAY_MS, backoffMs(outageAttempts)),
        );
        log({ kind: "retry", attempt: outageAttempts, reason: error.message, delayMs });
        yield {
          type: "retry",
          attempt: outageAttempts,
          max: 0,
          reason: error.message,
          delayMs,
          window: { remainingMs: windowMs - elapsed, windowMs },
        };
        await sleep(delayMs, signal);
        continue;
      }
      // Only a broken stream says streaming is the problem; a connection that failed says nothing about it.
      const streamFault = error.kind === "stream" || error.kind === "timeout";
      let max: number;
      let count: number;
      if (streamFault && !buffered) {
        streamFailures++;
        if (streamFailures > provider.streamMaxRetries && profile.streamMode === "auto") {
          buffered = true;
          bufferedModels.add(req.model);
          log({ kind: "fallback", model: req.model, reason: error.message });
          yield {
            type: "notice",
            message: `streaming from ${req.model} failed ${streamFailures} times (${error.message}); switching to buffered requests (stream: false) for this model for the rest of the session`,
          };
          // Voids the broken stream; the notice above is what the user reads.
          yield {
            type: "retry",
            attempt: streamFailures,
            max: streamFailures,
            reason: error.message,
            delayMs: 0,
            quiet: true,
          };
          continue;
        }
        max = provider.streamMaxRetries;
        count = streamFailures;
      } else {
        requestFailures++;
        max = provider.requestMaxRetries;
        count = requestFailures;
      }
      if (count > max) {
        yield {
          type: "error",
          error: { ...error, message: `${error.message} (gave up after ${max} retries)` },
        };
        return;
      }
      const backoff = Math.min(MAX_DELAY_MS, backoffMs(count));
      const delayMs = Math.round(
        error.retryAfterSec !== undefined ? Math.min(error.retryAfterSec * 1000, 120_000) : backoff,
      );
      log({ kind: "retry", attempt: count, reason: error.message, delayMs });
      yield { type: "retry", attempt: count, max, reason: error.message, delayMs };
      await sleep(delayMs, signal);
    }
  }

  async function getJson(url: URL, signal: AbortSignal): Promise<unknown> {
    const invalid = providerProblem(provider, setting);
    if (invalid) throw new Error(invalid.message);
    for (const [k, v] of Object.entries(provider.queryParams)) url.searchParams.set(k, v);
    const ex = request(
      "GET",
      url,
      headers(false),
      undefined,
      provider.streamIdleTimeoutMs,
      signal,
      provider.requestMaxDurationMs,
    );
    const shown = redactUrl(url.toString());
    let res: import("node:http").IncomingMessage;
    try {
      res = await ex.response;
    } catch (error) {
      ex.close();
      const cause = ex.failure() ?? error;
      if (cause instanceof LimitError) throw new Error(limitMessage(cause, provider.id));
      const failure = transportError(cause, ex, provider.id);
      throw new GetJsonError(
        safe({ ...failure, message: connectMessage(shown, cause, setting) ?? `${shown}: ${failure.message}` })
          .message,
      );
    }
    try {
      const status = res.statusCode ?? 0;
      const text = await readText(
        res,
        ex,
        status >= 300 ? ERROR_BODY_BYTES : provider.responseMaxBytes,
        status >= 300 ? "cut" : "fail",
      );
      const json = isJson(text);
      if (!json) {
        const message = notOpenAiMessage(shown, status, res.headers["content-type"], text, setting);
        throw new GetJsonError(safe({ ...httpError(status, text, res.headers), message }).message, status);
      }
      answered = true;
      if (status >= 300) throw new GetJsonError(safe(httpError(status, text, res.headers)).message, status);
      return JSON.parse(text) as unknown;
    } catch (error) {
      if (error instanceof GetJsonError) throw error;
      const cause = ex.failure() ?? error;
      if (cause instanceof LimitError) throw new Error(limitMessage(cause, provider.id));
      throw new GetJsonError(safe(transportError(cause, ex, provider.id)).message);
    } finally {
      ex.close();
    }
  }

  async function listModels(signal: AbortSignal): Promise<string[]> {
    const parsed = (await getJson(endpoint("models"), signal)) as { data?: unknown[] } | unknown[];
    const list = Array.isArray(parsed) ? parsed : Array.isArray(parsed?.data) ? parsed.data : [];
    return list
      .map((m) => (typeof m === "string" ? m : (m as { id?: unknown })?.id))
      .filter((m): m is string => typeof m === "string" && m !== "");
  }

  return { stream, listModels, getJson, baseUrl: provider.baseUrl, answered: () => answered };
}

/** A discovery request that failed, with the HTTP status when the gateway answered one. Messages are redacted. */
export class GetJsonError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
