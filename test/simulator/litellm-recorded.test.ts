// What the real LiteLLM proxy sent (test/fixtures/litellm-<version>/, recorded by `npm run fixtures:litellm`),
// replayed byte for byte by the simulator into the gateway client: real LiteLLM output covered without Python.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { ProviderConfig } from "../../src/config/types.ts";
import type { GatewayError, ModelEvent } from "../../src/protocol/model.ts";
import { collect, finalResponse, testGateway } from "../helpers/gateway.ts";
import { repoRoot, type ScriptedResponse } from "./scenario.ts";
import { startSimulator } from "./server.ts";
import { thinkingSignature } from "./upstream/anthropic.ts";

interface Capture {
  name: string;
  file: string;
  status: number;
  headers: Record<string, string>;
}

const versions = readdirSync(join(repoRoot, "test/fixtures")).filter((d) => d.startsWith("litellm-"));
const REASONING = "The user wants a listing; ls will do.";

function scripted(dir: string, c: Capture): ScriptedResponse {
  const path = join(dir, c.file);
  if (c.status === 200) return { fixture: path, headers: c.headers };
  return { status: c.status, body: JSON.parse(readFileSync(path, "utf8")), headers: c.headers };
}

async function replay(
  dir: string,
  c: Capture,
  provider: Partial<ProviderConfig> = {},
): Promise<ModelEvent[]> {
  const sim = await startSimulator({ scenario: { responses: [scripted(dir, c)] } });
  try {
    return await collect(testGateway(sim.baseUrl, provider));
  } finally {
    await sim.close();
  }
}

function failure(events: ModelEvent[]): GatewayError {
  const last = events.at(-1);
  if (last?.type !== "error") throw new Error(`expected an error, got ${JSON.stringify(last)}`);
  return last.error;
}

const text = (events: ModelEvent[], type: "text_delta" | "reasoning_delta") =>
  events.map((e) => (e.type === type ? e.delta : "")).join("");

