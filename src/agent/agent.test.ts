// The Agent's turn loop against a scripted model stream: events and their order, the history it replays, tool
// dispatch, and the per-turn limits. Ends of a turn (abort, failure), usage and nudges: agent-loop.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { response, scriptedAgent } from "../../test/helpers/agent.ts";
import { usage } from "../../test/helpers/usage.ts";
import type { AgentEvent } from "../protocol/events.ts";
import { assistantMessage, userMessage } from "../protocol/items.ts";
import type { ModelEvent, StreamFn } from "../protocol/model.ts";
import { ToolRegistry } from "../tools/registry.ts";
import { Agent } from "./agent.ts";

test("a gateway retry voids what was streamed: stream_reset comes before the retry and the new text", async () => {
  const stream: StreamFn = async function* () {
    yield { type: "text_delta", delta: "partial answ" } satisfies ModelEvent;
    yield { type: "retry", attempt: 1, max: 3, reason: "stream reset", delayMs: 0 } satisfies ModelEvent;
    yield { type: "text_delta", delta: "whole answer" } satisfies ModelEvent;
    yield {
      type: "done",
      response: { text: "whole answer", reasoning: "", toolCalls: [], finishReason: "stop" },
    } satisfies ModelEvent;
  };
  const events: AgentEvent[] = [];
  const agent = new Agent({
    model: "m",
    instructions: "sys",
    stream,
    tools: new ToolRegistry({
      envPolicy: { inherit: "all", ignoreDefaultExcludes: false, exclude: [], includeOnly: [], set: {} },
    }),
    cwd: "/w",
    writableRoots: [],
    emit: (e) => events.push(e),
  });
  await agent.runTurn("hi", new AbortController().signal);
  const kinds = events
    .map((e) => e.type)
    .filter((t) => ["agent_message_delta", "stream_reset", "retry", "agent_message"].includes(t));
  assert.deepEqual(kinds, [
    "agent_message_delta",
    "stream_reset",
    "retry",
    "agent_message_delta",
    "agent_message",
  ]);
  const final = events.find((e) => e.type === "agent_message");
  assert.equal(final?.type === "agent_message" && final.text, "whole answer");
});

test("a tool-call loop: the tool runs with the parsed arguments, its output follows the call, then the answer", async () => {
  const h = scriptedAgent([
    [
      { type: "text_delta", delta: "Let me echo." },
      { type: "tool_call_begin", index: 0, id: "c1", name: "echo" },
      {
        type: "done",
        response: response({
          text: "Let me echo.",
          toolCalls: [{ id: "c1", name: "echo", arguments: '{"text":"hi"}' }],
          usage: usage(100, 10),
        }),
      },
    ],
    { text: "Echoed hi.", usage: usage(150, 5) },
  ]);
  const outcome = await h.run("echo hi");
  assert.deepEqual(outcome, { status: "completed", lastMessage: "Echoed hi." });
  assert.deepEqual(h.calls, [{ name: "echo", args: { text: "hi" }, callId: "c1" }]);
  assert.deepEqual(h.log, [
    "turn_started",
    "request 1",
    "agent_message_delta",
    "token_count",
    "agent_message",
    "tool c1",
    "request 2",
    "token_count",
    "agent_message",
    "turn_complete",
  ]);
  assert.equal(h.requests.length, 2);
  assert.deepEqual(h.requests[0].items, [userMessage("echo hi")]);
  assert.deepEqual(h.requests[1].items, [
    userMessage("echo hi"),
    assistantMessage("Let me echo."),
    { type: "function_call", call_id: "c1", name: "echo", arguments: '{"text":"hi"}' },
    { type: "function_call_output", call_id: "c1", output: 'echo: {"text":"hi"}' },
  ]);
  assert.ok(h.requests[1].tools.some((t) => t.name === "echo"));
  const complete = h.events.at(-1);
  assert.deepEqual(complete, { type: "turn_complete", lastMessage: "Echoed hi.", usage: usage(250, 15) });
  assert.deepEqual(
    h.events.filter((e) => e.type === "agent_message").map((e) => e.type === "agent_message" && e.text),
    ["Let me echo.", "Echoed hi."],
  );
});

