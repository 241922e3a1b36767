import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { recordedDir } from "../../test/simulator/scenario.ts";
import type { ModelEvent } from "../protocol/model.ts";
import { ChunkAssembler, callFromReasoning, stripToolNameTokens } from "./assemble.ts";
import { ContentFilter, parseHarmony } from "./content-filter.ts";

function run(chunks: string[]) {
  const filter = new ContentFilter();
  let text = "";
  let reasoning = "";
  for (const c of chunks) {
    const out = filter.push(c);
    text += out.text;
    reasoning += out.reasoning;
  }
  const end = filter.finish();
  return { live: text + end.flushed.text, reasoning: reasoning + end.flushed.reasoning, ...end };
}

/** Feeds content deltas through the real chunk assembler, as a stream would. */
function assemble(contents: string[]) {
  const events: ModelEvent[] = [];
  const a = new ChunkAssembler((e) => events.push(e));
  for (const content of contents) a.push({ choices: [{ index: 0, delta: { content } }] });
  a.push({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
  return { response: a.finish(), events };
}

describe("inline <think>", () => {
  test("whitespace before a leading <think> is not shown; after shown text it is kept", () => {
    assert.deepEqual(run(["\n<think>why</think>\n\nThe answer."]).live, "The answer.");
    // Blank text so far still counts as nothing shown.
    assert.deepEqual(run([" ", "\n<think>why</think>\n\nThe answer."]).live, " The answer.");
    assert.deepEqual(run(["Hello", "<think>why</think> world"]).live, "Hello world");
  });

  test("split across chunks at every position, reasoning never leaks into the answer", () => {
    const whole = "<think>plan the work</think>The answer.";
    for (let i = 1; i < whole.length; i++) {
      for (let j = i + 1; j <= whole.length; j++) {
        const r = run([whole.slice(0, i), whole.slice(i, j), whole.slice(j)]);
        assert.equal(r.live, "The answer.", `cut at ${i},${j}`);
        assert.equal(r.reasoning, "plan the work", `cut at ${i},${j}`);
      }
    }
  });

  test("MiniMax: the raw content with <think> is kept for replay, the answer is clean", () => {
    const { response, events } = assemble(["<think>\nI should", " greet.\n</think>\n\nHello!"]);
    assert.equal(response.text, "Hello!");
    assert.equal(response.reasoning, "\nI should greet.\n");
    assert.equal(response.rawContent, "<think>\nI should greet.\n</think>\n\nHello!");
    const shown = events
      .filter((e) => e.type === "text_delta")
      .map((e) => (e as { delta: string }).delta)
      .join("");
    assert.equal(shown.trim(), "Hello!");
  });

  test("plain text with < and <| lookalikes at chunk ends is passed on unchanged", () => {
    const r = run(["if a <", " b and x<", "y then <th", "ink about it"]);
    assert.equal(r.live, "if a < b and x<y then <think about it");
    assert.equal(r.text, "if a < b and x<y then <think about it");
    assert.equal(r.filtered, false);
  });

  test("Kimi K2 (recorded): unclosed <think> and an XML-style call become reasoning and a tool call", () => {
    const lines = readFileSync(
      join(recordedDir, "vercel_ai_bedrock-kimi-k2-inline-think-xml-tool.chunks.jsonl"),
      "utf8",
    )
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const texts = lines.map((l) => l.contentBlockDelta?.delta?.text).filter((t) => typeof t === "string");
    const { response } = assemble(texts);
    assert.equal(response.text, "");
    assert.match(response.reasoning, /^ The glob search returned two files/);
    assert.equal(response.toolCalls.length, 1);
    assert.equal(response.toolCalls[0].name, "read_file");
    assert.deepEqual(JSON.parse(response.toolCalls[0].arguments), { target_file: "FILE1" });
  });
});

describe("gpt-oss Harmony leaks", () => {
  test("analysis then final: reasoning and a clean answer, no control tokens anywhere", () => {
    const raw =
      "<|channel|>analysis<|message|>User wants a greeting.<|end|><|start|>assistant<|channel|>final<|message|>Hi there!<|return|>";
    const { response, events } = assemble([raw.slice(0, 17), raw.slice(17, 60), raw.slice(60)]);
    assert.equal(response.text, "Hi there!");
    assert.equal(response.reasoning, "User wants a greeting.");
    assert.equal(response.rawContent, undefined, "Harmony tokens are never replayed");
    for (const e of events) assert.doesNotMatch(JSON.stringify(e), /<\|/);
  });

  test("a tool call leaked as text becomes a real call", () => {
    const raw =
      '<|channel|>analysis<|message|>Need to list files.<|end|><|start|>assistant<|channel|>commentary to=functions.shell <|constrain|>json<|message|>{"command":["ls","-la"]}<|call|>';
    const { response } = assemble([raw]);
    assert.equal(response.text, "");
    assert.equal(response.reasoning, "Need to list files.");
    assert.deepEqual(
      response.toolCalls.map((c) => [c.name, c.arguments]),
      [["shell", '{"command":["ls","-la"]}']],
    );
  });

  test("parseHarmony keeps text without envelopes and strips stray tokens", () => {
    assert.deepEqual(parseHarmony("<|end|>just text"), { text: "just text", reasoning: "", calls: [] });
  });

  test("control tokens glued to tool names are cut (Bedrock fixture: json<|channel|>commentary)", () => {
    assert.equal(stripToolNameTokens("json<|channel|>commentary"), "json");
    const a = new ChunkAssembler(() => {});
    a.push({
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, id: "t1", function: { name: "shell<|channel|>commentary", arguments: "{}" } },
            ],
          },
        },
      ],
    });
    assert.equal(a.finish().toolCalls[0].name, "shell");
  });

  test("a shell call hidden in the reasoning of an otherwise empty answer is recovered", () => {
    assert.deepEqual(callFromReasoning('We need to run {"command": ["bash", "-lc", "echo \\"}\\""]} now.'), {
      name: "shell",
      arguments: '{"command": ["bash", "-lc", "echo \\"}\\""]}',
    });
    assert.equal(callFromReasoning("no json here"), undefined);
    const a = new ChunkAssembler(() => {});
    a.push({
      choices: [
        { index: 0, delta: { reasoning_content: 'I will call {"cmd": "ls"}' }, finish_reason: "stop" },
      ],
    });
    assert.deepEqual(
      a.finish().toolCalls.map((c) => [c.name, c.arguments]),
      [["shell", '{"cmd": "ls"}']],
    );
  });
});

