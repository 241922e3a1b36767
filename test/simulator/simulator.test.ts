import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { type ScriptedResponse, scenariosDir } from "./scenario.ts";
import { startSimulator } from "./server.ts";
import { chat, collect, json, nullPaths, withSim } from "./testkit.ts";

const toolArgs = { command: ["bash", "-lc", "ls -la"] };
const full = {
  reasoning: "Let me look at the directory first.",
  text: "Listing files now.",
  tool_calls: [{ id: "call_abc", name: "shell", arguments: toolArgs }],
  chunk_size: 5,
};

describe("streamed answers speak LiteLLM's dialect", () => {
  test("headers, framing, key order, omitted nulls, deltas, finish and usage chunks", async () => {
    await withSim({ responses: [full] }, async (sim) => {
      const res = await chat(sim, { model: "my-group" });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "text/event-stream");
      assert.match(res.headers.get("x-litellm-call-id") ?? "", /^[0-9a-f-]{36}$/);
      assert.match(res.headers.get("x-litellm-model-id") ?? "", /^[0-9a-f]{32}$/);
      assert.equal(res.headers.get("x-litellm-model-group"), "my-group");
      assert.equal(res.headers.get("x-litellm-response-cost"), null, "a stream's cost is in its usage chunk");
      const { events, ended } = await collect(res);
      const cost = events.at(-2)?.json?.usage?.cost;
      assert.ok(cost > 0 && cost < 0.01, `cost ${cost}`);
      assert.ok(ended);
      for (const e of events) assert.match(e.raw, /^data: [^\n]+\n\n$/);
      assert.equal(events.at(-1)?.data, "[DONE]");
      const chunks = events.slice(0, -1).map((e) => e.json);
      for (const c of chunks) {
        assert.deepEqual(Object.keys(c).slice(0, 5), ["id", "created", "model", "object", "choices"]);
        assert.deepEqual(nullPaths(c), []);
        assert.equal(c.model, "my-group");
        assert.equal(c.object, "chat.completion.chunk");
        assert.equal(c.id, chunks[0].id);
        assert.equal(c.choices.length, 1);
      }
      assert.match(chunks[0].id, /^chatcmpl-[0-9a-f-]{36}$/);
      const deltas = chunks.map((c) => c.choices[0].delta);
      assert.equal(deltas[0].role, "assistant");
      assert.ok(deltas.slice(1).every((d) => !("role" in d)));
      const joined = (key: string) =>
        deltas
          .map((d) => d[key])
          .filter((v) => v !== undefined)
          .join("");
      assert.equal(joined("reasoning_content"), full.reasoning);
      assert.equal(joined("content"), full.text);
      const frags = deltas.filter((d) => d.tool_calls).map((d) => d.tool_calls[0]);
      assert.deepEqual(frags[0], {
        id: "call_abc",
        function: { arguments: "", name: "shell" },
        type: "function",
        index: 0,
      });
      assert.ok(frags.length > 3, "arguments arrive in several fragments");
      for (const f of frags.slice(1)) assert.deepEqual(Object.keys(f).sort(), ["function", "index", "type"]);
      assert.deepEqual(JSON.parse(frags.map((f) => f.function.arguments).join("")), toolArgs);
      const [finish, usage] = chunks.slice(-2);
      assert.deepEqual(finish.choices, [{ finish_reason: "tool_calls", index: 0, delta: {} }]);
      assert.ok(chunks.slice(0, -2).every((c) => !("finish_reason" in c.choices[0]) && !("usage" in c)));
      assert.deepEqual(usage.choices, [{ index: 0, delta: {} }]);
      assert.deepEqual(Object.keys(usage.usage).sort(), [
        "completion_tokens",
        "completion_tokens_details",
        "cost",
        "prompt_tokens",
        "prompt_tokens_details",
        "total_tokens",
      ]);
      const u = usage.usage;
      assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens);
      assert.ok(u.completion_tokens_details.reasoning_tokens > 0);
      assert.equal(u.prompt_tokens_details.cached_tokens, 0);
    });
  });

  test("overrides: reasoning field, usage, finish reason, model, headers, call id echo", async () => {
    const scripted = {
      reasoning: "hmm",
      reasoning_field: "reasoning" as const,
      text: "cut",
      usage: { prompt_tokens: 10, completion_tokens: 5, reasoning_tokens: 2, cached_tokens: 4 },
      finish_reason: "length",
      model: "actual-deployment",
      headers: { "x-litellm-attempted-fallbacks": "1", "llm_provider-x": "y" },
    };
    await withSim({ responses: [scripted, { text: "x", usage: false }] }, async (sim) => {
      const res = await chat(sim, {}, { headers: { "x-litellm-call-id": "my-call" } });
      assert.equal(res.headers.get("x-litellm-call-id"), "my-call");
      assert.equal(res.headers.get("x-litellm-attempted-fallbacks"), "1");
      assert.equal(res.headers.get("llm_provider-x"), "y");
      const chunks = (await collect(res)).data.slice(0, -1).map((e) => e.json);
      assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", reasoning: "hmm" });
      assert.ok(chunks.every((c) => c.model === "actual-deployment"));
      assert.equal(chunks.at(-2).choices[0].finish_reason, "length");
      assert.deepEqual(chunks.at(-1).usage, {
        completion_tokens: 5,
        prompt_tokens: 10,
        total_tokens: 15,
        completion_tokens_details: { reasoning_tokens: 2 },
        prompt_tokens_details: { cached_tokens: 4 },
        cost: 0.00002,
      });
      const plain = (await collect(await chat(sim))).data;
      assert.equal(plain.length, 3, "content, finish, [DONE]: no usage chunk");
      assert.deepEqual(plain[0].json.choices[0].delta, { content: "x", role: "assistant" });
      assert.equal(plain[1].json.choices[0].finish_reason, "stop");
    });
  });

  test("an empty answer still opens with a role delta", async () => {
    await withSim({ responses: [{ usage: false }] }, async (sim) => {
      const chunks = (await collect(await chat(sim))).data.map((e) => e.json);
      assert.deepEqual(chunks[0].choices[0].delta, { content: "", role: "assistant" });
      assert.equal(chunks[1].choices[0].finish_reason, "stop");
    });
  });
});

