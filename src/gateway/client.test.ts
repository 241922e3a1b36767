// The gateway client against the simulator: recorded streams, LiteLLM's dialect, and what goes on the wire.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  collect,
  finalResponse,
  simpleRequest,
  testGateway,
  testProvider,
} from "../../test/helpers/gateway.ts";
import { freePort } from "../../test/helpers/net.ts";
import { type Simulator, startSimulator } from "../../test/simulator/index.ts";
import { createGateway } from "./client.ts";

async function withSim<T>(responses: unknown[], fn: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ scenario: { responses } as never, apiKey: "sk-test-key" });
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

describe("recorded streams", () => {
  // Each test replays its own fixture through a simulator of its own.
  const replay = (fixture: string) => withSim([{ fixture }], (sim) => collect(testGateway(sim.baseUrl)));

  test("anthropic: text, then a tool call at index 1 with id and name on the first fragment only", async () => {
    const events = await replay("vercel_ai_anthropic-fallback-tool-call.sse");
    const r = finalResponse(events);
    assert.equal(r.text, "Reading it.");
    assert.deepEqual(r.toolCalls, [
      { id: "toolu_sanitized", name: "read_file", arguments: '{"path": "a.txt"}' },
    ]);
    assert.equal(r.finishReason, "tool_calls");
    const deltas = events.filter((e) => e.type === "text_delta").map((e) => (e as { delta: string }).delta);
    assert.equal(deltas.join(""), "Reading it.");
    assert.equal(events.filter((e) => e.type === "tool_call_begin").length, 1);
  });

  test("gpt-4o: text then a tool call, usage from the choices:[] chunk", async () => {
    const r = finalResponse(await replay("vercel_ai_openai-gpt4o-text-then-tool-call-usage.chunks.jsonl"));
    assert.equal(r.text, "PRE_TOOL");
    assert.deepEqual(
      r.toolCalls.map((c) => [c.id, c.name, c.arguments]),
      [["call_NZa7xqfefoaMI2YYHowVXVlU", "weather", "{}"]],
    );
    assert.deepEqual(r.usage, {
      input_tokens: 58,
      cached_input_tokens: 0,
      output_tokens: 12,
      reasoning_output_tokens: 0,
      total_tokens: 70,
    });
  });

  test("grok: 227 reasoning deltas, whole tool call in one delta, total_tokens trusted", async () => {
    const events = await replay("vercel_ai_xai-grok3mini-reasoning-tool-call.chunks.jsonl");
    const r = finalResponse(events);
    assert.equal(r.text, "");
    assert.ok(r.reasoning.startsWith("First, the user is asking about the weather"));
    assert.equal(r.reasoningContent, r.reasoning);
    const reasoning = events
      .filter((e) => e.type === "reasoning_delta")
      .map((e) => (e as { delta: string }).delta);
    assert.equal(
      reasoning.join(""),
      r.reasoning,
      "deltas (coalesced per network read) add up to the reasoning",
    );
    assert.equal(r.toolCalls.length, 1);
    assert.equal(r.toolCalls[0].name, "weather");
    assert.deepEqual(JSON.parse(r.toolCalls[0].arguments), { location: "San Francisco" });
    assert.equal(r.usage?.total_tokens, 560);
  });

  test("deepseek-reasoner: reasoning_content kept for replay, usage on the finish chunk with cache hits", async () => {
    const r = finalResponse(await replay("vercel_ai_deepseek-reasoner-tool-call.chunks.jsonl"));
    assert.ok(r.reasoningContent?.includes("weather tool"));
    assert.equal(r.toolCalls[0].id, "call_00_ioIn7yN9p1ZOMNpDLwd4MgAF");
    assert.deepEqual(JSON.parse(r.toolCalls[0].arguments), { location: "San Francisco" });
    assert.equal(r.usage?.input_tokens, 339);
    assert.equal(r.usage?.cached_input_tokens, 320);
  });

  test("groq: a complete call in a single delta", async () => {
    const r = finalResponse(await replay("vercel_ai_groq-single-delta-tool-call.chunks.jsonl"));
    assert.deepEqual(
      r.toolCalls.map((c) => [c.id, c.name, c.arguments]),
      [["tk85n1k4m", "weather", "{}"]],
    );
    assert.equal(r.usage?.total_tokens, 225);
  });

  test('glm-5: `name: ""` on the continuation does not overwrite the name', async () => {
    const r = finalResponse(await replay("vercel_ai_glm5-tool-call-empty-name-continuation.chunks.jsonl"));
    assert.deepEqual(
      r.toolCalls.map((c) => [c.id, c.name]),
      [["chatcmpl-tool-9f149c74c42f265b", "webSearchTool"]],
    );
    assert.deepEqual(JSON.parse(r.toolCalls[0].arguments), { query: "current Berlin weather" });
  });

  test("mistral: thinking parts in a content array become reasoning, text parts the answer", async () => {
    const r = finalResponse(await replay("vercel_ai_mistral-thinking-content-array.chunks.jsonl"));
    assert.equal(r.text, "391");
    assert.ok(r.reasoning.includes("17 * 23 = 391"));
  });

  test("azure model router: an empty first chunk with choices:[] is harmless", async () => {
    const r = finalResponse(await replay("vercel_ai_azure-model-router-empty-first-chunk.chunks.jsonl"));
    assert.equal(r.text, "Capital of Denmark.");
    assert.equal(r.usage?.reasoning_output_tokens, 64);
  });

  test("openrouter: duplicate finish chunks, usage on a chunk with non-empty choices, reasoning_details kept", async () => {
    const r = finalResponse(await replay("anomalyco_opencode_openrouter-ox-duplicate-stop.json"));
    assert.equal(r.text, "OX_STREAM_OK");
    assert.equal(r.reasoning, "thinking");
    assert.deepEqual(r.reasoningDetails, [{ type: "reasoning.text", text: "thinking" }]);
    assert.equal(r.usage?.total_tokens, 148);
  });

  test("LiteLLM ModelResponse with two parallel calls, re-chunked in LiteLLM's dialect", async () => {
    const r = finalResponse(await replay("BerriAI_litellm_azure-parallel-tool-calls-modelresponse.json"));
    assert.deepEqual(
      r.toolCalls.map((c) => [c.name, JSON.parse(c.arguments).table]),
      [
        ["delete_table", "foo"],
        ["delete_table", "bar"],
      ],
    );
    assert.notEqual(r.toolCalls[0].id, r.toolCalls[1].id);
  });

  test("buffered (stream: false) request turns a JSON answer into the same events", async () => {
    await withSim([{ fixture: "vercel_ai_deepseek-reasoner-tool-call-nonstream.json" }], async (sim) => {
      const events = await collect(testGateway(sim.baseUrl, { streamMode: "buffered" }));
      const r = finalResponse(events);
      assert.ok(events.some((e) => e.type === "reasoning_delta"));
      assert.equal(r.toolCalls[0].id, "call_00_9V0vrf86Pc9aelHCJMZqnJBo");
      assert.ok(r.reasoningContent?.startsWith("The user is asking for the weather"));
      assert.equal(sim.requests.at(-1)?.body.stream, false);
    });
  });
});

