import assert from "node:assert/strict";
import { test } from "node:test";
import type { ModelProfile } from "../config/types.ts";
import { globMatch, modelProfile } from "./quirks.ts";

const auto = { streamMode: "auto" as const, bufferedModels: [] };

test("globs match whole names, case-insensitively", () => {
  assert.ok(globMatch("gpt-oss*", "GPT-OSS-120b"));
  assert.ok(globMatch("*/gpt-oss*", "openai/gpt-oss-20b"));
  assert.ok(!globMatch("gpt-oss*", "openai/gpt-oss-20b"));
  assert.ok(globMatch("corp/model-?", "corp/model-7"));
  assert.ok(!globMatch("a.b", "axb"), "dots are literal");
});

test("defaults for an unknown model: stream with fallback, replay rules of DeepSeek and MiniMax", () => {
  assert.deepEqual(modelProfile("claude-sonnet-4-5", [], auto), {
    streamMode: "auto",
    bufferedReason: undefined,
    autoContinueMax: undefined,
    reasoningContentReplay: "tool_calls",
    rawContentReplay: true,
  });
});

test("built-in gpt-oss row: buffered with a reason, more nudges", () => {
  const p = modelProfile("vercel/gpt-oss-120b", [], auto);
  assert.equal(p.streamMode, "buffered");
  assert.match(p.bufferedReason ?? "", /gpt-oss/);
  assert.equal(p.autoContinueMax, 5);
});

test("precedence: user profile > provider stream_mode > buffered_models > built-in row", () => {
  const user: ModelProfile[] = [
    { name: "mine", models: ["gpt-oss*"], streamMode: "stream", autoContinueMax: 1, rawContentReplay: false },
  ];
  const p = modelProfile("gpt-oss-20b", user, auto, { autoContinueMax: 9 });
  assert.deepEqual([p.streamMode, p.autoContinueMax, p.rawContentReplay], ["stream", 1, false]);
  assert.equal(
    modelProfile("gpt-oss-20b", [], { streamMode: "stream", bufferedModels: [] }).streamMode,
    "stream",
  );
  assert.equal(
    modelProfile("gpt-oss-20b", [], auto, { autoContinueMax: 9 }).autoContinueMax,
    9,
    "root beats built-in",
  );
  const glob = modelProfile("corp/x", [], { streamMode: "auto", bufferedModels: ["corp/*"] });
  assert.deepEqual([glob.streamMode, glob.bufferedReason], ["buffered", "buffered_models matches `corp/*`"]);
});

test("the first matching user table wins field by field; later tables fill the gaps", () => {
  const user: ModelProfile[] = [
    { name: "specific", models: ["corp/fast"], reasoningContentReplay: "never" },
    { name: "family", models: ["corp/*"], reasoningContentReplay: "always", autoContinueMax: 2 },
  ];
  const p = modelProfile("corp/fast", user, auto);
  assert.deepEqual([p.reasoningContentReplay, p.autoContinueMax], ["never", 2]);
});