describe("non-streaming answers", () => {
  test("a ModelResponse built from the same script", async () => {
    await withSim({ responses: [full, { text: "plain" }] }, async (sim) => {
      const res = await chat(sim, { stream: false, model: "g" });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      assert.ok(res.headers.get("x-litellm-call-id"));
      const body = await json(res);
      assert.deepEqual(Object.keys(body), ["id", "created", "model", "object", "choices", "usage"]);
      assert.match(body.id, /^chatcmpl-/);
      assert.equal(body.object, "chat.completion");
      assert.equal(body.model, "g");
      const choice = body.choices[0];
      assert.equal(choice.finish_reason, "tool_calls");
      assert.equal(choice.message.content, full.text);
      assert.equal(choice.message.role, "assistant");
      assert.equal(choice.message.reasoning_content, full.reasoning);
      assert.deepEqual(choice.message.tool_calls, [
        {
          function: { arguments: JSON.stringify(toolArgs), name: "shell" },
          id: "call_abc",
          type: "function",
        },
      ]);
      assert.ok(body.usage.prompt_tokens > 0);
      const plain = await json(await chat(sim, { stream: false }));
      assert.equal(plain.choices[0].message.content, "plain");
      assert.ok(!("tool_calls" in plain.choices[0].message));
      assert.equal(plain.choices[0].finish_reason, "stop");
    });
  });
});

