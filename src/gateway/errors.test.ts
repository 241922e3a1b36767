import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  bodyMessage,
  httpError,
  isContextWindowMessage,
  retryAfterSeconds,
  unsupportedParam,
} from "./errors.ts";

describe("gateway errors", () => {
  test("messages from LiteLLM, FastAPI and plain bodies", () => {
    assert.equal(
      bodyMessage('{"error":{"message":"litellm.BadRequestError: nope","code":"400"}}'),
      "litellm.BadRequestError: nope",
    );
    assert.equal(bodyMessage('{"detail":{"error":"upstream said no"}}'), "upstream said no");
    assert.equal(bodyMessage("Bad Gateway"), "Bad Gateway");
  });

  test("status classification: 4xx final, 408/429/5xx retryable, context window recognised", () => {
    for (const s of [400, 401, 402, 403, 404])
      assert.equal(httpError(s, "{}", {}).retryable, false, String(s));
    for (const s of [408, 429, 500, 502, 503, 504])
      assert.equal(httpError(s, "{}", {}).retryable, true, String(s));
    assert.match(
      httpError(402, '{"error":{"message":"Budget has been exceeded!"}}', {}).message,
      /402 \(budget exceeded\): Budget has been exceeded!/,
    );
    const ctx = httpError(
      400,
      '{"error":{"message":"litellm.ContextWindowExceededError: prompt is too long: 209303 tokens > 200000 maximum"}}',
      {},
    );
    assert.equal(ctx.kind, "context_window");
    assert.ok(isContextWindowMessage("This model's maximum context length is 128000 tokens"));
    assert.ok(!isContextWindowMessage("Invalid API key"));
  });

  test("Retry-After in seconds, as a date, from llm_provider-retry-after, or in the text", () => {
    assert.equal(retryAfterSeconds({ "retry-after": "3" }, ""), 3);
    assert.equal(retryAfterSeconds({ "llm_provider-retry-after": "7" }, ""), 7);
    const date = new Date(Date.now() + 5000).toUTCString();
    const fromDate = retryAfterSeconds({ "retry-after": date }, "") ?? 0;
    assert.ok(fromDate > 3 && fromDate <= 5, String(fromDate));
    assert.equal(retryAfterSeconds({}, "Rate limit reached. Please try again in 20s."), 20);
    assert.equal(retryAfterSeconds({}, "slow down"), undefined);
    assert.equal(httpError(429, "{}", { "retry-after": "2" }).retryAfterSec, 2);
  });

  test("UnsupportedParamsError names the parameter to drop", () => {
    assert.equal(
      unsupportedParam(
        "litellm.UnsupportedParamsError: bedrock does not support parameters: ['reasoning_effort']",
      ),
      "reasoning_effort",
    );
    assert.equal(unsupportedParam("litellm.BadRequestError: reasoning_effort looks fine"), undefined);
  });
});
