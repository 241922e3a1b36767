import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { usage } from "../../test/helpers/usage.ts";
import type { AgentEvent } from "../protocol/events.ts";
import type { HistoryItem } from "../protocol/items.ts";
import { assistantMessage, messageText, userMessage } from "../protocol/items.ts";
import type { GatewayError, ModelEvent, ModelRequest, ModelResponse, StreamFn } from "../protocol/model.ts";
import { ToolRegistry } from "../tools/registry.ts";
import { Agent } from "./agent.ts";
import {
  isSummaryMessage,
  realUserMessages,
  SUMMARY_PREFIX,
  summaryHistory,
  transcriptEntries,
} from "./compact.ts";
import { autoCompactLimit, estimateFixedTokens, estimateItemsTokens, truncateMiddle } from "./context.ts";
import { environmentContext } from "./instructions.ts";

type Scripted = Partial<ModelResponse> | { error: GatewayError };

/** A stream that answers from a script and records every request. */
function scriptedStream(script: Scripted[]): { stream: StreamFn; requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  const stream: StreamFn = async function* (request) {
    requests.push(structuredClone(request));
    const next = script.shift();
    if (!next) throw new Error("script exhausted");
    if ("error" in next && next.error) {
      yield { type: "error", error: next.error } satisfies ModelEvent;
      return;
    }
    const r = next as Partial<ModelResponse>;
    yield {
      type: "done",
      response: { text: "", reasoning: "", toolCalls: [], finishReason: "stop", ...r },
    } satisfies ModelEvent;
  };
  return { stream, requests };
}

const contextWindowError: GatewayError = {
  kind: "context_window",
  status: 400,
  message: "litellm.ContextWindowExceededError: too long",
  retryable: false,
};

const planCall = (id: string) => ({
  id,
  name: "update_plan",
  arguments: JSON.stringify({ plan: [{ step: "x", status: "pending" }] }),
});

const ctx = environmentContext({
  cwd: "/w",
  shell: "bash",
  approvalPolicy: "never",
  sandboxMode: "workspace-write",
  networkAccess: false,
});

const tools = () =>
  new ToolRegistry({
    envPolicy: { inherit: "all", ignoreDefaultExcludes: false, exclude: [], includeOnly: [], set: {} },
  });

function makeAgent(script: Scripted[], extra: Partial<ConstructorParameters<typeof Agent>[0]> = {}) {
  const { stream, requests } = scriptedStream(script);
  const events: AgentEvent[] = [];
  const compactions: { summary: string; items: HistoryItem[] }[] = [];
  const agent = new Agent({
    model: "m",
    instructions: "sys",
    stream,
    tools: tools(),
    cwd: "/w",
    writableRoots: [],
    emit: (e) => events.push(e),
    initialContext: [ctx],
    onCompacted: (summary, items) => compactions.push({ summary, items }),
    ...extra,
  });
  return { agent, requests, events, compactions };
}

const texts = (req: ModelRequest) =>
  req.items.map((i) => (i.type === "message" ? messageText(i) : `<${i.type}>`));

describe("compaction helpers", () => {
  test("summaryHistory keeps context, the newest user messages within budget, then the summary", () => {
    const history: HistoryItem[] = [
      ctx,
      userMessage("a".repeat(400)),
      assistantMessage("reply"),
      userMessage(`${SUMMARY_PREFIX}\nold summary`),
      userMessage("b".repeat(40)),
      userMessage("c".repeat(40)),
    ];
    assert.deepEqual(realUserMessages(history), ["a".repeat(400), "b".repeat(40), "c".repeat(40)]);
    const out = summaryHistory([ctx], history, "NEW", 30);
    const t = out.map((i) => (i.type === "message" ? messageText(i) : ""));
    assert.equal(t[0], messageText(ctx));
    assert.equal(t.at(-1), `${SUMMARY_PREFIX}\nNEW`);
    assert.ok(isSummaryMessage(t.at(-1)!));
    assert.deepEqual(t.slice(-3, -1), ["b".repeat(40), "c".repeat(40)]);
    assert.match(t[1], /^a+…\d+ chars truncated…a+$/, "the oldest kept message is cut in the middle");
    assert.ok(t[1].length < 100);
  });

  test("the transcript flattens tool calls, leaves out context and reasoning, caps long outputs", () => {
    const entries = transcriptEntries([
      ctx,
      userMessage("task"),
      { type: "reasoning", text: "thinking" },
      { type: "function_call", call_id: "c1", name: "shell", arguments: '{"command":["ls"]}' },
      { type: "function_call_output", call_id: "c1", output: "x".repeat(20_000) },
      assistantMessage("done"),
    ]);
    assert.equal(entries.length, 4);
    assert.equal(entries[0], "[user]\ntask");
    assert.equal(entries[1], '[tool call: shell]\n{"command":["ls"]}');
    assert.ok(entries[2].startsWith("[tool output]\nxxx") && entries[2].length < 8_100);
    assert.equal(entries[3], "[assistant]\ndone");
  });

  test("limits and truncation", () => {
    assert.equal(autoCompactLimit(10_000), 9_000);
    assert.equal(autoCompactLimit(10_000, 5_000), 5_000);
    assert.equal(autoCompactLimit(10_000, 50_000), 10_000);
    assert.equal(truncateMiddle("abcdef", 10), "abcdef");
    assert.equal(truncateMiddle("abcdefghij", 4), "ab…6 chars truncated…ij");
  });
});