describe("scripted HTTP errors and script exhaustion", () => {
  test("default LiteLLM error body, custom bodies, extra headers", async () => {
    const responses: ScriptedResponse[] = [
      { status: 429, headers: { "retry-after": "7" } },
      { status: 400, body: { detail: { error: "upstream text" } } },
      { status: 502, body: "<html>Bad Gateway</html>", headers: { "content-type": "text/html" } },
    ];
    await withSim({ responses }, async (sim) => {
      const r1 = await chat(sim, { model: "grp" });
      assert.equal(r1.status, 429);
      assert.equal(r1.headers.get("retry-after"), "7");
      const b1 = await json(r1);
      assert.deepEqual(Object.keys(b1.error), ["message", "type", "param", "code"]);
      assert.equal(b1.error.code, "429");
      assert.match(b1.error.message, /^litellm\.RateLimitError: .*Received Model Group=grp/s);
      const r2 = await chat(sim);
      assert.equal(r2.status, 400);
      assert.deepEqual(await json(r2), { detail: { error: "upstream text" } });
      const r3 = await chat(sim);
      assert.equal(r3.status, 502);
      assert.equal(r3.headers.get("content-type"), "text/html");
      assert.equal(await r3.text(), "<html>Bad Gateway</html>");
    });
  });

  test("an exhausted script answers 500 and says so", async () => {
    await withSim({ responses: [{ text: "one" }] }, async (sim) => {
      await (await chat(sim)).text();
      for (let i = 0; i < 2; i++) {
        const res = await chat(sim);
        assert.equal(res.status, 500);
        const body = await json(res);
        assert.equal(body.error.message, "simulator: scenario exhausted (1 responses scripted)");
        assert.equal(body.error.code, "500");
      }
    });
  });

  test("a body that is not JSON gets 400 without consuming the script", async () => {
    await withSim({ responses: [{ text: "kept" }] }, async (sim) => {
      const bad = await fetch(`${sim.baseUrl}/chat/completions`, { method: "POST", body: "{nope" });
      assert.equal(bad.status, 400);
      assert.equal((await json(bad)).error.code, "400");
      const good = await collect(await chat(sim));
      assert.equal(good.data[0].json.choices[0].delta.content, "kept");
    });
  });
});

describe("discovery routes", () => {
  const models = [{ id: "alpha", max_input_tokens: 1000, max_output_tokens: 100 }, { id: "beta" }];
  test("models, model info, model group info, liveliness, 404", async () => {
    await withSim({ models, responses: [{ text: "x" }] }, async (sim) => {
      for (const path of ["/v1/models", "/models"]) {
        const body = await json(await fetch(sim.origin + path));
        assert.deepEqual(body, {
          data: [
            { id: "alpha", object: "model", created: 1677610602, owned_by: "openai" },
            { id: "beta", object: "model", created: 1677610602, owned_by: "openai" },
          ],
          object: "list",
        });
      }
      for (const path of ["/model/info", "/v1/model/info"]) {
        const { data } = await json(await fetch(sim.origin + path));
        assert.equal(data.length, 2);
        assert.equal(data[0].model_name, "alpha");
        assert.equal(data[0].litellm_params.model, "openai/alpha");
        assert.equal(data[0].model_info.max_input_tokens, 1000);
        assert.equal(data[0].model_info.max_output_tokens, 100);
        assert.equal(data[0].model_info.mode, "chat");
        assert.equal(data[0].model_info.supports_function_calling, true);
        assert.equal(data[1].model_info.max_input_tokens, null);
      }
      const groups = (await json(await fetch(`${sim.origin}/model_group/info`))).data;
      assert.deepEqual(
        groups.map((g: { model_group: string; max_input_tokens: number }) => [
          g.model_group,
          g.max_input_tokens,
        ]),
        [
          ["alpha", 1000],
          ["beta", null],
        ],
      );
      const one = (await json(await fetch(`${sim.origin}/model_group/info?model_group=beta`))).data;
      assert.deepEqual(
        one.map((g: { model_group: string }) => g.model_group),
        ["beta"],
      );
      const chunkRes = await chat(sim, { model: "alpha" });
      const info = (await json(await fetch(`${sim.origin}/model/info`))).data[0];
      assert.equal(chunkRes.headers.get("x-litellm-model-id"), info.model_info.id);
      await chunkRes.text();
      const live = await fetch(`${sim.origin}/health/liveliness`);
      assert.equal(live.status, 200);
      assert.equal(await json(live), "I'm alive!");
      const missing = await fetch(`${sim.origin}/v1/nothing-here`);
      assert.equal(missing.status, 404);
      assert.equal((await json(missing)).error.code, "404");
    });
  });

  test("a scenario without models serves a default one", async () => {
    await withSim({ responses: [] }, async (sim) => {
      const body = await json(await fetch(`${sim.baseUrl}/models`));
      assert.deepEqual(
        body.data.map((m: { id: string }) => m.id),
        ["sim-model"],
      );
    });
  });
});

