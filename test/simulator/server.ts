// HTTP server that answers like a LiteLLM proxy, driven by a Scenario script.
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import {
  type Answer,
  buildAnswer,
  DEFAULT_MODELS,
  errorBody,
  inBandErrorEvent,
  litellmHeaders,
  modelGroupInfo,
  modelInfo,
  modelResponse,
  modelsList,
  scriptedErrorBody,
  streamChunks,
} from "./dialect.ts";
import { DONE_FRAME, dataFrame, type Frame, type LoadedFixture, loadFixture } from "./fixtures.ts";
import {
  type Fault,
  isError,
  isFixture,
  loadScenario,
  type Scenario,
  type ScriptedResponse,
} from "./scenario.ts";
import {
  anthropicError,
  anthropicErrorEvent,
  anthropicMessage,
  anthropicStream,
} from "./upstream/anthropic.ts";
import { ollamaError, ollamaMessage, ollamaShow, ollamaStream } from "./upstream/ollama.ts";

export interface SimulatorOptions {
  scenario: Scenario | string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** When set, every route but /health/liveliness needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Receives one line per request. */
  log?: (line: string) => void;
}

export interface RecordedRequest {
  method: string;
  /** Raw request target, query string included. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  time: number;
}

export interface Simulator {
  /** `${origin}/v1`, what a client uses as its OpenAI base URL. */
  baseUrl: string;
  origin: string;
  requests: RecordedRequest[];
  /** Starts over with another scenario: its responses from the first, the request log emptied. */
  reset(scenario: Scenario | string): void;
  close(): Promise<void>;
}

/**
 * How one upstream API frames a stream. The simulator speaks LiteLLM's own dialect on /chat/completions and,
 * as a provider behind a real LiteLLM proxy, Anthropic's on /v1/messages and Ollama's on /api/chat.
 */
interface Wire {
  contentType: string;
  /** Written by the `malformed_after_chunks` fault. */
  malformed: string;
  /** Written by the `error_event_after_chunks` fault, which then ends the stream. */
  errorEvent: string;
}

const OPENAI_WIRE: Wire = {
  contentType: "text/event-stream",
  malformed: "data: {not json\n\n",
  errorEvent: `data: ${inBandErrorEvent()}\n\n`,
};
const ANTHROPIC_WIRE: Wire = {
  contentType: "text/event-stream",
  malformed: "event: content_block_delta\ndata: {not json\n\n",
  errorEvent: anthropicErrorEvent(),
};
const OLLAMA_WIRE: Wire = {
  contentType: "application/x-ndjson",
  malformed: "{not json\n",
  errorEvent: `${JSON.stringify({ error: "simulator: injected mid-stream error" })}\n`,
};

const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/** Per-response state; `signal` aborts when the response closes for any reason. */
interface Ctx {
  res: ServerResponse;
  signal: AbortSignal;
  pinger?: NodeJS.Timeout;
}

const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => {});

function stopPinger(ctx: Ctx): void {
  clearInterval(ctx.pinger);
  ctx.pinger = undefined;
}

/** Waits until everything written so far has left node's buffers, so destroy() loses nothing. */
async function drained(ctx: Ctx): Promise<void> {
  const socket = ctx.res.socket;
  for (let i = 0; i < 200 && socket && !socket.destroyed; i++) {
    await new Promise((r) => setImmediate(r));
    if (socket.writableLength === 0) return;
  }
}

