// The Agent's turn loop, continued: how a turn ends when it is aborted or the gateway fails, what it counts
// (usage, context), and the nudges it sends a model that stops early. See agent.test.ts for the loop itself.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { scriptedAgent, untilAborted } from "../../test/helpers/agent.ts";
import { usage } from "../../test/helpers/usage.ts";
import type { AgentEvent } from "../protocol/events.ts";
import { messageText, userMessage } from "../protocol/items.ts";
import type { GatewayError, ModelEvent, ModelRequest, Usage } from "../protocol/model.ts";
import { estimateFixedTokens, estimateItemsTokens, estimateItemTokens } from "./context.ts";

const ends = ["turn_complete", "turn_failed", "turn_aborted"];
const endsOf = (events: AgentEvent[]) => events.filter((e) => ends.includes(e.type));

describe("abort", () => {
  // How a stream may end once its signal is aborted: the client's `aborted` error, another error raised by the
  // cancelled fetch, or no final event at all.
  const endings: [string, ModelEvent[]][] = [
    [
      "an aborted error",
      [{ type: "error", error: { kind: "aborted", message: "aborted", retryable: false } }],
    ],
    [
      "a network error",
      [{ type: "error", error: { kind: "network", message: "socket hang up", retryable: true } }],
    ],
    ["no final event", []],
  ];
  for (const [name, ending] of endings) {
    test(`mid-answer, the stream ending with ${name}: turn_aborted, outcome aborted, nothing recorded`, async () => {
      const midAnswer = async function* (_r: ModelRequest, signal: AbortSignal) {
        yield { type: "text_delta", delta: "Half an ans" } satisfies ModelEvent;
        await untilAborted(signal);
        yield* ending;
      };
      const h = scriptedAgent([midAnswer], {
        onEvent: (e, h) => {
          if (e.type === "agent_message_delta") h.controller.abort();
        },
      });
      const outcome = await h.run();
      assert.deepEqual(outcome, { status: "aborted" });
      assert.deepEqual(h.log, ["turn_started", "request 1", "agent_message_delta", "turn_aborted"]);
      assert.deepEqual(h.events.at(-1), {
        type: "turn_aborted",
        reason: "interrupted",
        usage: h.agent.totalUsage,
      });
      assert.deepEqual(h.agent.history, [userMessage("task")]);
    });
  }

  test("while a tool runs: its output is kept, the next call is not run, no further request", async () => {
    const h = scriptedAgent([
      {
        toolCalls: [
          { id: "w1", name: "wait", arguments: "{}" },
          { id: "c2", name: "echo", arguments: '{"text":"x"}' },
        ],
      },
    ]);
    const running = h.run();
    // `wait` is running (it returns only when aborted) once the call is recorded.
    await waitFor(() => h.calls.length === 1);
    h.controller.abort();
    assert.deepEqual(await running, { status: "aborted" });
    assert.deepEqual(
      h.calls.map((c) => c.callId),
      ["w1"],
    );
    assert.equal(h.requests.length, 1);
    assert.deepEqual(endsOf(h.events), [
      { type: "turn_aborted", reason: "interrupted", usage: h.agent.totalUsage },
    ]);
    assert.deepEqual(h.agent.history.at(-1), {
      type: "function_call_output",
      call_id: "w1",
      output: "interrupted",
    });
  });

  test("while the last tool of a response runs: the turn ends there, no further request", async () => {
    const h = scriptedAgent([
      { toolCalls: [{ id: "w1", name: "wait", arguments: "{}" }] },
      { text: "too late" },
    ]);
    const running = h.run();
    await waitFor(() => h.calls.length === 1);
    h.controller.abort();
    assert.deepEqual(await running, { status: "aborted" });
    assert.equal(h.requests.length, 1);
    assert.deepEqual(
      endsOf(h.events).map((e) => e.type),
      ["turn_aborted"],
    );
  });
});

/** Lets pending microtasks and I/O callbacks run until `done()` (the tool has started); no timers. */
async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(done(), "condition never became true");
}

