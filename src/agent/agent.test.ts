// The Agent's turn loop against a scripted model stream: what it emits when the gateway retries.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AgentEvent } from "../protocol/events.ts";
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