describe("request shape", () => {
  test("one system message, stream_options.include_usage, tools as functions, bearer key, effort", async () => {
    await withSim([{ text: "hi" }], async (sim) => {
      const gw = testGateway(sim.baseUrl);
      const r = finalResponse(
        await collect(gw, {
          ...simpleRequest,
          reasoningEffort: "low",
          tools: [{ name: "shell", description: "run", parameters: { type: "object", properties: {} } }],
          items: [
            { type: "message", role: "system", content: [{ type: "input_text", text: "extra system" }] },
            { type: "message", role: "user", content: [{ type: "input_text", text: "hello" }] },
          ],
        }),
      );
      assert.equal(r.text, "hi");
      const req = sim.requests.find((q) => q.path.endsWith("/chat/completions"));
      assert.ok(req);
      assert.equal(req.headers.authorization, "Bearer sk-test-key");
      assert.equal(req.body.stream, true);
      assert.deepEqual(req.body.stream_options, { include_usage: true });
      assert.equal(req.body.reasoning_effort, "low");
      const roles = req.body.messages.map((m: { role: string }) => m.role);
      assert.deepEqual(roles, ["system", "user"]);
      assert.equal(req.body.messages[0].content, "be brief\n\nextra system");
      assert.deepEqual(req.body.tools, [
        {
          type: "function",
          function: { name: "shell", description: "run", parameters: { type: "object", properties: {} } },
        },
      ]);
    });
  });

  test("the response cost header is read", async () => {
    await withSim([{ text: "hi", headers: { "x-litellm-response-cost": "0.0125" } }], async (sim) => {
      const r = finalResponse(await collect(testGateway(sim.baseUrl)));
      assert.equal(r.cost, 0.0125);
    });
  });
});

