// Test helpers for the simulator tests: a minimal SSE reader over fetch and request shortcuts.
import type { Scenario } from "./scenario.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "./server.ts";

export interface SseEvent {
  /** The block exactly as received, trailing blank line included. */
  raw: string;
  /** `data:` payload (one leading space stripped); undefined for comment frames. */
  data?: string;
  /** Comment text after `:`, e.g. " ping". */
  comment?: string;
  json?: any;
}

export interface Collected {
  events: SseEvent[];
  /** Only data events (pings dropped). */
  data: SseEvent[];
  /** The body ended normally. */
  ended: boolean;
  /** Nothing arrived for `idleMs` (or `maxMs` passed); the reader was cancelled. */
  timedOut: boolean;
  /** The body read failed (e.g. socket destroyed mid-stream). */
  error?: unknown;
  text: string;
}

function parseBlock(raw: string): SseEvent {
  const ev: SseEvent = { raw };
  const data: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith(":")) ev.comment = line.slice(1);
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (data.length > 0) {
    ev.data = data.join("\n");
    try {
      ev.json = ev.data === "[DONE]" ? undefined : JSON.parse(ev.data);
    } catch {
      ev.json = undefined;
    }
  }
  return ev;
}

/** Reads an SSE body until it ends, fails, stays silent for `idleMs`, or `maxMs` pass. */
export async function collect(res: Response, idleMs = 1000, maxMs = 5000): Promise<Collected> {
  const deadline = Date.now() + maxMs;
  const out: Collected = { events: [], data: [], ended: false, timedOut: false, text: "" };
  if (!res.body) throw new Error("response has no body");
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const flush = (final: boolean) => {
    for (;;) {
      const m = /\r?\n\r?\n/.exec(buffer);
      if (!m) break;
      const raw = buffer.slice(0, m.index + m[0].length);
      buffer = buffer.slice(raw.length);
      out.events.push(parseBlock(raw));
    }
    if (final && buffer.trim() !== "") out.events.push(parseBlock(buffer));
  };
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<"idle">((r) => {
        timer = setTimeout(() => r("idle"), Math.max(0, Math.min(idleMs, deadline - Date.now())));
      });
      const next = await Promise.race([reader.read(), idle]).finally(() => clearTimeout(timer));
      if (next === "idle") {
        out.timedOut = true;
        await reader.cancel().catch(() => {});
        break;
      }
      if (next.done) {
        out.ended = true;
        break;
      }
      const piece = decoder.decode(next.value, { stream: true });
      out.text += piece;
      buffer += piece;
      flush(false);
    }
  } catch (err) {
    out.error = err;
  }
  flush(true);
  out.data = out.events.filter((e) => e.data !== undefined);
  return out;
}

/** Response JSON typed loosely, for assertions. */
export const json = (res: Response): Promise<any> => res.json();

export function chat(
  sim: Simulator,
  body: Record<string, unknown> = {},
  init: { headers?: Record<string, string>; signal?: AbortSignal; path?: string } = {},
): Promise<Response> {
  return fetch(`${sim.origin}${init.path ?? "/v1/chat/completions"}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...init.headers },
    body: JSON.stringify({
      model: "test-model",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
      ...body,
    }),
    signal: init.signal,
  });
}

/** Starts a simulator, runs `fn`, and always closes it. */
export async function withSim<T>(
  scenario: Scenario | string,
  fn: (sim: Simulator) => Promise<T>,
  opts: Omit<SimulatorOptions, "scenario"> = {},
): Promise<T> {
  const sim = await startSimulator({ scenario, ...opts });
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

/** Paths of every key whose value is null, e.g. ["choices.0.finish_reason"]. */
export function nullPaths(value: unknown, prefix = ""): string[] {
  if (value === null) return [prefix];
  if (typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    nullPaths(v, prefix ? `${prefix}.${k}` : k),
  );
}
