// An Agent against a scripted model: each request takes the next step of the script and is recorded (with a
// copy of its items, since the history is mutated later); in-process tools record how they were called.
import type { AgentOptions } from "../../src/agent/agent.ts";
import { Agent } from "../../src/agent/agent.ts";
import type { AgentEvent } from "../../src/protocol/events.ts";
import type { HistoryItem } from "../../src/protocol/items.ts";
import type { ModelEvent, ModelRequest, ModelResponse, StreamFn } from "../../src/protocol/model.ts";
import { ToolRegistry } from "../../src/tools/registry.ts";
import type { Tool, ToolContext, ToolResult } from "../../src/tools/types.ts";

/**
 * One model request: a response (defaults filled in), the exact events the stream yields, or a stream of its
 * own (to wait for the abort signal).
 */
export type Step =
  | Partial<ModelResponse>
  | ModelEvent[]
  | ((request: ModelRequest, signal: AbortSignal) => AsyncIterable<ModelEvent>);

export interface ToolCallRecord {
  name: string;
  args: Record<string, unknown>;
  callId: string;
}

export const response = (r: Partial<ModelResponse>): ModelResponse => ({
  text: "",
  reasoning: "",
  toolCalls: [],
  finishReason: "stop",
  ...r,
});

/** Resolves once `signal` is aborted (at once when it already is). */
export const untilAborted = (signal: AbortSignal): Promise<void> =>
  signal.aborted
    ? Promise.resolve()
    : new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));

/** A tool that runs in-process: `run` gives the output (default `name: <args as JSON>`). */
export function fakeTool(
  name: string,
  calls: ToolCallRecord[],
  log: string[],
  run?: (args: Record<string, unknown>, ctx: ToolContext) => Promise<ToolResult>,
): Tool {
  return {
    spec: {
      name,
      description: `test tool ${name}`,
      parameters: { type: "object", properties: { text: { type: "string" } } },
    },
    async execute(args, ctx) {
      calls.push({ name, args, callId: ctx.callId });
      log.push(`tool ${ctx.callId}`);
      return run ? run(args, ctx) : { output: `${name}: ${JSON.stringify(args)}` };
    },
  };
}

export interface Harness {
  agent: Agent;
  /** Every request the model got, items copied when it was made. */
  requests: ModelRequest[];
  /** `agent.contextUsed()` at the moment of each request. */
  contextAtRequest: number[];
  events: AgentEvent[];
  /** Event types, requests (`request N`) and tool runs (`tool <callId>`) in the order they happened. */
  log: string[];
  /** Calls the fake tools ran. */
  calls: ToolCallRecord[];
  /** Items passed to `onItem`. */
  recorded: HistoryItem[];
  controller: AbortController;
  tools: ToolRegistry;
  run(prompt?: string): ReturnType<Agent["runTurn"]>;
}

/**
 * The tools offered are the built-in ones plus `echo` (answers `echo: <args>`) and `wait` (waits for the
 * abort signal, then answers `interrupted`); `onEvent` sees each event after it is logged.
 */
export function scriptedAgent(
  script: Step[],
  options: { agent?: Partial<AgentOptions>; onEvent?: (e: AgentEvent, h: Harness) => void } = {},
): Harness {
  const requests: ModelRequest[] = [];
  const contextAtRequest: number[] = [];
  const events: AgentEvent[] = [];
  const log: string[] = [];
  const calls: ToolCallRecord[] = [];
  const recorded: HistoryItem[] = [];
  const controller = new AbortController();
  const tools = new ToolRegistry({
    envPolicy: { inherit: "all", ignoreDefaultExcludes: false, exclude: [], includeOnly: [], set: {} },
    extraTools: [
      fakeTool("echo", calls, log),
      fakeTool("wait", calls, log, async (_args, ctx) => {
        await untilAborted(ctx.signal);
        return { output: "interrupted", isError: true };
      }),
    ],
  });
  const stream: StreamFn = (request, signal) => {
    requests.push({ ...request, items: structuredClone(request.items) });
    contextAtRequest.push(h.agent.contextUsed());
    log.push(`request ${requests.length}`);
    const step = script.shift();
    if (!step) throw new Error(`script exhausted at request ${requests.length}`);
    if (typeof step === "function") return step(request, signal);
    const yielded: ModelEvent[] = Array.isArray(step) ? step : [{ type: "done", response: response(step) }];
    return (async function* () {
      yield* yielded;
    })();
  };
  const h: Harness = {
    agent: undefined as unknown as Agent,
    requests,
    contextAtRequest,
    events,
    log,
    calls,
    recorded,
    controller,
    tools,
    run: (prompt = "task") => h.agent.runTurn(prompt, controller.signal),
  };
  h.agent = new Agent({
    model: "m",
    instructions: "sys",
    stream,
    tools,
    cwd: "/w",
    writableRoots: [],
    emit: (e) => {
      events.push(e);
      log.push(e.type);
      options.onEvent?.(e, h);
    },
    onItem: (item) => recorded.push(structuredClone(item)),
    ...options.agent,
  });
  return h;
}
