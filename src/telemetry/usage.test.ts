import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AgentEvent } from "../protocol/events.ts";
import type { Usage } from "../protocol/model.ts";
import { type TokenCountEvent, UsageTracker } from "./tracker.ts";
import {
  compactTokens,
  formatCost,
  formatUsageSummary,
  sessionLine,
  UsageAggregator,
  type UsageRecord,
} from "./usage.ts";

function usage(prompt: number, completion: number, reasoning = 0): Usage {
  return {
    input_tokens: prompt,
    cached_input_tokens: 0,
    output_tokens: completion,
    reasoning_output_tokens: reasoning,
    total_tokens: prompt + completion,
  };
}

function rec(model: string, u: Usage, extra: Partial<UsageRecord> = {}): UsageRecord {
  return { ts: "2025-11-02T12:54:11.238Z", sessionId: "s1", model, usage: u, ...extra };
}

describe("UsageAggregator", () => {
  test("sums per session and per model, remembers the last model and effort", () => {
    const a = new UsageAggregator();
    a.record(rec("m-a", usage(100, 20, 5), { reasoningEffort: "high", cost: 0.01 }));
    a.record(rec("m-b", usage(1000, 200)));
    a.record(rec("m-a", usage(300, 40), { reasoningEffort: "medium", cost: 0.02 }));
    const s = a.summary();
    assert.equal(s.sessionId, "s1");
    assert.equal(s.turns, 3);
    assert.equal(s.promptTokens, 1400);
    assert.equal(s.completionTokens, 260);
    assert.equal(s.reasoningTokens, 5);
    assert.equal(s.totalTokens, 1660);
    assert.ok(Math.abs((s.cost ?? 0) - 0.03) < 1e-12);
    assert.equal(s.lastModel, "m-a");
    assert.equal(s.lastEffort, "medium");
    assert.deepEqual(
      s.models.map((m) => [m.model, m.turns, m.totalTokens, m.cost]),
      [
        ["m-b", 1, 1200, undefined],
        ["m-a", 2, 460, s.models[1].cost],
      ],
    );
  });

  test("sessions are kept apart; an unknown session is empty", () => {
    const a = new UsageAggregator();
    a.record(rec("m", usage(1, 1)));
    a.record(rec("m", usage(5, 5), { sessionId: "s2" }));
    assert.equal(a.summary().sessionId, "s2");
    assert.equal(a.summary("s1").totalTokens, 2);
    assert.equal(a.summary("nope").turns, 0);
    assert.equal(new UsageAggregator().summary().turns, 0);
  });
});

describe("formatting", () => {
  test("compactTokens and formatCost", () => {
    assert.deepEqual([0, 950, 1000, 12_345, 123_456, 1_250_000, 2_000_000_000].map(compactTokens), [
      "0",
      "950",
      "1K",
      "12.3K",
      "123K",
      "1.25M",
      "2B",
    ]);
    assert.deepEqual([0.0123456, 1.5, 0.000123, 0].map(formatCost), [
      "$0.0123",
      "$1.5000",
      "$0.000123",
      "$0.00",
    ]);
  });

  test("headline, per-model rows, top five then the rest counted", () => {
    const a = new UsageAggregator();
    for (let i = 1; i <= 7; i++)
      a.record(rec(`model-${i}`, usage(1000 * i, 100 * i), { reasoningEffort: "high" }));
    a.record(rec("model-7", usage(500, 50), { reasoningEffort: "low" }));
    const lines = formatUsageSummary(a.summary());
    assert.equal(
      lines[0],
      "LiteLLM usage: 31.4K tokens across 8 turns (last model model-7 • last effort low)",
    );
    assert.equal(lines.length, 1 + 5 + 1);
    assert.equal(lines[1], "  • model-7 8.25K tokens in 2 turns • last effort low");
    assert.equal(lines[5], "  • model-3 3.3K tokens in 1 turn • last effort high");
    assert.equal(lines[6], "  … 2 additional models");
    assert.equal(formatUsageSummary(a.summary(), { maxModels: 6 }).at(-1), "  … 1 additional model");
  });

  test("cost shows when the gateway sent one; before any response a 'no turns' line", () => {
    const a = new UsageAggregator();
    a.record(rec("m", usage(10, 2), { cost: 0.5 }));
    assert.deepEqual(formatUsageSummary(a.summary()), [
      "LiteLLM usage: 12 tokens across 1 turn (last model m • last effort default) • $0.5000",
      "  • m 12 tokens in 1 turn • last effort default • $0.5000",
    ]);
    assert.deepEqual(formatUsageSummary(new UsageAggregator().summary()), [
      "LiteLLM usage: no LiteLLM turns recorded yet",
    ]);
  });

  test("sessionLine has the documented fields, response_cost only when known", () => {
    assert.deepEqual(
      JSON.parse(sessionLine(rec("vercel/minimax-m2", usage(132, 284), { reasoningEffort: "medium" }))),
      {
        ts: "2025-11-02T12:54:11.238Z",
        session_id: "s1",
        model: "vercel/minimax-m2",
        reasoning_effort: "medium",
        prompt_tokens: 132,
        completion_tokens: 284,
        reasoning_tokens: 0,
        total_tokens: 416,
      },
    );
    const withCost = JSON.parse(sessionLine(rec("m", usage(1, 1), { cost: 0.25 })));
    assert.equal(withCost.response_cost, 0.25);
    assert.equal(withCost.reasoning_effort, null);
  });
});

