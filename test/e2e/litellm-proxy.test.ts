// codex-litellm through the real LiteLLM proxy (pinned, test/litellm/) in front of the gateway simulator,
// which answers as OpenAI, Anthropic or Ollama. Assertions are on side effects: files in the workspace, what
// the upstream provider received, the rollout and telemetry files.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { jsonLines } from "../helpers/e2e.ts";
import { listRollouts, readRecords } from "../helpers/rollouts.ts";
import { proxyUnavailable, type Rig, startRig } from "../litellm/rig.ts";
import type { Scenario, ScriptedResponse } from "../simulator/scenario.ts";
import { scenariosDir } from "../simulator/scenario.ts";
import { thinkingSignature } from "../simulator/upstream/anthropic.ts";

const HELLO: Scenario = JSON.parse(readFileSync(join(scenariosDir, "hello.json"), "utf8"));
const FAST = [
  "-c",
  "model_providers.litellm.stream_idle_timeout_ms=2000",
  "-c",
  "model_providers.litellm.stream_max_retries=2",
  "-c",
  "model_providers.litellm.request_max_retries=2",
];
const BUFFERED = ["-c", 'model_providers.litellm.stream_mode="buffered"'];
const shell = (id: string, script: string) => ({
  id,
  name: "shell",
  arguments: { command: ["bash", "-lc", script] },
});

const skip = proxyUnavailable();
let rig: Rig;

