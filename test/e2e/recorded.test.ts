// Every recorded stream in test/fixtures/recorded through the full exec loop: tool calls answered with
// their exact ids (unknown tools with an error the model can read), and the run finishing.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { e2e } from "../helpers/e2e.ts";
import { recordedDir } from "../simulator/scenario.ts";

/** Fixture → the tool-call ids it carries (empty for text-only answers). */
const STREAMS: Record<string, string[]> = {
  "vercel_ai_anthropic-fallback-tool-call.sse": ["toolu_sanitized"],
  "vercel_ai_openai-gpt4o-text-then-tool-call-usage.chunks.jsonl": ["call_NZa7xqfefoaMI2YYHowVXVlU"],
  "vercel_ai_xai-grok3mini-reasoning-tool-call.chunks.jsonl": ["call_79382389"],
  "vercel_ai_deepseek-reasoner-tool-call.chunks.jsonl": ["call_00_ioIn7yN9p1ZOMNpDLwd4MgAF"],
  "vercel_ai_deepseek-reasoner-tool-call-nonstream.json": ["call_00_9V0vrf86Pc9aelHCJMZqnJBo"],
  "vercel_ai_groq-single-delta-tool-call.chunks.jsonl": ["tk85n1k4m"],
  "vercel_ai_glm5-tool-call-empty-name-continuation.chunks.jsonl": ["chatcmpl-tool-9f149c74c42f265b"],
  "BerriAI_litellm_azure-parallel-tool-calls-modelresponse.json": [
    "call_2r8NvJXa0g24B7Ah2joKbQXP",
    "call_V4O5zj8z4KgPdFdEhGpOtCC5",
  ],
  "vercel_ai_mistral-thinking-content-array.chunks.jsonl": [],
  "vercel_ai_azure-model-router-empty-first-chunk.chunks.jsonl": [],
  "anomalyco_opencode_openrouter-ox-duplicate-stop.json": [],
  "BerriAI_litellm_bedrock-claude-modelresponse-usage.json": [],
};

describe("recorded streams through the whole loop", () => {
  for (const [fixture, ids] of Object.entries(STREAMS)) {
    test(fixture, async () => {
      const t = await e2e({ responses: [{ fixture }, { text: "finished after the recorded turn" }] });
      try {
        const r = await t.run(["exec", "-m", "m", "go"]);
        assert.equal(r.code, 0, r.stderr);
        const bodies = t.chatBodies();
        if (ids.length === 0) {
          assert.equal(bodies.length, 1, "a text answer ends the turn");
          assert.notEqual(r.stdout.trim(), "");
          return;
        }
        assert.equal(r.stdout, "finished after the recorded turn\n");
        const messages = bodies[1].messages;
        const assistant = messages.find((m: any) => m.tool_calls);
        assert.deepEqual(
          assistant.tool_calls.map((c: any) => c.id),
          ids,
        );
        const tools = messages.filter((m: any) => m.role === "tool");
        assert.deepEqual(
          tools.map((m: any) => m.tool_call_id),
          ids,
        );
        for (const m of tools)
          assert.match(m.content, /^unknown tool `[^`]+`; available tools: shell, apply_patch/);
      } finally {
        await t.close();
      }
    });
  }

  test("Bedrock gpt-oss: a tool name with Harmony tokens is cut before it reaches the model again", async () => {
    const doc = JSON.parse(
      readFileSync(join(recordedDir, "vercel_ai_bedrock-gpt-oss-harmony-tool-name-leak.json"), "utf8"),
    );
    const use = doc.output.message.content.find((c: any) => c.toolUse).toolUse;
    const t = await e2e({
      responses: [
        { tool_calls: [{ id: use.toolUseId, name: use.name, arguments: use.input }] },
        { text: "ok" },
      ],
    });
    try {
      const r = await t.run(["exec", "-m", "m", "go"]);
      assert.equal(r.code, 0, r.stderr);
      const second = t.chatBodies()[1];
      assert.doesNotMatch(JSON.stringify(second), /<\|/);
      const tool = second.messages.find((m: any) => m.role === "tool");
      assert.equal(tool.tool_call_id, use.toolUseId);
      assert.match(tool.content, /^unknown tool `json`/);
    } finally {
      await t.close();
    }
  });

  test("Qwen's 400 for replayed malformed arguments is quoted, not retried", async () => {
    const body = JSON.parse(
      readFileSync(join(recordedDir, "vercel_ai_qwen-malformed-replayed-tool-args-400.json"), "utf8"),
    );
    const t = await e2e({ responses: [{ status: 400, body }] });
    try {
      const r = await t.run(["exec", "-m", "qwen-plus", "go"]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /ERROR: gateway answered 400 \(bad request\): <400> InternalError\.Algo\.InvalidParameter/,
      );
      assert.equal(t.chatBodies().length, 1);
    } finally {
      await t.close();
    }
  });

  test("Kimi K2 on Bedrock (raw events, not chat chunks): an empty turn is nudged and the run still finishes", async () => {
    const t = await e2e({
      responses: [
        { fixture: "vercel_ai_bedrock-kimi-k2-inline-think-xml-tool.chunks.jsonl" },
        { text: "recovered" },
      ],
    });
    try {
      const r = await t.run(["exec", "-m", "kimi-k2", "go"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "recovered\n");
    } finally {
      await t.close();
    }
  });
});

test("a non-agentic model that stops after every tool call still completes a three-step edit", async () => {
  const patch = (from: string, to: string) => ({
    name: "apply_patch",
    arguments: { input: `*** Begin Patch\n*** Update File: app.txt\n@@\n-${from}\n+${to}\n*** End Patch\n` },
  });
  const t = await e2e({
    responses: [
      {
        tool_calls: [
          { name: "shell", arguments: { command: ["bash", "-lc", "printf 'step0\\n' > app.txt"] } },
        ],
      },
      { text: "" },
      { tool_calls: [patch("step0", "step1")] },
      { reasoning: "next I should do step 2" },
      { tool_calls: [patch("step1", "step2")] },
      { text: "I will now finish the last step." },
      { tool_calls: [patch("step2", "step3")] },
      { text: "All three steps are done." },
    ],
  });
  try {
    const r = await t.run([
      "exec",
      "-m",
      "gpt-oss-20b",
      "-c",
      'model_providers.litellm.stream_mode="stream"',
      "do the three steps",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(t.ws.dir, "app.txt"), "utf8"), "step3\n");
    assert.equal(r.stdout, "All three steps are done.\n");
    assert.equal((r.stderr.match(/continuing automatically/g) ?? []).length, 3);
  } finally {
    await t.close();
  }
});