describe("UsageTracker", () => {
  const session: AgentEvent = {
    type: "session_configured",
    session: {
      sessionId: "sess-1",
      version: "0",
      cwd: "/",
      model: "configured",
      provider: "litellm",
      baseUrl: "http://gw",
      approvalPolicy: "never",
      sandbox: "read-only",
      reasoningEffort: "high",
    },
  };
  const tokens = (u: Usage, extra: Partial<TokenCountEvent> = {}): AgentEvent =>
    ({ type: "token_count", last: u, total: u, ...extra }) as AgentEvent;

  test("one record per token_count: model and cost from the wire log when the event lacks them", () => {
    const records: UsageRecord[] = [];
    const t = new UsageTracker({ now: () => new Date(0), onRecord: (r) => records.push(r) });
    t.onEvent(session);
    t.onWire({ kind: "request", url: "u", model: "gw-model", stream: true, bytes: 1, attempt: 1 });
    t.onWire({ kind: "response", status: 200, headers: { "x-litellm-response-cost": "0.0042" } });
    t.onEvent(tokens(usage(10, 5)));
    t.onWire({ kind: "request", url: "u", model: "gw-model", stream: true, bytes: 1, attempt: 1 });
    t.onWire({ kind: "response", status: 200, headers: {} });
    t.onEvent(tokens(usage(20, 5)));
    t.onEvent({ type: "agent_message", text: "hi" });
    t.onEvent(tokens(usage(0, 0)));
    assert.deepEqual(records, [
      {
        ts: "1970-01-01T00:00:00.000Z",
        sessionId: "sess-1",
        model: "gw-model",
        reasoningEffort: "high",
        usage: usage(10, 5),
        cost: 0.0042,
      },
      {
        ts: "1970-01-01T00:00:00.000Z",
        sessionId: "sess-1",
        model: "gw-model",
        reasoningEffort: "high",
        usage: usage(20, 5),
      },
    ]);
  });

  test("fields on the event win; the configured model is the last resort", () => {
    const records: UsageRecord[] = [];
    const t = new UsageTracker({ sessionId: "x", model: "cfg", onRecord: (r) => records.push(r) });
    t.onEvent(tokens(usage(1, 1)));
    t.onWire({ kind: "response", status: 200, headers: { "x-litellm-response-cost": "0.5" } });
    t.onEvent(tokens(usage(1, 1), { model: "answered-by", cost: 0.1 }));
    assert.deepEqual(
      records.map((r) => [r.sessionId, r.model, r.cost]),
      [
        ["x", "cfg", undefined],
        ["x", "answered-by", 0.1],
      ],
    );
  });
});