for (const version of versions) {
  const dir = join(repoRoot, "test/fixtures", version);
  const index = JSON.parse(readFileSync(join(dir, "captures.json"), "utf8"));
  const captures: Record<string, Capture> = Object.fromEntries(
    index.captures.map((c: Capture) => [c.name, c]),
  );
  const the = (name: string) => {
    const c = captures[name];
    assert.ok(c, `${version} has no capture ${name}`);
    return c;
  };

  describe(`LiteLLM ${index.litellm} as recorded: answers`, () => {
    test("OpenAI upstream, streamed: reasoning, text, the tool call whole, usage and usage.cost", async () => {
      const events = await replay(dir, the("openai-stream-tool-call"));
      const r = finalResponse(events);
      assert.equal(text(events, "reasoning_delta"), REASONING);
      assert.equal(r.text, "Listing the files.");
      assert.deepEqual(
        r.toolCalls.map((t) => [t.id, t.name, JSON.parse(t.arguments)]),
        [["call_ls_1", "shell", { command: ["ls", "-a"] }]],
      );
      assert.equal(r.usage?.input_tokens, 120);
      assert.equal(r.usage?.output_tokens, 30);
      // LiteLLM's price from test/litellm/config.yaml, 120 × $3/M + 30 × $15/M: a stream has no cost header,
      // the cost rides in usage.cost.
      assert.ok(Math.abs((r.cost ?? 0) - 0.00081) < 1e-12, `cost ${r.cost}`);
    });

    test("OpenAI upstream, buffered: the cost comes from the header", async () => {
      const events = await replay(dir, the("openai-buffered-tool-call"), { streamMode: "buffered" });
      const r = finalResponse(events);
      assert.equal(r.toolCalls[0].id, "call_ls_1");
      assert.equal(r.cost, Number(the("openai-buffered-tool-call").headers["x-litellm-response-cost"]));
    });

    test("Anthropic upstream, streamed: thinking blocks merged with their signature, toolu_ id", async () => {
      const events = await replay(dir, the("anthropic-stream-thinking-tool-use"));
      const r = finalResponse(events);
      assert.equal(text(events, "reasoning_delta"), REASONING);
      assert.equal(r.text, "Listing the files.", "the empty content beside each thinking delta adds nothing");
      assert.deepEqual(r.thinkingBlocks, [
        { type: "thinking", thinking: REASONING, signature: thinkingSignature(REASONING) },
      ]);
      assert.deepEqual(
        r.toolCalls.map((t) => [t.id, JSON.parse(t.arguments)]),
        [["toolu_ls_1", { command: ["ls", "-a"] }]],
      );
      // LiteLLM's own price for claude-sonnet-4-5, 120 × $3/M + 30 × $15/M.
      assert.ok(Math.abs((r.cost ?? 0) - 0.00081) < 1e-12, `cost ${r.cost}`);
    });

    test("Anthropic upstream, buffered: a tool call at index 2 is still the first call", async () => {
      const events = await replay(dir, the("anthropic-buffered-thinking-tool-use"), {
        streamMode: "buffered",
      });
      const r = finalResponse(events);
      assert.deepEqual(
        r.toolCalls.map((t) => t.id),
        ["toolu_ls_1"],
      );
      assert.equal(r.thinkingBlocks?.[0]?.signature, thinkingSignature(REASONING));
    });

    test("Ollama upstream: a new chunk id on every chunk, LiteLLM's uuid as the tool call id", async () => {
      const events = await replay(dir, the("ollama-stream-tool-call"));
      const r = finalResponse(events);
      assert.equal(text(events, "reasoning_delta"), REASONING);
      assert.equal(r.text, "Listing the files.");
      assert.equal(r.toolCalls.length, 1);
      assert.match(r.toolCalls[0].id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(JSON.parse(r.toolCalls[0].arguments), { command: ["ls", "-a"] });
    });
  });

  describe(`LiteLLM ${index.litellm} as recorded: errors`, () => {
    test("an unknown model: 400, not retried, LiteLLM's words", async () => {
      const e = failure(await replay(dir, the("error-unknown-model")));
      assert.equal(e.status, 400);
      assert.equal(e.retryable, false);
      assert.match(e.message, /Invalid model name passed in model=no-such-model/);
    });

    test("a key that is not the master key: LiteLLM says 400 no_db_connection; we name the key", async () => {
      const e = failure(await replay(dir, the("error-wrong-key")));
      assert.equal(e.status, 400);
      assert.equal(e.retryable, false);
      assert.match(e.message, /LITELLM_API_KEY/);
    });

    test("a deployment rpm limit: 429, retryable after llm_provider-retry-after", async () => {
      const e = failure(await replay(dir, the("error-rate-limited")));
      assert.equal(e.status, 429);
      assert.equal(e.retryable, true);
      assert.equal(e.retryAfterSec, 60);
    });

    test("an upstream 429's retry-after is relayed as llm_provider-retry-after", async () => {
      const e = failure(await replay(dir, the("error-upstream-429-retry-after")));
      assert.equal(e.retryAfterSec, 2);
    });

    test("the context window: LiteLLM's ContextWindowExceededError is recognised", async () => {
      const e = failure(await replay(dir, the("error-context-window")));
      assert.equal(e.kind, "context_window");
    });

    for (const name of ["error-upstream-500", "error-anthropic-overloaded", "upstream-reset-early"]) {
      test(`${name}: a retryable 500`, async () => {
        const e = failure(await replay(dir, the(name)));
        assert.equal(e.status, 500);
        assert.equal(e.retryable, true);
      });
    }

    for (const name of ["upstream-malformed-chunk", "upstream-error-event", "upstream-reset"]) {
      test(`${name}: LiteLLM ends the stream with an in-band error event, retryable`, async () => {
        const e = failure(await replay(dir, the(name)));
        assert.equal(e.kind, "stream");
        assert.equal(e.retryable, true);
      });
    }
  });
}