test("history replays reasoning (with its provider fields), text, both calls, then both outputs in call order", async () => {
  const thinkingBlocks = [{ type: "thinking" as const, thinking: "t", signature: "sig" }];
  const details = [{ type: "reasoning.text", text: "d" }];
  const h = scriptedAgent([
    {
      reasoning: "think",
      reasoningContent: "rc",
      thinkingBlocks,
      reasoningDetails: details,
      text: "Two calls.",
      rawContent: "<think>t</think>Two calls.",
      toolCalls: [
        { id: "c1", name: "echo", arguments: '{"text":"a"}', provider_specific_fields: { sig: "x" } },
        { id: "c2", name: "echo", arguments: '{"text":"b"}' },
      ],
    },
    { text: "done" },
  ]);
  await h.run();
  const expected = [
    userMessage("task"),
    {
      type: "reasoning",
      text: "think",
      reasoning_content: "rc",
      thinking_blocks: thinkingBlocks,
      reasoning_details: details,
    },
    {
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: "Two calls." }],
      raw_content: "<think>t</think>Two calls.",
    },
    {
      type: "function_call",
      call_id: "c1",
      name: "echo",
      arguments: '{"text":"a"}',
      provider_specific_fields: { sig: "x" },
    },
    { type: "function_call", call_id: "c2", name: "echo", arguments: '{"text":"b"}' },
    { type: "function_call_output", call_id: "c1", output: 'echo: {"text":"a"}' },
    { type: "function_call_output", call_id: "c2", output: 'echo: {"text":"b"}' },
  ];
  assert.deepEqual(h.requests[1].items, expected);
  assert.deepEqual(
    h.calls.map((c) => c.callId),
    ["c1", "c2"],
  );
  assert.deepEqual(h.agent.history, [...expected, assistantMessage("done")]);
  assert.deepEqual(h.recorded, h.agent.history, "onItem saw every item, in order");
  const reasoning = h.events.filter((e) => e.type === "reasoning");
  assert.deepEqual(reasoning, [{ type: "reasoning", text: "think" }]);
  assert.ok(
    h.log.indexOf("reasoning") < h.log.indexOf("agent_message"),
    "the reasoning is shown before the message",
  );
});

test("provider reasoning fields without reasoning text are still kept for replay, and nothing is shown", async () => {
  const h = scriptedAgent([
    { reasoningContent: "", thinkingBlocks: [{ type: "redacted_thinking", data: "opaque" }], text: "Hi." },
  ]);
  await h.run();
  assert.deepEqual(h.agent.history.slice(1), [
    {
      type: "reasoning",
      text: "",
      reasoning_content: "",
      thinking_blocks: [{ type: "redacted_thinking", data: "opaque" }],
    },
    assistantMessage("Hi."),
  ]);
  assert.ok(!h.events.some((e) => e.type === "reasoning"));
});

test("arguments that are not JSON: the tool is not run, the model is told, the replayed arguments are {}", async () => {
  const h = scriptedAgent([
    { toolCalls: [{ id: "bad", name: "echo", arguments: '{"text": "unterminated' }] },
    { text: "ok" },
  ]);
  await h.run();
  assert.deepEqual(h.calls, []);
  const [, call, output] = h.requests[1].items;
  assert.deepEqual(call, { type: "function_call", call_id: "bad", name: "echo", arguments: "{}" });
  assert.equal(output.type, "function_call_output");
  assert.match(
    output.type === "function_call_output" ? output.output : "",
    /^echo: arguments are not valid JSON/,
  );
  assert.ok(h.events.some((e) => e.type === "tool_error" && e.callId === "bad"));
});

test("arguments past tool_arguments_max_bytes: that call is not run, the model is told, its arguments replay as {}", async () => {
  const h = scriptedAgent([
    {
      toolCalls: [
        { id: "big", name: "echo", arguments: "{}", tooLarge: { bytes: 2_000_000, limit: 1_000_000 } },
        { id: "small", name: "echo", arguments: '{"text":"s"}' },
      ],
    },
    { text: "split it" },
  ]);
  const outcome = await h.run();
  assert.deepEqual(outcome, { status: "completed", lastMessage: "split it" });
  assert.deepEqual(
    h.calls.map((c) => c.callId),
    ["small"],
    "only the call within the limit ran",
  );
  const error = h.events.find((e) => e.type === "tool_error");
  assert.ok(error?.type === "tool_error");
  assert.equal(error.callId, "big");
  assert.equal(error.name, "echo");
  assert.match(error.message, /^echo: the arguments of this call \(2000000 bytes\) exceeded 1000000 bytes/);
  assert.match(error.message, /\(tool_arguments_max_bytes\)/);
  assert.match(error.message, /the call was not run/);
  assert.deepEqual(h.requests[1].items.slice(1), [
    { type: "function_call", call_id: "big", name: "echo", arguments: "{}" },
    { type: "function_call", call_id: "small", name: "echo", arguments: '{"text":"s"}' },
    { type: "function_call_output", call_id: "big", output: error.message },
    { type: "function_call_output", call_id: "small", output: 'echo: {"text":"s"}' },
  ]);
});

test("max_requests_per_turn: a model that always calls a tool is stopped after N requests, and the turn says so", async () => {
  const call = (n: number) => ({ toolCalls: [{ id: `c${n}`, name: "echo", arguments: `{"text":"${n}"}` }] });
  const h = scriptedAgent([call(1), call(2), call(3), { text: "never asked" }], {
    agent: { maxRequestsPerTurn: 3 },
  });
  const outcome = await h.run();
  const message =
    "stopped after 3 model requests in one turn without a final answer (max_requests_per_turn = 3; raise it with -c max_requests_per_turn=N)";
  assert.deepEqual(outcome, { status: "failed", message });
  assert.equal(h.requests.length, 3);
  assert.deepEqual(
    h.calls.map((c) => c.callId),
    ["c1", "c2", "c3"],
    "the last request's tool still ran",
  );
  assert.deepEqual(h.events.slice(-2), [
    { type: "error", message },
    { type: "turn_failed", message, usage: h.agent.totalUsage },
  ]);
  assert.ok(!h.events.some((e) => e.type === "turn_complete"));
});
