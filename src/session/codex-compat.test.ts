// Rollouts shared with stock Codex 0.171 both ways: what we write is what Codex replays (reasoning with a
// `summary`, `turn_context` with `turn_id` and `summary`), and every record type Codex writes reads back cleanly.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { usage } from "../../test/helpers/usage.ts";
import { messageText, userMessage } from "../protocol/items.ts";
import { appendHistory, trimHistory } from "./history.ts";
import { parseRollout, readRollout } from "./reader.ts";
import { SessionRecorder } from "./recorder.ts";

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "codex-compat-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const ID = "0190aaaa-0000-7000-8000-00000000000a";

test("reasoning is written with summary and content parts; turn_context carries turn_id and summary", () => {
  const recorder = SessionRecorder.create(
    home,
    {
      id: ID,
      cwd: "/w",
      originator: "codex-litellm",
      cli_version: "1",
      source: "exec",
      model_provider: "litellm",
      model: "m",
    },
    {
      turnContext: { cwd: "/w", approval_policy: "never", sandbox_policy: { type: "read-only" }, model: "m" },
    },
  );
  recorder.recordEvent({ type: "turn_started", prompt: "hi" });
  recorder.recordItem({ type: "reasoning", text: "think", reasoning_content: "think" });
  recorder.close();
  const lines = readFileSync(recorder.path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const context = lines.find((l) => l.type === "turn_context").payload;
  assert.match(context.turn_id, /^[0-9a-f-]{36}$/);
  assert.equal(context.summary, "auto");
  const started = lines.find((l) => l.payload.type === "task_started").payload;
  assert.equal(started.turn_id, context.turn_id);
  const reasoning = lines.find((l) => l.payload.type === "reasoning").payload;
  assert.deepEqual(reasoning.summary, [{ type: "summary_text", text: "think" }]);
  assert.deepEqual(reasoning.content, [{ type: "reasoning_text", text: "think" }]);
  // Read back, our own item is what it was.
  assert.deepEqual(readRollout(recorder.path).history, [
    { type: "reasoning", text: "think", reasoning_content: "think" },
  ]);
});

/** Records as stock Codex 0.171 writes them (shapes copied from a rollout it wrote, texts shortened). */
const CODEX_ROLLOUT = [
  {
    type: "session_meta",
    ordinal: 0,
    payload: {
      session_id: ID,
      id: ID,
      cwd: "/w",
      originator: "codex_exec",
      cli_version: "0.171.0",
      source: "exec",
      model_provider: "loc",
      history_mode: "paginated",
    },
  },
  {
    type: "event_msg",
    ordinal: 1,
    payload: { type: "task_started", turn_id: "t1", model_context_window: 1000 },
  },
  {
    type: "response_item",
    payload: {
      type: "message",
      id: "msg_1",
      role: "developer",
      content: [{ type: "input_text", text: "<permissions instructions>read-only" }],
    },
    metadata: { history_sequence: 1 },
  },
  {
    type: "response_item",
    payload: { type: "message", role: "user", content: [{ type: "input_text", text: "ping" }] },
  },
  { type: "world_state", payload: { full: true, state: { agents_md: {} } } },
  {
    type: "turn_context",
    payload: {
      turn_id: "t1",
      cwd: "/w",
      approval_policy: "never",
      model: "m1",
      summary: "none",
      sandbox_policy: { type: "read-only" },
    },
  },
  {
    type: "response_item",
    payload: {
      type: "reasoning",
      id: "rs_1",
      summary: [{ type: "summary_text", text: "plan" }],
      content: null,
      encrypted_content: null,
    },
  },
  {
    type: "response_item",
    payload: {
      type: "message",
      id: "msg_2",
      role: "assistant",
      content: [{ type: "output_text", text: "pong" }],
    },
  },
  { type: "token_usage_record", payload: { usage: usage(10, 2) } },
  {
    type: "event_msg",
    payload: {
      type: "token_count",
      info: {
        total_token_usage: { ...usage(970, 20), cache_write_input_tokens: 3 },
        last_token_usage: usage(950, 20),
        model_context_window: 1000,
      },
      rate_limits: { limit_id: "codex" },
    },
  },
  { type: "event_msg", payload: { type: "task_complete", turn_id: "t1", last_agent_message: "pong" } },
].map((r) => JSON.stringify({ timestamp: "2026-12-04T10:00:00.000Z", ...r }));

test("every record type stock Codex writes reads without warnings; developer messages and summaries replay", () => {
  const rollout = parseRollout(`${CODEX_ROLLOUT.join("\n")}\n`, "codex.jsonl");
  assert.deepEqual(rollout.warnings, []);
  assert.equal(rollout.meta?.id, ID);
  assert.deepEqual(
    rollout.history.map((i) =>
      i.type === "message" ? `${i.role}:${messageText(i)}` : `${i.type}:${"text" in i ? i.text : ""}`,
    ),
    ["developer:<permissions instructions>read-only", "user:ping", "reasoning:plan", "assistant:pong"],
  );
  assert.deepEqual(rollout.usage, {
    total: { ...usage(970, 20), cache_write_input_tokens: 3 },
    last: usage(950, 20),
  });
});

test("usage after a compaction keeps the totals but not the last request's size", () => {
  const compacted = JSON.stringify({
    timestamp: "t",
    type: "compacted",
    payload: { message: "S", replacement_history: [userMessage("p")] },
  });
  const rollout = parseRollout([...CODEX_ROLLOUT, compacted].join("\n"), "f");
  assert.deepEqual(rollout.usage, { total: { ...usage(970, 20), cache_write_input_tokens: 3 } });
});

test("history.max_bytes: a file past the cap keeps its newest lines within 80% of it", () => {
  for (let i = 0; i < 20; i++) appendHistory(home, ID, `prompt number ${i}`, 1000, 1000);
  const text = readFileSync(join(home, "history.jsonl"), "utf8");
  assert.ok(text.length <= 1000, `${text.length} bytes`);
  assert.match(text, /prompt number 19"/);
  assert.doesNotMatch(text, /prompt number 0"/);
  const path = join(home, "h.jsonl");
  writeFileSync(path, `${"a".repeat(50)}\n${"b".repeat(50)}\n${"c".repeat(50)}\n`);
  trimHistory(path, 120);
  assert.equal(readFileSync(path, "utf8"), `${"c".repeat(50)}\n`);
});