/** Resolves once `res` has drained, or the request is aborted. */
function writable(res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (signal.aborted || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Applies hang/delay faults. Returns false when nothing more should be sent. */
async function beforeHeaders(ctx: Ctx, fault: Fault): Promise<boolean> {
  if (fault.hang_before_headers) return false;
  if (fault.delay_headers_ms) await sleep(fault.delay_headers_ms, ctx.signal);
  return !ctx.signal.aborted;
}

/** Writes `prefix`, then 16 KiB of `a` at a time until the client goes away (the endless_* faults). */
async function writeForever(ctx: Ctx, prefix: string, fault: Fault): Promise<void> {
  const { res, signal } = ctx;
  const piece = "a".repeat(16 * 1024);
  res.write(prefix);
  while (!signal.aborted && !res.destroyed) {
    if (!res.write(piece)) await writable(res, signal);
    await sleep(fault.chunk_delay_ms ?? 5, signal);
  }
}

async function sendBody(ctx: Ctx, headers: Record<string, string>, body: string, fault: Fault) {
  if (!(await beforeHeaders(ctx, fault))) return;
  const { res } = ctx;
  if (fault.endless_body) {
    res.writeHead(200, { "content-type": "application/json", ...headers });
    return writeForever(ctx, '{"choices":[{"index":0,"message":{"role":"assistant","content":"', fault);
  }
  const resetOrHang = fault.reset_after_chunks !== undefined || fault.hang_after_chunks !== undefined;
  if (!resetOrHang) return sendJson(res, 200, body, { "content-type": "application/json", ...headers });
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.flushHeaders();
  if (fault.reset_after_chunks === undefined) return;
  await drained(ctx);
  res.socket?.destroy();
}

async function sendStream(
  ctx: Ctx,
  headers: Record<string, string>,
  frames: Frame[],
  fault: Fault,
  wire: Wire = OPENAI_WIRE,
) {
  const { res, signal } = ctx;
  if (fault.ping_every_ms) {
    // LiteLLM's keep-alive flushes 200 before the upstream answers, so x-litellm-* are absent.
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    ctx.pinger = setInterval(() => res.write(": ping\n\n"), fault.ping_every_ms);
  }
  if (!(await beforeHeaders(ctx, fault))) return;
  if (!res.headersSent) {
    res.writeHead(200, { ...SSE_HEADERS, "content-type": wire.contentType, ...headers });
    res.flushHeaders();
  }
  let sent = 0;
  const fired = new Set<keyof Fault>();
  const due = (key: keyof Fault): boolean => {
    const n = fault[key];
    if (typeof n !== "number" || fired.has(key) || sent < n) return false;
    fired.add(key);
    return true;
  };
  // Returns true when the stream must stop here (error event, reset, hang).
  const checkpoint = async (): Promise<boolean> => {
    if (due("malformed_after_chunks")) res.write(wire.malformed);
    if (due("error_event_after_chunks")) {
      stopPinger(ctx);
      res.end(wire.errorEvent);
      return true;
    }
    if (due("endless_line_after_chunks")) {
      stopPinger(ctx);
      await writeForever(ctx, 'data: {"x":"', fault);
      return true;
    }
    if (due("reset_after_chunks")) {
      stopPinger(ctx);
      await drained(ctx);
      res.socket?.destroy();
      return true;
    }
    return due("hang_after_chunks");
  };
  let first = true;
  for (const frame of frames) {
    if (frame.done && fault.no_done) continue;
    if (await checkpoint()) return;
    if (!first && fault.chunk_delay_ms) await sleep(fault.chunk_delay_ms, signal);
    if (signal.aborted) return;
    first = false;
    if (frame.done) stopPinger(ctx);
    // Like a real gateway, the stream flows while it is produced: when the socket's buffer is full, wait
    // for it to drain (a loop of writes alone would keep the response corked until its end).
    if (!res.write(frame.text)) await writable(res, signal);
    if (!frame.done) sent++;
  }
  if (await checkpoint()) return;
  stopPinger(ctx);
  if (!fault.keep_open_after_done) res.end();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function describe(r: ScriptedResponse): string {
  if (isError(r)) return `HTTP ${r.status}`;
  if (isFixture(r)) return `fixture ${r.fixture}`;
  const parts = [
    r.reasoning ? "reasoning" : "",
    r.text ? "text" : "",
    r.tool_calls?.length ? `${r.tool_calls.length} tool call(s)` : "",
  ];
  return `answer (${parts.filter(Boolean).join(", ") || "empty"})`;
}

const ROUTES: Record<string, string> = {
  "/chat/completions": "POST",
  "/v1/chat/completions": "POST",
  "/models": "GET",
  "/v1/models": "GET",
  "/model/info": "GET",
  "/v1/model/info": "GET",
  "/model_group/info": "GET",
  "/health/liveliness": "GET",
  // Upstream provider APIs, for tests that put a real LiteLLM proxy in front of the simulator.
  "/v1/messages": "POST",
  "/api/chat": "POST",
  "/api/show": "POST",
};

/**
 * "openai" is a plain OpenAI upstream (the simulator's own routes under /openai/): LiteLLM's dialect without
 * what only LiteLLM adds (x-litellm-* headers, `usage.cost`), which a proxy in front would pass through.
 */
type Dialect = "litellm" | "openai" | "anthropic" | "ollama";

const OPENAI_PREFIX = "/openai";

function dialectOf(route: string, plainOpenai: boolean): Dialect {
  if (route === "/v1/messages") return "anthropic";
  if (route === "/api/chat") return "ollama";
  return plainOpenai ? "openai" : "litellm";
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  let scenario: Scenario = { responses: [] };
  const fixtures = new Map<string, LoadedFixture>();
  let models = DEFAULT_MODELS;
  const requests: RecordedRequest[] = [];
  let next = 0;
  let origin = "";
  const load = (s: Scenario | string) => {
    scenario = loadScenario(s);
    fixtures.clear();
    for (const r of scenario.responses) if (isFixture(r)) fixtures.set(r.fixture, loadFixture(r.fixture));
    models = scenario.models ?? DEFAULT_MODELS;
    requests.length = 0;
    next = 0;
  };
  load(opts.scenario);

  function unauthorized(req: IncomingMessage): object | undefined {
    if (opts.apiKey === undefined) return undefined;
    const header = req.headers.authorization ?? req.headers["x-litellm-api-key"] ?? req.headers["x-api-key"];
    const given = typeof header === "string" ? header.replace(/^Bearer\s+/i, "") : "";
    if (given === opts.apiKey) return undefined;
    if (!given) return errorBody(401, "Authentication Error, No api key passed in.", "auth_error");
    const hash = createHash("sha256").update(given).digest("hex");
    return errorBody(
      401,
      `Authentication Error, Invalid proxy server token passed. Received API Key = ${given.slice(0, 3)}...` +
        `${given.slice(-4)}, Key Hash (Token) =${hash}. Unable to find token in cache or ` +
        "`LiteLLM_VerificationTokenTable`",
      "token_not_found_in_db",
      "key",
    );
  }

  async function chat(
    ctx: Ctx,
    rec: RecordedRequest,
    note: (s: string) => void,
    dialect: Dialect,
  ): Promise<void> {
    const { res } = ctx;
    const body = rec.body;
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      note("400 invalid body");
      return sendJson(
        res,
        400,
        errorBody(400, "simulator: request body must be a JSON object", "invalid_request_error"),
      );
    }
    const model = typeof body.model === "string" ? body.model : (models[0]?.id ?? "sim-model");
    // Ollama streams unless told not to; the OpenAI and Anthropic APIs only when asked.
    const stream = dialect === "ollama" ? body.stream !== false : body.stream === true;
    const total = scenario.responses.length;
    if (next >= total) {
      note("500 scenario exhausted");
      const msg = `simulator: scenario exhausted (${total} responses scripted)`;
      return sendJson(res, 500, errorBody(500, msg));
    }
    const scripted = scenario.responses[next++];
    note(`model=${model} stream=${stream} -> #${next}/${total} ${describe(scripted)}`);
    const callHeader = rec.headers["x-litellm-call-id"];
    const callId = typeof callHeader === "string" ? callHeader : randomUUID();
    const apiBase = `${origin}/upstream`;
    if (isError(scripted)) {
      const fallback =
        dialect === "anthropic"
          ? anthropicError(scripted.status)
          : dialect === "ollama"
            ? ollamaError(scripted.status)
            : scriptedErrorBody(scripted.status, model);
      const errBody = scripted.body ?? fallback;
      return sendJson(res, scripted.status, errBody, { "x-litellm-call-id": callId, ...scripted.headers });
    }
    const fault = scripted.fault ?? {};
    const fixture = isFixture(scripted) ? fixtures.get(scripted.fixture) : undefined;
    let answer: Answer | undefined;
    if (!isFixture(scripted)) answer = buildAnswer(scripted, body, model);
    else if (fixture?.kind === "model_response") answer = buildAnswer(fixture.answer, body, model);
    const streamed = stream && fixture?.kind !== "json";
    const own = scripted.headers ?? {};
    const plain = dialect === "openai";
    const headers = plain
      ? own
      : { ...litellmHeaders(callId, model, apiBase, answer?.usage, streamed), ...own };
    if (fixture?.kind === "stream") return sendStream(ctx, headers, fixture.frames, fault);
    if (fixture?.kind === "json") return sendBody(ctx, headers, fixture.raw, fault);
    if (!stream && fixture?.kind === "model_response") return sendBody(ctx, headers, fixture.raw, fault);
    if (!answer) throw new Error("simulator: unreachable fixture kind");
    if (dialect === "anthropic") {
      if (!stream) return sendBody(ctx, own, JSON.stringify(anthropicMessage(answer)), fault);
      return sendStream(ctx, own, anthropicStream(answer), fault, ANTHROPIC_WIRE);
    }
    if (dialect === "ollama") {
      if (!stream) return sendBody(ctx, own, JSON.stringify(ollamaMessage(answer)), fault);
      return sendStream(ctx, own, ollamaStream(answer), fault, OLLAMA_WIRE);
    }
    if (!stream) return sendBody(ctx, headers, JSON.stringify(modelResponse(answer)), fault);
    return sendStream(ctx, headers, [...streamChunks(answer, !plain).map(dataFrame), DONE_FRAME], fault);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, ctx: Ctx): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const rec: RecordedRequest = { method, path, headers: { ...req.headers }, body, time: Date.now() };
    requests.push(rec);
    let what = "";
    const note = (s: string) => {
      what = s;
    };
    try {
      const url = new URL(path, origin);
      const plainOpenai = url.pathname.startsWith(`${OPENAI_PREFIX}/`);
      const route = url.pathname.slice(plainOpenai ? OPENAI_PREFIX.length : 0).replace(/(.)\/+$/, "$1");
      const allowed = ROUTES[route];
      if (!allowed) {
        note("404");
        return sendJson(
          res,
          404,
          errorBody(404, `simulator: no route ${method} ${url.pathname}`, "not_found_error"),
        );
      }
      if (allowed !== method) {
        note("405");
        return sendJson(
          res,
          405,
          errorBody(405, `simulator: ${route} expects ${allowed}`, "method_not_allowed"),
        );
      }
      if (route === "/health/liveliness") {
        note("200");
        return sendJson(res, 200, JSON.stringify("I'm alive!"), { "content-type": "application/json" });
      }
      const denied = unauthorized(req);
      if (denied) {
        note("401");
        return sendJson(res, 401, denied);
      }
      const dialect = dialectOf(route, plainOpenai);
      if (route.endsWith("/chat/completions") || dialect !== "litellm")
        return await chat(ctx, rec, note, dialect);
      note("200");
      if (route === "/api/show") return sendJson(res, 200, ollamaShow(models[0]?.max_input_tokens ?? 32768));
      if (route.endsWith("/models")) return sendJson(res, 200, modelsList(models));
      if (route.endsWith("/model/info")) return sendJson(res, 200, modelInfo(models));
      const group = url.searchParams.get("model_group");
      const groups = group ? models.filter((m) => m.id === group) : models;
      return sendJson(res, 200, modelGroupInfo(groups));
    } finally {
      opts.log?.(`${method} ${path} ${what}`);
    }
  }

  const server = createServer((req, res) => {
    const abort = new AbortController();
    const ctx: Ctx = { res, signal: abort.signal };
    res.on("close", () => {
      stopPinger(ctx);
      abort.abort();
    });
    handle(req, res, ctx).catch((err: Error) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, errorBody(500, `simulator: internal error: ${err.message}`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `${origin}/v1`,
    origin,
    requests,
    reset: load,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