describe("errors without retries", () => {
  test("401 quotes the gateway's message and is not retried", async () => {
    await withSim([{ text: "never" }], async (sim) => {
      const events = await collect(testGateway(sim.baseUrl, { apiKey: "wrong", requestMaxRetries: 3 }));
      const last = events.at(-1);
      assert.equal(last?.type, "error");
      if (last?.type !== "error") return;
      assert.equal(last.error.status, 401);
      assert.match(last.error.message, /401/);
      assert.equal(sim.requests.filter((q) => q.path.endsWith("/chat/completions")).length, 1);
    });
  });

  test("no base URL and no key are config errors, with no request sent", async () => {
    const noUrl = await collect(testGateway("", { baseUrl: undefined }));
    assert.equal(noUrl.at(-1)?.type, "error");
    assert.match(JSON.stringify(noUrl.at(-1)), /LITELLM_BASE_URL/);
    const noKey = await collect(testGateway("http://127.0.0.1:9/v1", { apiKey: undefined }));
    assert.match(JSON.stringify(noKey.at(-1)), /LITELLM_API_KEY/);
  });

  test("first contact with nothing listening: one attempt, one line naming the URL and what to check", async () => {
    const events = await collect(
      testGateway("http://127.0.0.1:9/v1", { requestMaxRetries: 4, streamMaxRetries: 5 }),
    );
    assert.deepEqual(
      events.map((e) => e.type),
      ["error"],
    );
    const last = events[0];
    assert.equal(last.type === "error" && last.error.kind, "config");
    assert.equal(
      last.type === "error" && last.error.message,
      "cannot reach http://127.0.0.1:9/v1/chat/completions: nothing listening (ECONNREFUSED); check LITELLM_BASE_URL and that the gateway is running",
    );
  });

  test("a base URL that is not an http(s) URL is a config error before any request", async () => {
    const last = (await collect(testGateway("localhost:4000"))).at(-1);
    assert.match(JSON.stringify(last), /not an http:\/\/ or https:\/\/ URL: check LITELLM_BASE_URL/);
  });

  test("a context-window 400 is classified for compaction", async () => {
    await withSim(
      [
        {
          status: 400,
          body: {
            error: {
              message:
                "litellm.ContextWindowExceededError: prompt is too long: 209303 tokens > 200000 maximum",
              code: "400",
            },
          },
        },
      ],
      async (sim) => {
        const last = (await collect(testGateway(sim.baseUrl))).at(-1);
        assert.equal(last?.type === "error" && last.error.kind, "context_window");
      },
    );
  });
});