describe("recording and auth", () => {
  test("every request on every route is recorded", async () => {
    await withSim({ responses: [{ text: "a" }] }, async (sim) => {
      const before = Date.now();
      await (await chat(sim, { tools: [{ type: "function" }] }, { path: "/chat/completions" })).text();
      await (await fetch(`${sim.origin}/v1/models?x=1`, { headers: { "x-custom": "v" } })).text();
      await (await fetch(`${sim.origin}/nowhere`, { method: "DELETE" })).text();
      assert.deepEqual(
        sim.requests.map((r) => [r.method, r.path]),
        [
          ["POST", "/chat/completions"],
          ["GET", "/v1/models?x=1"],
          ["DELETE", "/nowhere"],
        ],
      );
      const [c, m] = sim.requests;
      assert.equal(c.body.model, "test-model");
      assert.deepEqual(c.body.tools, [{ type: "function" }]);
      assert.equal(c.headers["content-type"], "application/json");
      assert.equal(m.body, undefined);
      assert.equal(m.headers["x-custom"], "v");
      assert.ok(c.time >= before && c.time <= Date.now());
    });
  });

  test("an api key is enforced with LiteLLM's 401 bodies", async () => {
    await withSim(
      { responses: [{ text: "ok" }] },
      async (sim) => {
        const none = await chat(sim);
        assert.equal(none.status, 401);
        assert.deepEqual(await json(none), {
          error: {
            message: "Authentication Error, No api key passed in.",
            type: "auth_error",
            param: "None",
            code: "401",
          },
        });
        const wrong = await fetch(`${sim.baseUrl}/models`, {
          headers: { authorization: "Bearer sk-wrong-key" },
        });
        assert.equal(wrong.status, 401);
        const body = await json(wrong);
        assert.equal(body.error.type, "token_not_found_in_db");
        assert.match(
          body.error.message,
          /Invalid proxy server token passed\. Received API Key = sk-\.\.\.-key/,
        );
        assert.equal((await fetch(`${sim.origin}/health/liveliness`)).status, 200);
        const ok = await chat(sim, {}, { headers: { authorization: "Bearer sk-good" } });
        assert.equal(ok.status, 200);
        assert.equal(
          (await collect(ok)).data[0].json.choices[0].delta.content,
          "ok",
          "401s consumed nothing",
        );
        assert.equal(sim.requests.length, 4);
      },
      { apiKey: "sk-good" },
    );
  });
});

describe("scenario files and the CLI", () => {
  test("hello.json creates hello.txt, patches it, then answers", async () => {
    await withSim(resolve(scenariosDir, "hello.json"), async (sim) => {
      const calls = [];
      for (let i = 0; i < 2; i++) {
        const chunks = (await collect(await chat(sim))).data.slice(0, -1).map((e) => e.json);
        const frags = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
        calls.push({
          name: frags[0].function.name,
          args: JSON.parse(frags.map((f) => f.function.arguments).join("")),
        });
      }
      assert.deepEqual(calls, [
        { name: "shell", args: { command: ["bash", "-lc", "printf 'helo wrld\\n' > hello.txt"] } },
        {
          name: "apply_patch",
          args: {
            input:
              "*** Begin Patch\n*** Update File: hello.txt\n@@\n-helo wrld\n+hello world\n*** End Patch\n",
          },
        },
      ]);
      const last = await json(await chat(sim, { stream: false }));
      assert.match(last.choices[0].message.content, /hello world/);
    });
  });

  test("every example scenario starts", async () => {
    const names = readdirSync(scenariosDir).filter((f) => f.endsWith(".json"));
    assert.ok(names.length >= 4);
    for (const name of names) await withSim(resolve(scenariosDir, name), async () => {});
  });

  test("invalid scenarios are rejected at start", async () => {
    await assert.rejects(startSimulator({ scenario: { responses: [{ status: 99 }] } }), /status/);
    await assert.rejects(
      startSimulator({ scenario: { responses: [{ text: "x", fault: { hang: 1 } as object }] } }),
      /hang/,
    );
    await assert.rejects(
      startSimulator({ scenario: { responses: [{ fixture: "no-such-file.sse" }] } }),
      /ENOENT/,
    );
  });
});
