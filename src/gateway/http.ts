// Minimal HTTP(S) POST/GET on node:http with an idle watchdog. One keep-alive agent per process so the
// turns of a session reuse the connection. Node's fetch is avoided: loading undici costs start-up time and
// its web streams add per-chunk work.
import http from "node:http";
import https from "node:https";
import { utf8Chunks } from "../util/utf8.ts";
import { LimitError } from "./limits.ts";

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

export function closeAgents(): void {
  agents["http:"].destroy();
  agents["https:"].destroy();
}

export class IdleTimeoutError extends Error {
  constructor(
    readonly ms: number,
    readonly phase: "headers" | "body",
  ) {
    super(phase === "headers" ? `no response headers within ${ms} ms` : `stream idle for more than ${ms} ms`);
  }
}

export class AbortedError extends Error {
  constructor() {
    super("request aborted");
  }
}

export interface HttpExchange {
  response: Promise<http.IncomingMessage>;
  /** Call on every byte received; resets the idle watchdog. */
  touch(): void;
  /** Tightens the watchdog (used after the final chunk to wait only briefly for `[DONE]`). */
  setIdleLimit(ms: number): void;
  /** Ends the exchange (socket destroyed, timers cleared). Safe to call twice. */
  close(error?: Error): void;
  /** Resolves with the error that ended the exchange early (idle timeout, abort), if any. */
  failure(): Error | undefined;
}

/**
 * One request. Ends with IdleTimeoutError after `idleMs` without a byte (or without headers), and with a
 * LimitError once it has lasted `maxDurationMs` in all, bytes flowing or not (pings forever, a trickle).
 */
export function request(
  method: "GET" | "POST",
  url: URL,
  headers: Record<string, string>,
  body: string | readonly Buffer[] | undefined,
  idleMs: number,
  signal: AbortSignal,
  maxDurationMs = Number.POSITIVE_INFINITY,
): HttpExchange {
  const lib = url.protocol === "https:" ? https : http;
  const agent = agents[url.protocol as "http:" | "https:"];
  const started = Date.now();
  let last = started;
  let limit = idleMs;
  let phase: "headers" | "body" = "headers";
  let failed: Error | undefined;
  // Encoded once, up front (src/util/utf8.ts); the length is the chunks'.
  const payload = typeof body === "string" ? utf8Chunks(body) : body;
  const req = lib.request(url, {
    method,
    agent,
    headers:
      payload === undefined
        ? headers
        : { ...headers, "content-length": String(payload.reduce((n, c) => n + c.length, 0)) },
  });
  const fail = (error: Error) => {
    if (failed) return;
    failed = error;
    req.destroy(error);
  };
  const watchdog = setInterval(
    () => {
      const now = Date.now();
      if (now - started > maxDurationMs) fail(new LimitError("request_max_duration_ms", maxDurationMs));
      else if (now - last > limit) fail(new IdleTimeoutError(limit === idleMs ? idleMs : limit, phase));
    },
    Math.max(10, Math.min(1000, Math.floor(Math.min(idleMs, maxDurationMs) / 4))),
  );
  watchdog.unref();
  const onAbort = () => fail(new AbortedError());
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  const cleanup = () => {
    clearInterval(watchdog);
    signal.removeEventListener("abort", onAbort);
  };
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on("response", (res) => {
      phase = "body";
      last = Date.now();
      res.on("close", cleanup);
      resolve(res);
    });
    req.on("error", (error) => {
      cleanup();
      reject(failed ?? error);
    });
  });
  // Keep unhandled-rejection noise away when the caller stops listening after close().
  response.catch(() => {});
  for (const chunk of payload?.slice(0, -1) ?? []) req.write(chunk);
  req.end(payload?.at(-1));
  return {
    response,
    touch: () => {
      last = Date.now();
    },
    setIdleLimit: (ms) => {
      limit = Math.min(limit, ms);
    },
    close: (error) => {
      cleanup();
      if (error) fail(error);
      else req.destroy();
    },
    failure: () => failed,
  };
}

/**
 * Reads a whole body as text, at most `cap` bytes. Past the cap, `overflow: "cut"` stops reading and returns
 * what came (error bodies: enough to show); `"fail"` throws LimitError (answers: a cut one is useless).
 */
export async function readText(
  res: http.IncomingMessage,
  ex: HttpExchange,
  cap: number,
  overflow: "cut" | "fail",
): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    ex.touch();
    if (bytes + chunk.length > cap) {
      if (overflow === "fail") throw new LimitError("response_max_bytes", cap);
      chunks.push(chunk.subarray(0, cap - bytes));
      break;
    }
    chunks.push(chunk);
    bytes += chunk.length;
  }
  return Buffer.concat(chunks).toString("utf8");
}