describe("end of stream: each case can only end through the rule it tests", () => {
  // Idle timeout and finish grace are ten minutes: a rule that is broken turns into the test's own timeout.
  const patient = (sim: Simulator, afterFinishGraceMs = 600_000) =>
    createGateway({
      provider: testProvider(sim.baseUrl, { streamIdleTimeoutMs: 600_000 }),
      sleep: async () => {},
      afterFinishGraceMs,
    });

  test("[DONE] ends the request though the connection stays open", { timeout: 15_000 }, async () => {
    await withSim([{ text: "done but open", fault: { keep_open_after_done: true } }], async (sim) => {
      const r = finalResponse(await collect(patient(sim)));
      assert.equal(r.text, "done but open");
    });
  });

  test("silence after the finish chunk ends the request after the grace", { timeout: 15_000 }, async () => {
    // Two content chunks and the finish chunk, then the socket stays open and silent: no usage, no [DONE].
    const silent = { text: "abcdef", chunk_size: 3, usage: false, fault: { hang_after_chunks: 3 } };
    await withSim([silent], async (sim) => {
      const r = finalResponse(await collect(patient(sim, 50)));
      assert.equal(r.text, "abcdef");
      assert.equal(sim.requests.length, 1);
    });
  });
});

describe("retries", () => {
  test("Retry-After is honoured up to two minutes, never longer", async () => {
    const delays: number[] = [];
    await withSim(
      [
        { status: 429, headers: { "retry-after": "86400" } },
        { status: 429, headers: { "retry-after": "3" } },
        { text: "ok" },
      ],
      async (sim) => {
        const gateway = createGateway({
          provider: testProvider(sim.baseUrl, { requestMaxRetries: 2 }),
          sleep: async (ms) => {
            delays.push(ms);
          },
        });
        assert.equal(finalResponse(await collect(gateway)).text, "ok");
      },
    );
    assert.deepEqual(delays, [120_000, 3000]);
  });

  test("the gateway goes away mid-session: connection errors are retried within the window, streaming stays on", async () => {
    const port = await freePort();
    let sim = await startSimulator({
      scenario: { responses: [{ text: "first" }] },
      port,
      apiKey: "sk-test-key",
    });
    let up = true;
    let clock = 0;
    const sleeps: number[] = [];
    const gw = createGateway({
      provider: testProvider(`http://127.0.0.1:${port}/v1`, {
        streamMaxRetries: 1,
        requestMaxRetries: 1,
        connectionRetryWindowMs: 60_000,
        streamMode: "auto",
      }),
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
        // Back after 8 s of outage, far past the retry counts.
        if (clock >= 8000 && !up) {
          sim = await startSimulator({
            scenario: { responses: [{ text: "second" }] },
            port,
            apiKey: "sk-test-key",
          });
          up = true;
        }
      },
    });
    try {
      assert.equal(finalResponse(await collect(gw)).text, "first");
      await sim.close();
      up = false;
      const events = await collect(gw);
      assert.equal(finalResponse(events).text, "second");
      const retries = events.filter((e) => e.type === "retry");
      assert.ok(retries.length > 2, "more attempts than request_max_retries");
      for (const r of retries) assert.ok(r.type === "retry" && r.window && r.window.windowMs === 60_000);
      assert.equal(retries[0].type === "retry" && retries[0].window?.remainingMs, 60_000);
      assert.ok(sleeps.every((ms) => ms <= 5000));
      assert.ok(!events.some((e) => e.type === "notice"), "no switch to buffered requests");
      assert.ok(sim.requests.every((r) => (r.body as { stream?: boolean })?.stream !== false));
    } finally {
      if (up) await sim.close();
    }
  });

  test("an outage longer than the window fails once the window is used up", async () => {
    const port = await freePort();
    const sim = await startSimulator({
      scenario: { responses: [{ text: "first" }] },
      port,
      apiKey: "sk-test-key",
    });
    let clock = 0;
    const gw = createGateway({
      provider: testProvider(`http://127.0.0.1:${port}/v1`, { connectionRetryWindowMs: 20_000 }),
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    assert.equal(finalResponse(await collect(gw)).text, "first");
    await sim.close();
    const events = await collect(gw);
    const last = events.at(-1);
    assert.equal(last?.type, "error");
    assert.match(
      last?.type === "error" ? last.error.message : "",
      /ECONNREFUSED.*unreachable for 20 s; connection_retry_window_ms = 20000/,
    );
    assert.ok(clock >= 20_000 && clock < 26_000, `gave up at ${clock} ms`);
  });

  test("a 503 then success: one retry event, the answer once", async () => {
    await withSim([{ status: 503 }, { text: "recovered" }], async (sim) => {
      const events = await collect(testGateway(sim.baseUrl, { requestMaxRetries: 2 }));
      assert.equal(events.filter((e) => e.type === "retry").length, 1);
      assert.equal(finalResponse(events).text, "recovered");
    });
  });

  test("a stream reset mid-way is retried; the retry event voids the partial text", async () => {
    await withSim(
      [
        { text: "partial answer that breaks", chunk_size: 4, fault: { reset_after_chunks: 3 } },
        { text: "whole answer" },
      ],
      async (sim) => {
        const events = await collect(testGateway(sim.baseUrl, { streamMaxRetries: 2 }));
        const retryAt = events.findIndex((e) => e.type === "retry");
        assert.ok(retryAt > 0, "a retry event follows the partial deltas");
        const after = events
          .slice(retryAt)
          .filter((e) => e.type === "text_delta")
          .map((e) => (e as { delta: string }).delta);
        assert.equal(after.join(""), "whole answer");
        assert.equal(finalResponse(events).text, "whole answer");
      },
    );
  });

  test("UnsupportedParamsError naming reasoning_effort: retried once without it", async () => {
    await withSim(
      [
        {
          status: 400,
          body: {
            error: {
              message:
                "litellm.UnsupportedParamsError: model does not support parameters: ['reasoning_effort']. To drop these, set `litellm.drop_params=True`",
              code: "400",
            },
          },
        },
        { text: "ok" },
        { text: "again" },
      ],
      async (sim) => {
        const gw = testGateway(sim.baseUrl);
        const events = await collect(gw, { ...simpleRequest, reasoningEffort: "high" });
        assert.equal(finalResponse(events).text, "ok");
        const bodies = sim.requests.filter((q) => q.path.endsWith("/chat/completions")).map((q) => q.body);
        assert.equal(bodies[0].reasoning_effort, "high");
        assert.equal(bodies[1].reasoning_effort, undefined);
        await collect(gw, { ...simpleRequest, reasoningEffort: "high" });
        const third = sim.requests.filter((q) => q.path.endsWith("/chat/completions"))[2].body;
        assert.equal(third.reasoning_effort, undefined, "remembered for the session");
      },
    );
  });
});

describe("error messages leave the gateway redacted and bounded", () => {
  test("a 401 echoing the key, a header value and the key's hash; a huge error body", async () => {
    const key = "plain-key-without-prefix";
    const echo = `Received API Key = ${key}; header secret team-header-value; again ${key}`;
    const sim = await startSimulator({
      scenario: {
        responses: [
          { status: 401, body: { error: { message: echo, code: "401" } } },
          { status: 400, body: { error: { message: "x".repeat(200_000), code: "400" } } },
        ],
      },
    });
    try {
      const provider = { apiKey: key, httpHeaders: { "x-team": "team-header-value" } };
      const gateway = createGateway({ provider: testProvider(sim.baseUrl, provider), sleep: async () => {} });
      const first = (await collect(gateway)).at(-1);
      const message = first?.type === "error" ? first.error.message : "";
      assert.match(
        message,
        /gateway answered 401 .*: Received API Key = \[REDACTED\]; header secret \[REDACTED\]/,
      );
      assert.ok(!message.includes(key) && !message.includes("team-header-value"), message);
      const second = (await collect(gateway)).at(-1);
      const long = second?.type === "error" ? second.error.message : "";
      assert.match(long, /gateway answered 400 .*: x+…\(\d+ chars\)$/);
      assert.ok(long.length < 2100, `${long.length} chars`);
    } finally {
      await sim.close();
    }
  });
});
