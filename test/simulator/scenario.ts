// Scenario format for the gateway simulator. JSON scenario files use exactly these shapes.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface ScenarioModel {
  id: string;
  max_input_tokens?: number;
  max_output_tokens?: number;
  /** Reported as LiteLLM reports it: false unless the scenario says true. */
  supports_vision?: boolean;
}

/** Misbehaviour injected into one response. "chunks"/"events" count data events, never pings. */
export interface Fault {
  /** Accept the request and never answer (until the client disconnects or the server closes). */
  hang_before_headers?: boolean;
  delay_headers_ms?: number;
  /** Send N data events, then go silent with the socket open (pings continue if enabled). */
  hang_after_chunks?: number;
  /** Send N data events, then destroy the socket. Non-streaming: headers, then destroy. */
  reset_after_chunks?: number;
  /** End the body without `data: [DONE]`. */
  no_done?: boolean;
  /** Send `data: [DONE]` but never end the response. */
  keep_open_after_done?: boolean;
  /** Inject `data: {not json` after N data events, then carry on. */
  malformed_after_chunks?: number;
  /** Send LiteLLM's in-band error event after N data events, then end without [DONE]. */
  error_event_after_chunks?: number;
  /**
   * Write `: ping\n\n` comment frames every N ms. As with LiteLLM's keep-alive, 200 headers are
   * flushed at once (without x-litellm-* headers) and pings fill any header delay or hang.
   */
  ping_every_ms?: number;
  /** Delay before every data event after the first. */
  chunk_delay_ms?: number;
  /**
   * After N data events, one event that never ends: `data: {"x":"aaaa…` in 16 KiB writes, without a newline,
   * until the client disconnects. Paced by `chunk_delay_ms` (default 5 ms), so a client without a cap grows
   * slowly enough for a test to time out rather than exhaust the machine.
   */
  endless_line_after_chunks?: number;
  /** Non-streaming: 200 headers, then a JSON body that never ends (16 KiB writes, paced as above). */
  endless_body?: boolean;
}

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** Objects are JSON-encoded. */
  arguments: string | object;
  provider_specific_fields?: object;
}

export interface ScriptedUsage {
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens?: number;
  cached_tokens?: number;
  /** Prompt tokens written to the cache, sent as LiteLLM relays Anthropic's (`cache_creation_input_tokens`). */
  cache_creation_tokens?: number;
}

export interface ScriptedAnswer {
  text?: string;
  reasoning?: string;
  reasoning_field?: "reasoning_content" | "reasoning";
  tool_calls?: ScriptedToolCall[];
  /** Default: estimated from sizes. false: no usage chunk (and no usage in JSON answers). */
  usage?: ScriptedUsage | false;
  /** Default: "tool_calls" when tool_calls is non-empty, else "stop". */
  finish_reason?: string;
  /** Characters per content/reasoning/arguments delta. */
  chunk_size?: number;
  headers?: Record<string, string>;
  /** Overrides the echoed request model. */
  model?: string;
  fault?: Fault;
}

export interface ScriptedFixture {
  /** File name in test/fixtures/recorded or an absolute path. */
  fixture: string;
  headers?: Record<string, string>;
  fault?: Fault;
}

export interface ScriptedError {
  status: number;
  /** Default: LiteLLM's {"error":{"message","type","param","code":"<status>"}}. */
  body?: object | string;
  headers?: Record<string, string>;
}

export type ScriptedResponse = ScriptedAnswer | ScriptedFixture | ScriptedError;

export interface Scenario {
  /** Default: one model, "sim-model". */
  models?: ScenarioModel[];
  responses: ScriptedResponse[];
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const recordedDir = resolve(repoRoot, "test/fixtures/recorded");
export const scenariosDir = resolve(dirname(fileURLToPath(import.meta.url)), "scenarios");

export function isFixture(r: ScriptedResponse): r is ScriptedFixture {
  return "fixture" in r;
}

export function isError(r: ScriptedResponse): r is ScriptedError {
  return "status" in r;
}

export function resolveFixturePath(name: string): string {
  return isAbsolute(name) ? name : resolve(recordedDir, name);
}

const FAULT_KEYS = new Set([
  "hang_before_headers",
  "delay_headers_ms",
  "hang_after_chunks",
  "reset_after_chunks",
  "no_done",
  "keep_open_after_done",
  "malformed_after_chunks",
  "error_event_after_chunks",
  "ping_every_ms",
  "chunk_delay_ms",
  "endless_line_after_chunks",
  "endless_body",
]);

/** Reads a scenario file (or takes an object) and rejects shapes the server would misread. */
export function loadScenario(source: Scenario | string): Scenario {
  const where = typeof source === "string" ? source : "scenario";
  const scenario: Scenario = typeof source === "string" ? JSON.parse(readFileSync(source, "utf8")) : source;
  const fail = (msg: string): never => {
    throw new Error(`simulator: invalid ${where}: ${msg}`);
  };
  if (!scenario || !Array.isArray(scenario.responses)) fail("`responses` must be an array");
  if (scenario.models !== undefined) {
    if (!Array.isArray(scenario.models)) fail("`models` must be an array");
    for (const m of scenario.models ?? []) if (typeof m?.id !== "string") fail("every model needs an `id`");
  }
  scenario.responses.forEach((r, i) => {
    if (!r || typeof r !== "object") fail(`responses[${i}] must be an object`);
    if (isError(r) && (!Number.isInteger(r.status) || r.status < 100 || r.status > 599))
      fail(`responses[${i}].status must be an HTTP status`);
    if (isFixture(r) && typeof r.fixture !== "string") fail(`responses[${i}].fixture must be a file name`);
    if (!isError(r) && !isFixture(r)) {
      for (const [j, t] of (r.tool_calls ?? []).entries())
        if (typeof t?.name !== "string") fail(`responses[${i}].tool_calls[${j}] needs a \`name\``);
    }
    const fault = (r as { fault?: Fault }).fault;
    for (const key of Object.keys(fault ?? {}))
      if (!FAULT_KEYS.has(key)) fail(`responses[${i}].fault has unknown key \`${key}\``);
  });
  return scenario;
}