describe("gateway failure", () => {
  const boom: GatewayError = {
    kind: "http",
    status: 500,
    message: "500 Internal Server Error: boom",
    retryable: false,
  };

  test("an error event: error then turn_failed with its message, the announced tool call never runs", async () => {
    const h = scriptedAgent([
      [
        { type: "text_delta", delta: "Running" },
        { type: "tool_call_begin", index: 0, id: "c1", name: "echo" },
        { type: "error", error: boom },
      ],
    ]);
    const outcome = await h.run();
    assert.deepEqual(outcome, { status: "failed", message: boom.message });
    assert.deepEqual(h.calls, []);
    assert.deepEqual(h.log, ["turn_started", "request 1", "agent_message_delta", "error", "turn_failed"]);
    assert.deepEqual(h.events.slice(-2), [
      { type: "error", message: boom.message },
      { type: "turn_failed", message: boom.message, usage: h.agent.totalUsage },
    ]);
    assert.deepEqual(h.agent.history, [userMessage("task")]);
  });

  test("a stream that ends without done or error fails the turn; earlier tool output stays in history", async () => {
    const h = scriptedAgent([{ toolCalls: [{ id: "c1", name: "echo", arguments: "{}" }] }, []]);
    const outcome = await h.run();
    const message = "the gateway stream ended without a response";
    assert.deepEqual(outcome, { status: "failed", message });
    assert.deepEqual(endsOf(h.events), [{ type: "turn_failed", message, usage: h.agent.totalUsage }]);
    assert.equal(h.agent.history.at(-1)?.type, "function_call_output");
  });
});

describe("usage and context accounting", () => {
  test("totalUsage sums every response; contextUsed is the last reported count plus estimates of what came after", async () => {
    const first: Usage = {
      input_tokens: 1000,
      cached_input_tokens: 200,
      cache_write_input_tokens: 50,
      output_tokens: 40,
      reasoning_output_tokens: 10,
      total_tokens: 1040,
    };
    const h = scriptedAgent([
      { text: "looking", toolCalls: [{ id: "c1", name: "echo", arguments: '{"text":"hi"}' }], usage: first },
      // No prompt count (some gateways send only completion tokens): it is summed but measures nothing.
      { toolCalls: [{ id: "c2", name: "echo", arguments: '{"text":"again"}' }], usage: usage(0, 5) },
      { text: "done", usage: usage(1200, 30), model: "m-fallback", cost: 0.25 },
    ]);
    const before = estimateFixedTokens("sys", h.tools.specs()) + estimateItemsTokens([userMessage("task")]);
    await h.run();
    assert.deepEqual(h.agent.totalUsage, {
      input_tokens: 2200,
      cached_input_tokens: 200,
      cache_write_input_tokens: 50,
      output_tokens: 75,
      reasoning_output_tokens: 10,
      total_tokens: 2275,
    });
    const history = h.agent.history;
    // history: user, assistant "looking", call c1, output c1, call c2, output c2, assistant "done"
    assert.deepEqual(h.contextAtRequest, [
      before,
      1040 + estimateItemTokens(history[3]),
      1040 + estimateItemsTokens(history.slice(3, 6)),
    ]);
    assert.equal(h.agent.contextUsed(), 1230, "the last response's count covers everything");
    const counts = h.events.filter((e) => e.type === "token_count");
    assert.equal(counts.length, 3);
    assert.deepEqual(counts[2], {
      type: "token_count",
      last: usage(1200, 30),
      total: h.agent.totalUsage,
      contextWindow: 130_000,
      contextUsed: 1230,
      model: "m-fallback",
      cost: 0.25,
    });
    assert.deepEqual(
      counts.map((e) => e.type === "token_count" && [e.total.input_tokens, e.model]),
      [
        [1000, "m"],
        [1000, "m"],
        [2200, "m-fallback"],
      ],
    );
  });
});

describe("auto-continue in the loop", () => {
  test("an empty answer after tool work is nudged with a user message, and the turn goes on to the answer", async () => {
    const h = scriptedAgent([
      { toolCalls: [{ id: "c1", name: "echo", arguments: "{}" }] },
      { text: "" },
      { text: "All done." },
    ]);
    const outcome = await h.run("fix it");
    assert.deepEqual(outcome, { status: "completed", lastMessage: "All done." });
    assert.equal(h.requests.length, 3);
    const nudge = h.requests[2].items.at(-1);
    assert.ok(nudge?.type === "message" && nudge.role === "user");
    assert.match(messageText(nudge), /^Continue working on the task.*\n\nOriginal request: fix it$/s);
    assert.deepEqual(
      h.events.filter((e) => e.type === "auto_continue"),
      [{ type: "auto_continue", reason: "empty_after_tools", attempt: 1, max: 3 }],
    );
    assert.deepEqual(h.recorded.at(-2), nudge, "the nudge is recorded in the session");
  });

  test("maxAutoContinues 0: the empty answer ends the turn", async () => {
    const h = scriptedAgent([{ toolCalls: [{ id: "c1", name: "echo", arguments: "{}" }] }, { text: "" }], {
      agent: { maxAutoContinues: 0 },
    });
    assert.deepEqual(await h.run(), { status: "completed", lastMessage: null });
    assert.equal(h.requests.length, 2);
    assert.ok(!h.events.some((e) => e.type === "auto_continue"));
  });
});