describe("through the real LiteLLM proxy", { skip, concurrency: false }, () => {
  before(async () => {
    rig = await startRig();
  });
  after(async () => {
    await rig?.close();
  });

  test("the tool loop, streamed: shell and apply_patch run, three streamed upstream requests", async () => {
    const c = rig.case(HELLO);
    const r = await c.run(["exec", "-m", "openai-sim", "create hello.txt, then fix the typo in it"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(c.ws.dir, "hello.txt"), "utf8"), "hello world\n");
    assert.equal(r.stdout, 'Created hello.txt containing "hello world".\n');
    const up = c.upstream();
    assert.equal(up.length, 3);
    for (const req of up) {
      assert.match(req.path, /\/chat\/completions$/);
      assert.equal(req.body.stream, true);
      assert.equal(req.body.model, "sim-model", "LiteLLM sends its deployment's model name");
    }
    // The tool results went back upstream with the ids the model gave.
    const toolMessages = up[2].body.messages.filter((m: any) => m.role === "tool");
    assert.deepEqual(
      toolMessages.map((m: any) => m.tool_call_id),
      ["call_hello_create", "call_hello_patch"],
    );
  });

  test("the tool loop, buffered (fetch-and-simulate): the upstream is asked without streaming", async () => {
    const c = rig.case(HELLO);
    const r = await c.run(["exec", "-m", "openai-sim", ...BUFFERED, "create hello.txt"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(c.ws.dir, "hello.txt"), "utf8"), "hello world\n");
    const up = c.upstream();
    assert.equal(up.length, 3);
    for (const req of up) assert.notEqual(req.body.stream, true);
  });

  test("Anthropic: thinking shown as reasoning, the signed thinking block replayed upstream exactly", async () => {
    const reasoning = "The user wants proof; a file named proof.txt will do.";
    const c = rig.case({
      responses: [
        { reasoning, text: "Writing it.", tool_calls: [shell("call_a1", "echo signed > proof.txt")] },
        { text: "proof.txt is written." },
      ],
    });
    const r = await c.run(["exec", "-m", "claude-sim", "-c", 'model_reasoning_effort="low"', "prove it"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(c.ws.dir, "proof.txt"), "utf8"), "signed\n");
    assert.match(r.stderr, /thinking\n.*a file named proof\.txt will do\./);
    assert.equal(r.stdout, "proof.txt is written.\n");
    assert.ok(!r.stdout.includes("proof.txt will do"), "reasoning stays out of the answer");

    const up = c.upstream();
    assert.equal(up.length, 2);
    for (const req of up) assert.equal(req.path, "/v1/messages");
    const assistant = up[1].body.messages.find((m: any) => m.role === "assistant");
    assert.ok(assistant, JSON.stringify(up[1].body.messages));
    const thinking = assistant.content.find((b: any) => b.type === "thinking");
    assert.deepEqual(thinking, {
      type: "thinking",
      thinking: reasoning,
      signature: thinkingSignature(reasoning),
    });
    const toolUse = assistant.content.find((b: any) => b.type === "tool_use");
    assert.deepEqual(toolUse.input, { command: ["bash", "-lc", "echo signed > proof.txt"] });
    const results = up[1].body.messages.flatMap((m: any) =>
      Array.isArray(m.content) ? m.content.filter((b: any) => b.type === "tool_result") : [],
    );
    assert.equal(results.length, 1);
    assert.equal(results[0].tool_use_id, toolUse.id);
  });

  test("Ollama: a tool call without an id gets LiteLLM's, runs once, and its result goes back", async () => {
    const c = rig.case({
      models: [{ id: "qwen3:8b", max_input_tokens: 32768 }],
      responses: [
        { reasoning: "Make the file.", tool_calls: [shell("ignored", "echo from-ollama > o.txt")] },
        { text: "o.txt exists." },
      ],
    });
    const r = await c.run(["exec", "-m", "ollama-sim", "make o.txt"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(c.ws.dir, "o.txt"), "utf8"), "from-ollama\n");
    assert.equal(r.stdout, "o.txt exists.\n");
    const chats = c.upstream().filter((q) => q.path === "/api/chat");
    assert.equal(chats.length, 2);
    const tool = chats[1].body.messages.find((m: any) => m.role === "tool");
    assert.ok(tool, JSON.stringify(chats[1].body.messages));
  });

  test("discovery: models and context windows from the proxy's model_info", async () => {
    const c = rig.case({ responses: [] });
    const r = await c.run(["models", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const models = JSON.parse(r.stdout);
    const byId = Object.fromEntries(models.map((m: any) => [m.id, m]));
    assert.deepEqual(Object.keys(byId).sort(), [
      "claude-sim",
      "ollama-sim",
      "openai-sim",
      "rate-limited",
      "small-window",
    ]);
    assert.equal(byId["openai-sim"].context_window, 200000);
    assert.equal(byId["claude-sim"].context_window, 180000);
    assert.equal(byId["small-window"].context_window, 3000);
    assert.equal(c.upstream().length, 0, "the proxy answers discovery itself");
  });

  test("the context window LiteLLM reports is the session's; LiteLLM's cost reaches telemetry and the summary", async () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 100 };
    const c = rig.case({ responses: [{ text: "costed", usage }] });
    const r = await c.run(["exec", "-m", "openai-sim", "what does it cost"]);
    assert.equal(r.code, 0, r.stderr);
    // openai-sim's prices in test/litellm/config.yaml: 3e-6 per input token, 15e-6 per output token.
    const expected = 1000 * 0.000003 + 100 * 0.000015;
    const lines = jsonLines(readFileSync(join(c.ws.home, "logs", "codex-litellm-session.jsonl"), "utf8"));
    assert.equal(lines.length, 1);
    assert.ok(Math.abs(lines[0].response_cost - expected) < 1e-9, `cost ${lines[0].response_cost}`);
    assert.match(r.stderr, /\$0\.0045/);
    const [rollout] = listRollouts(c.ws.home);
    const started = readRecords(rollout).find((x) => x.payload?.type === "task_started");
    assert.equal(started.payload.model_context_window, 200000);
  });

  test("a buffered answer's cost comes from LiteLLM's x-litellm-response-cost header", async () => {
    const c = rig.case({
      responses: [{ text: "costed", usage: { prompt_tokens: 2000, completion_tokens: 10 } }],
    });
    const r = await c.run(["exec", "-m", "openai-sim", ...BUFFERED, "cost?"]);
    assert.equal(r.code, 0, r.stderr);
    const [line] = jsonLines(readFileSync(join(c.ws.home, "logs", "codex-litellm-session.jsonl"), "utf8"));
    assert.ok(
      Math.abs(line.response_cost - (2000 * 0.000003 + 10 * 0.000015)) < 1e-9,
      `${line.response_cost}`,
    );
  });

  test("a key that is not the proxy's: fails at once, says what LiteLLM said and what to check", async () => {
    const c = rig.case({ responses: [{ text: "never" }] });
    const r = await c.run(["exec", "-m", "openai-sim", "hi"], {
      env: { LITELLM_API_KEY: "sk-not-the-master-key-7777" },
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No connected db/);
    assert.match(r.stderr, /LITELLM_API_KEY/);
    assert.ok(!r.stderr.includes("reconnecting"), r.stderr);
    assert.equal(c.upstream().length, 0);
  });

  test("an unknown model: fails at once quoting LiteLLM, nothing reaches the upstream", async () => {
    const c = rig.case({ responses: [{ text: "never" }] });
    const r = await c.run(["exec", "-m", "no-such-model", "hi"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Invalid model name passed in model=no-such-model/);
    assert.ok(!r.stderr.includes("reconnecting"), r.stderr);
    assert.equal(c.upstream().length, 0);
  });

  test("a context-window error mapped by LiteLLM triggers compaction, then the task goes on", async () => {
    const tooLong: ScriptedResponse = {
      status: 400,
      body: {
        error: {
          message:
            "This model's maximum context length is 3000 tokens. However, your messages resulted in 5210 tokens.",
          type: "invalid_request_error",
          param: "messages",
          code: "context_length_exceeded",
        },
      },
    };
    const c = rig.case({
      responses: [
        { tool_calls: [shell("call_big", "seq 1 400")] },
        tooLong,
        { text: "SUMMARY: the numbers 1 to 400 were listed." },
        { text: "done listing" },
      ],
    });
    const r = await c.run(["exec", "-m", "small-window", "list numbers"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "done listing\n");
    const up = c.upstream();
    assert.equal(up.length, 4);
    const resent = JSON.stringify(up[3].body.messages);
    assert.ok(resent.includes("SUMMARY: the numbers 1 to 400 were listed."), resent);
    assert.ok(!resent.includes("\\n399\\n"), "the compacted tool output is not sent again");
    const [rollout] = listRollouts(c.ws.home);
    const started = readRecords(rollout).find((x) => x.payload?.type === "task_started");
    assert.equal(started.payload.model_context_window, 3000);
  });

  for (const [name, fault] of [
    ["a reset mid-stream", { ...HELLO.responses[2], fault: { reset_after_chunks: 2 } }],
    ["a malformed chunk", { text: "partial answer here", fault: { malformed_after_chunks: 1 } }],
    ["an upstream 500", { status: 500 }],
    ["an upstream that hangs mid-stream", { text: "partial answer here", fault: { hang_after_chunks: 1 } }],
  ] as [string, ScriptedResponse][]) {
    test(`${name}, as LiteLLM relays it, is retried and the answer printed once`, async () => {
      const c = rig.case({ responses: [fault, { text: "the one true answer" }] });
      const r = await c.run(["exec", ...FAST, "-m", "openai-sim", "go"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "the one true answer\n");
      assert.match(r.stderr, /reconnecting 1\/\d/);
      assert.equal(c.upstream().length, 2);
    });
  }

  test("an Anthropic error event inside a 200 stream is retried", async () => {
    const c = rig.case({
      responses: [
        { text: "half an answer", fault: { error_event_after_chunks: 2 } },
        { text: "whole answer" },
      ],
    });
    const r = await c.run(["exec", ...FAST, "-m", "claude-sim", "go"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "whole answer\n");
    assert.equal(c.upstream().length, 2);
  });

  // Last: it waits for the rate window LiteLLM announces (up to a minute).
  test("a deployment rpm limit: LiteLLM's 429 and its llm_provider-retry-after are waited out", async () => {
    const c = rig.case({ responses: [{ text: "first" }, { text: "second" }] });
    const first = await c.run(["exec", "-m", "rate-limited", "one"]);
    assert.equal(first.code, 0, first.stderr);
    const second = await c.run(["exec", "-m", "rate-limited", "two"], { timeoutMs: 150_000 });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, "second\n");
    assert.match(second.stderr, /reconnecting 1\/\d/);
    assert.match(second.stderr, /No deployments available/);
    assert.equal(c.upstream().length, 2, "the limited request never reached the upstream");
    assert.ok(existsSync(c.ws.home));
  });
});