describe("assembled from many deltas", () => {
  test("the answer, its raw text and the reasoning come back whole; an empty reasoning_content is kept", () => {
    const a = new ChunkAssembler(() => {});
    const pieces = ["<think>", "a ", "plan", "</think>", "The ", "answer", "."];
    a.push({ choices: [{ index: 0, delta: { content: "", reasoning_content: "" } }] });
    for (const content of pieces) a.push({ choices: [{ index: 0, delta: { content } }] });
    a.push({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    const response = a.finish();
    assert.equal(response.text, "The answer.");
    assert.equal(response.reasoning, "a plan");
    assert.equal(response.rawContent, pieces.join(""));
    assert.equal(response.reasoningContent, "");
    // Plain pieces first, then a think block: the raw content still holds every piece in order.
    const late = new ChunkAssembler(() => {});
    const later = ["Plain ", "start. ", "<thi", "nk>why</think>", " End."];
    for (const content of later) late.push({ choices: [{ index: 0, delta: { content } }] });
    late.push({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    const lateResponse = late.finish();
    assert.equal(lateResponse.rawContent, later.join(""));
    assert.equal(lateResponse.reasoning, "why");
    const plain = new ChunkAssembler(() => {});
    plain.push({ choices: [{ index: 0, delta: { content: "no reasoning" }, finish_reason: "stop" }] });
    assert.equal(plain.finish().reasoningContent, undefined);
  });
});
