import assert from "node:assert/strict";
import { test } from "node:test";
import { unsupportedParam } from "./errors.ts";
import { chatBody } from "./messages.ts";
import { parseUsage } from "./usage.ts";

test("cache writes: Anthropic's cache_creation_input_tokens via LiteLLM, or LiteLLM's prompt_tokens_details", () => {
  const base = { prompt_tokens: 100, completion_tokens: 5 };
  assert.equal(parseUsage({ ...base, cache_creation_input_tokens: 40 })?.cache_write_input_tokens, 40);
  assert.equal(
    parseUsage({ ...base, prompt_tokens_details: { cache_creation_tokens: 30 } })?.cache_write_input_tokens,
    30,
  );
  assert.equal(
    parseUsage({ ...base, prompt_tokens_details: { cache_write_tokens: 20 } })?.cache_write_input_tokens,
    20,
  );
  assert.equal(parseUsage(base)?.cache_write_input_tokens, undefined);
});

test("model_verbosity is sent as verbosity, and dropped when the gateway refuses it", () => {
  const req = { model: "m", instructions: "s", items: [], tools: [], verbosity: "low" };
  assert.equal(chatBody(req, { stream: true }).verbosity, "low");
  assert.equal("verbosity" in chatBody(req, { stream: true, dropParams: new Set(["verbosity"]) }), false);
  assert.equal(
    unsupportedParam("litellm.UnsupportedParamsError: anthropic does not support parameters: ['verbosity']"),
    "verbosity",
  );
});

test("developer messages from stock Codex's rollouts join the one system message", () => {
  const developer = {
    type: "message" as const,
    role: "developer" as const,
    content: [{ type: "input_text" as const, text: "DEV" }],
  };
  const user = {
    type: "message" as const,
    role: "user" as const,
    content: [{ type: "input_text" as const, text: "hi" }],
  };
  const messages = chatBody(
    { model: "m", instructions: "SYS", items: [developer, user], tools: [] },
    { stream: true },
  ).messages as { role: string; content: string }[];
  assert.deepEqual(
    messages.map((m) => m.role),
    ["system", "user"],
  );
  assert.match(messages[0].content, /^SYS[\s\S]*DEV$/);
});
