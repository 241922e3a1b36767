import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { HistoryItem } from "../protocol/items.ts";
import { assistantMessage, userMessage } from "../protocol/items.ts";
import { chatBody, MISSING_OUTPUT, toChatMessages } from "./messages.ts";

const call = (id: string, name = "shell", args = "{}"): HistoryItem => ({
  type: "function_call",
  call_id: id,
  name,
  arguments: args,
});
const output = (id: string, text: string): HistoryItem => ({
  type: "function_call_output",
  call_id: id,
  output: text,
});
const request = (items: HistoryItem[]) => ({ model: "m", instructions: "sys", items, tools: [] });

describe("toChatMessages", () => {
  test("exactly one system message; extra system items are merged into it", () => {
    const messages = toChatMessages(
      request([
        { type: "message", role: "system", content: [{ type: "input_text", text: "more" }] },
        userMessage("hi"),
      ]),
    );
    assert.deepEqual(messages, [
      { role: "system", content: "sys\n\nmore" },
      { role: "user", content: "hi" },
    ]);
  });

  test("the calls of one response are grouped, each followed by its output in call order", () => {
    const messages = toChatMessages(
      request([
        userMessage("go"),
        assistantMessage("working"),
        call("a"),
        call("b"),
        output("b", "B"),
        output("a", "A"),
      ]),
    );
    assert.deepEqual(
      messages.map((m) => [m.role, m.content, m.tool_calls?.map((c) => c.id), m.tool_call_id]),
      [
        ["system", "sys", undefined, undefined],
        ["user", "go", undefined, undefined],
        ["assistant", "working", ["a", "b"], undefined],
        ["tool", "A", undefined, "a"],
        ["tool", "B", undefined, "b"],
      ],
    );
  });

  test("a call without text gets content null; consecutive responses stay separate", () => {
    const messages = toChatMessages(
      request([
        userMessage("go"),
        call("a"),
        output("a", "1"),
        call("b"),
        output("b", "2"),
        assistantMessage("done"),
      ]),
    );
    assert.deepEqual(
      messages.slice(2).map((m) => [m.role, m.content, m.tool_calls?.length ?? 0]),
      [
        ["assistant", null, 1],
        ["tool", "1", 0],
        ["assistant", null, 1],
        ["tool", "2", 0],
        ["assistant", "done", 0],
      ],
    );
  });

  test("an interrupted call gets a placeholder output; a stray output is dropped", () => {
    const messages = toChatMessages(
      request([userMessage("go"), output("ghost", "?"), call("a"), userMessage("next")]),
    );
    assert.deepEqual(
      messages.slice(1).map((m) => [m.role, m.content]),
      [
        ["user", "go"],
        ["assistant", null],
        ["tool", MISSING_OUTPUT],
        ["user", "next"],
      ],
    );
    assert.equal(messages[2].tool_calls?.[0].id, "a");
  });

  test("reasoning fields are replayed on the following assistant message only when the model sent them", () => {
    const messages = toChatMessages(
      request([
        userMessage("go"),
        {
          type: "reasoning",
          text: "think",
          reasoning_content: "think",
          thinking_blocks: [{ type: "thinking", thinking: "think", signature: "sig" }],
        },
        call("a"),
        output("a", "ok"),
        { type: "reasoning", text: "shown only" },
        assistantMessage("final"),
      ]),
    );
    assert.equal(messages[2].reasoning_content, "think");
    assert.deepEqual(messages[2].thinking_blocks, [
      { type: "thinking", thinking: "think", signature: "sig" },
    ]);
    assert.equal(messages[4].content, "final");
    assert.equal(messages[4].reasoning_content, undefined);
  });

  test("ids and provider_specific_fields are echoed byte for byte; raw content is replayed as sent", () => {
    const id = "call_abc__thought__c2lnbmF0dXJl+/=";
    const messages = toChatMessages(
      request([
        userMessage("go"),
        assistantMessage("answer", "<think>hmm</think>answer"),
        {
          type: "function_call",
          call_id: id,
          name: "shell",
          arguments: '{"command":["ls"]}',
          provider_specific_fields: { thought_signature: "xyz" },
        },
        output(id, "files"),
      ]),
    );
    assert.equal(messages[2].content, "<think>hmm</think>answer");
    assert.deepEqual(messages[2].tool_calls, [
      {
        id,
        type: "function",
        function: { name: "shell", arguments: '{"command":["ls"]}' },
        provider_specific_fields: { thought_signature: "xyz" },
      },
    ]);
    assert.equal(messages[3].tool_call_id, id);
  });
});

describe("chatBody", () => {
  test("streaming asks for usage; dropped parameters stay out", () => {
    const req = { ...request([userMessage("x")]), reasoningEffort: "high" };
    const streaming = chatBody(req, { stream: true });
    assert.equal(streaming.stream, true);
    assert.deepEqual(streaming.stream_options, { include_usage: true });
    assert.equal(streaming.reasoning_effort, "high");
    assert.equal("tools" in streaming, false);
    const buffered = chatBody(req, { stream: false, dropParams: new Set(["reasoning_effort"]) });
    assert.equal(buffered.stream, false);
    assert.equal("stream_options" in buffered, false);
    assert.equal("reasoning_effort" in buffered, false);
  });
});