describe("agent: context accounting and compaction", () => {
  test("contextUsed is the last reported count plus estimates for later items", async () => {
    const { agent, events } = makeAgent([
      { text: "step", toolCalls: [planCall("p1")], usage: usage(500, 20) },
      { text: "done", usage: usage(600, 5) },
    ]);
    const before = agent.contextUsed();
    assert.ok(before > 0);
    await agent.runTurn("go", new AbortController().signal);
    assert.equal(agent.contextUsed(), 605);
    const counts = events.filter((e) => e.type === "token_count");
    assert.deepEqual(
      counts.map((e) => e.type === "token_count" && [e.contextUsed, e.contextWindow]),
      [
        [520, 130_000],
        [605, 130_000],
      ],
    );
  });

  test("without a reported count, contextUsed estimates the whole history as it grows and after compaction", async () => {
    const history: HistoryItem[] = [ctx];
    for (let i = 0; i < 5; i++)
      history.push(userMessage(`u${i}`.repeat(40)), assistantMessage(`a${i}`.repeat(90)));
    // No usage in the answers: every estimate covers the whole history.
    const { agent } = makeAgent([{ text: "S" }, { toolCalls: [planCall("p1")] }, { text: "done" }], {
      history,
    });
    const full = () => estimateFixedTokens("sys", tools().specs()) + estimateItemsTokens(agent.history);
    assert.equal(agent.contextUsed(), full());
    assert.equal(agent.contextUsed(), full(), "a second call gives the same count");
    assert.deepEqual(await agent.compact(new AbortController().signal), { status: "compacted" });
    assert.equal(agent.contextUsed(), full(), "the shorter history after compaction is measured afresh");
    await agent.runTurn("next", new AbortController().signal);
    assert.ok(agent.history.length > 3);
    assert.equal(agent.contextUsed(), full(), "items added by the turn are counted");

    // A replacement as long as the history it replaces is measured afresh too.
    const small = makeAgent([{ text: "S" }], {
      history: [ctx, userMessage("u"), assistantMessage("x".repeat(400))],
    });
    const before = small.agent.contextUsed();
    assert.deepEqual(await small.agent.compact(new AbortController().signal), { status: "compacted" });
    assert.equal(small.agent.history.length, 3);
    const after = estimateFixedTokens("sys", tools().specs()) + estimateItemsTokens(small.agent.history);
    assert.notEqual(after, before);
    assert.equal(small.agent.contextUsed(), after);
  });

  test("passing the auto-compact limit compacts before the next request", async () => {
    const { agent, requests, events, compactions } = makeAgent(
      [
        { text: "step", toolCalls: [planCall("p1")], usage: usage(950, 10) },
        { text: "SUMMARY", usage: usage(300, 30) },
        { text: "final", usage: usage(200, 5) },
      ],
      { contextWindow: 1000 },
    );
    const outcome = await agent.runTurn("task", new AbortController().signal);
    assert.deepEqual(outcome, { status: "completed", lastMessage: "final" });
    assert.equal(requests.length, 3);
    assert.deepEqual(requests[1].tools, []);
    assert.equal(requests[1].items.length, 1);
    assert.deepEqual(texts(requests[2]), [messageText(ctx), "task", `${SUMMARY_PREFIX}\nSUMMARY`]);
    assert.equal(compactions.length, 1);
    assert.equal(compactions[0].summary, "SUMMARY");
    assert.ok(events.some((e) => e.type === "context_compacted" && e.reason === "auto"));
    assert.equal(agent.totalUsage.input_tokens, 950 + 300 + 200, "the summary request's tokens count");
  });

  test("usage restored on resume: totals carry on, and a session at 97% compacts before its next request", async () => {
    const resumed = [userMessage("old task"), assistantMessage("old answer")];
    const { agent, requests, events } = makeAgent(
      [
        { text: "SUMMARY", usage: usage(300, 30) },
        { text: "final", usage: usage(200, 5) },
      ],
      { contextWindow: 1000, history: resumed, usage: { total: usage(5000, 100), last: usage(950, 20) } },
    );
    assert.equal(agent.contextUsed(), 970);
    assert.equal(agent.totalUsage.input_tokens, 5000);
    const outcome = await agent.runTurn("next", new AbortController().signal);
    assert.deepEqual(outcome, { status: "completed", lastMessage: "final" });
    assert.equal(requests.length, 2);
    assert.deepEqual(requests[0].tools, [], "the first request is the summary");
    assert.ok(events.some((e) => e.type === "context_compacted" && e.reason === "auto"));
    assert.equal(agent.totalUsage.input_tokens, 5000 + 300 + 200);
  });

  test("a context-window error compacts and retries once; a second one fails the turn", async () => {
    const ok = makeAgent([
      { toolCalls: [planCall("p1")] },
      { error: contextWindowError },
      { text: "S" },
      { text: "after" },
    ]);
    assert.equal((await ok.agent.runTurn("t", new AbortController().signal)).status, "completed");
    assert.equal(ok.requests.length, 4);
    assert.ok(ok.events.some((e) => e.type === "context_compacted" && e.reason === "context_window"));

    const bad = makeAgent([
      { toolCalls: [planCall("p1")] },
      { error: contextWindowError },
      { text: "S" },
      { error: contextWindowError },
    ]);
    const outcome = await bad.agent.runTurn("t", new AbortController().signal);
    assert.equal(outcome.status, "failed");
    assert.equal(bad.requests.length, 4);
  });

  test("only user messages: nothing to compact, the error is reported as is", async () => {
    const { agent, requests } = makeAgent([{ error: contextWindowError }], { contextWindow: 10 });
    const outcome = await agent.runTurn("t", new AbortController().signal);
    assert.deepEqual(outcome, { status: "failed", message: contextWindowError.message });
    assert.equal(requests.length, 1);
  });

  test("a summary request that does not fit drops the oldest entries and tries again", async () => {
    const history: HistoryItem[] = [ctx];
    for (let i = 0; i < 8; i++) history.push(userMessage(`u${i}`), assistantMessage(`a${i}`));
    const { agent, requests, events } = makeAgent(
      [{ error: contextWindowError }, { error: contextWindowError }, { text: "S" }],
      { history },
    );
    const outcome = await agent.compact(new AbortController().signal);
    assert.deepEqual(outcome, { status: "compacted" });
    const sizes = requests.map((r) => texts(r)[0].length);
    assert.ok(sizes[0] > sizes[1] && sizes[1] > sizes[2]);
    assert.ok(events.some((e) => e.type === "warning" && /trimmed 7 older/.test(e.message)));
    assert.ok(!agent.history.some((i) => i.type === "message" && i.role === "assistant"));
    assert.equal(agent.history.length, 10);
  });

  test("a failed automatic compaction warns and the request goes ahead", async () => {
    const { agent, requests, events } = makeAgent(
      [
        { toolCalls: [planCall("p1")], usage: usage(990, 5) },
        { error: { kind: "http", status: 500, message: "boom", retryable: false } },
        { text: "still fine" },
      ],
      { contextWindow: 1000 },
    );
    const outcome = await agent.runTurn("t", new AbortController().signal);
    assert.deepEqual(outcome, { status: "completed", lastMessage: "still fine" });
    assert.equal(requests.length, 3);
    assert.ok(requests[2].tools.length > 0);
    assert.ok(
      events.some((e) => e.type === "warning" && /automatic context compaction failed: boom/.test(e.message)),
    );
  });
});
