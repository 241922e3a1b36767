// The human exec renderer against SPEC.md §5: progress on stderr, the final answer alone on stdout.
// Each test feeds a scripted event sequence and compares the exact text written to each stream.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AgentEvent, SessionInfo } from "../../protocol/events.ts";
import type { Usage } from "../../protocol/model.ts";
import { createHumanRenderer, type HumanOptions } from "./human.ts";

const session: SessionInfo = {
  sessionId: "0190f00d-0000-7000-8000-000000000001",
  version: "1.2.3",
  cwd: "/work/project",
  model: "sim-model",
  provider: "litellm",
  baseUrl: "http://gw.test/v1",
  approvalPolicy: "never",
  sandbox: "workspace-write (bwrap, network off)",
  reasoningEffort: "high",
};

const usage = (over: Partial<Usage> = {}): Usage => ({
  input_tokens: 1200,
  cached_input_tokens: 0,
  output_tokens: 34,
  reasoning_output_tokens: 4,
  total_tokens: 1234,
  ...over,
});

function render(events: AgentEvent[], options: Partial<HumanOptions> = {}) {
  let stderr = "";
  let stdout = "";
  const emit = createHumanRenderer({
    color: false,
    stderr: (t) => {
      stderr += t;
    },
    stdout: (t) => {
      stdout += t;
    },
    ...options,
  });
  for (const e of events) emit(e);
  return { stderr, stdout };
}

const HEADER =
  "codex-litellm v1.2.3\n" +
  "--------\n" +
  "workdir: /work/project\n" +
  "model: sim-model\n" +
  "provider: litellm (http://gw.test/v1)\n" +
  "approval: never\n" +
  "sandbox: workspace-write (bwrap, network off)\n" +
  "reasoning effort: high\n" +
  "session id: 0190f00d-0000-7000-8000-000000000001\n" +
  "--------\n";

describe("exec human renderer", () => {
  test("a whole turn: header, reasoning, commands, patch, plan, answer; the answer alone on stdout", () => {
    const { stderr, stdout } = render([
      { type: "session_configured", session },
      { type: "turn_started", prompt: "fix the typo" },
      { type: "reasoning_delta", delta: "Let me th" },
      { type: "reasoning", text: "  Let me think.\n" },
      { type: "agent_message_delta", delta: "I'll look" },
      { type: "agent_message", text: "I'll look first." },
      {
        type: "exec_command_begin",
        callId: "c1",
        command: ["bash", "-lc", "cat hello.txt"],
        cwd: "/work/project",
      },
      { type: "exec_command_output_delta", callId: "c1", chunk: "helo\n" },
      {
        type: "exec_command_end",
        callId: "c1",
        command: ["bash", "-lc", "cat hello.txt"],
        exitCode: 0,
        output: "helo\n",
        durationMs: 12.4,
        status: "completed",
      },
      { type: "exec_command_begin", callId: "c2", command: ["grep", "x y", "f"], cwd: "/work/project" },
      {
        type: "exec_command_end",
        callId: "c2",
        command: ["grep", "x y", "f"],
        exitCode: 2,
        output: "",
        durationMs: 3.6,
        status: "failed",
      },
      { type: "patch_apply_begin", callId: "p1", changes: [{ path: "hello.txt", kind: "update" }] },
      {
        type: "patch_apply_end",
        callId: "p1",
        success: true,
        output: "Success.",
        changes: [
          { path: "new.txt", kind: "add" },
          { path: "hello.txt", kind: "update" },
          { path: "old.txt", kind: "delete" },
        ],
      },
      {
        type: "plan_updated",
        explanation: "two steps",
        plan: [
          { step: "look", status: "completed" },
          { step: "fix", status: "in_progress" },
          { step: "test", status: "pending" },
        ],
      },
      { type: "token_count", last: usage(), total: usage() },
      { type: "agent_message", text: "Fixed hello.txt." },
      { type: "turn_complete", lastMessage: "Fixed hello.txt.", usage: usage({ cached_input_tokens: 100 }) },
    ]);
    assert.equal(
      stderr,
      HEADER +
        "user\nfix the typo\n" +
        "thinking\nLet me think.\n" +
        "codex\nI'll look first.\n" +
        "exec\ncat hello.txt in /work/project\n" +
        " succeeded in 12ms:\nhelo\n" +
        "exec\ngrep 'x y' f in /work/project\n" +
        " exited 2 in 4ms:\n" +
        "apply patch\npatch: completed\nA new.txt\nM hello.txt\nD old.txt\n" +
        "plan\ntwo steps\n✓ look\n→ fix\n• test\n" +
        "codex\nFixed hello.txt.\n" +
        "tokens used: 1,234 (prompt 1,200, cached 100, completion 34, reasoning 4)\n",
    );
    assert.equal(stdout, "Fixed hello.txt.\n", "only the final answer, once, on stdout");
  });

  test("reasoning never reaches stdout; blank reasoning prints nothing", () => {
    const { stderr, stdout } = render([
      { type: "reasoning", text: "secret plan" },
      { type: "reasoning", text: "  \n " },
      { type: "turn_complete", lastMessage: null, usage: usage() },
    ]);
    assert.equal(stdout, "", "no answer, nothing on stdout");
    assert.equal(
      stderr,
      "thinking\nsecret plan\ntokens used: 1,234 (prompt 1,200, completion 34, reasoning 4)\n",
    );
  });

  test("stream_reset: partial text of the voided attempt is never shown; the retried answer is", () => {
    const { stderr, stdout } = render([
      { type: "reasoning_delta", delta: "half a tho" },
      { type: "agent_message_delta", delta: "Partial ans" },
      { type: "retry", attempt: 1, max: 5, reason: "stream reset" },
      { type: "stream_reset" },
      { type: "agent_message_delta", delta: "Complete" },
      { type: "agent_message", text: "Complete answer." },
      { type: "turn_complete", lastMessage: null, usage: usage() },
    ]);
    assert.equal(stdout, "Complete answer.\n", "the last agent_message stands in for a null lastMessage");
    assert.doesNotMatch(stderr, /Partial|half a/);
    assert.equal(
      stderr,
      "reconnecting 1/5 (stream reset)\ncodex\nComplete answer.\n" +
        "tokens used: 1,234 (prompt 1,200, completion 34, reasoning 4)\n",
    );
  });

  test("command output is cut to maxOutputLines; a declined command says so", () => {
    const { stderr } = render(
      [
        {
          type: "exec_command_end",
          callId: "c1",
          command: ["seq", "5"],
          exitCode: 1,
          output: "1\n2\n3\n4\n5\n",
          durationMs: 7,
          status: "failed",
        },
        {
          type: "exec_command_end",
          callId: "c2",
          command: ["touch", "x"],
          exitCode: null,
          output: "command declined and not run",
          durationMs: 0,
          status: "declined",
        },
      ],
      { maxOutputLines: 2 },
    );
    assert.equal(stderr, " exited 1 in 7ms:\n1\n2\n… +3 lines\n declined:\ncommand declined and not run\n");
  });

  test("a failed patch prints its error, not a file list", () => {
    const { stderr } = render([
      {
        type: "patch_apply_end",
        callId: "p",
        success: false,
        output: "patch rejected: ../x is outside the writable roots",
        changes: [{ path: "../x", kind: "add" }],
      },
    ]);
    assert.equal(stderr, "patch: failed\npatch rejected: ../x is outside the writable roots\n");
  });

  test("MCP calls: started, completed, failed (by error or by isError)", () => {
    const begin: AgentEvent = {
      type: "mcp_tool_call_begin",
      callId: "m1",
      server: "fs",
      tool: "read",
      arguments: { path: "a" },
    };
    const end = (over: object): AgentEvent =>
      ({
        type: "mcp_tool_call_end",
        callId: "m1",
        server: "fs",
        tool: "read",
        arguments: { path: "a" },
        result: { content: [{ type: "text", text: "hi" }] },
        error: null,
        output: "hi",
        durationMs: 8.2,
        ...over,
      }) as AgentEvent;
    const { stderr } = render([
      begin,
      end({}),
      end({ result: { content: [], isError: true }, output: "no such file" }),
      end({ result: null, error: "timed out", output: "" }),
    ]);
    assert.equal(
      stderr,
      "mcp\nfs/read started\n" +
        "fs/read (completed in 8ms):\nhi\n" +
        "fs/read (failed in 8ms):\nno such file\n" +
        "fs/read (failed in 8ms):\n",
    );
  });

  test("warnings, tool errors, retries, auto-continue, compaction and errors go to stderr only", () => {
    const { stderr, stdout } = render([
      { type: "warning", message: "unknown config key `foo`" },
      { type: "tool_error", callId: "c", name: "shell", message: "bad arguments" },
      { type: "retry", attempt: 2, max: 4, reason: "HTTP 503" },
      {
        type: "retry",
        attempt: 1,
        max: 9,
        reason: "connection refused",
        window: { remainingMs: 29_001, windowMs: 60_000 },
      },
      {
        type: "retry",
        attempt: 2,
        max: 9,
        reason: "connection refused",
        window: { remainingMs: 20_000, windowMs: 60_000 },
      },
      { type: "auto_continue", reason: "custom reason", attempt: 1, max: 3 },
      { type: "context_compacted", reason: "auto" },
      { type: "error", message: "gateway answered 500" },
      { type: "turn_failed", message: "gateway answered 500", usage: usage() },
    ]);
    assert.equal(stdout, "", "a failed turn prints no answer");
    assert.equal(
      stderr,
      "warning: unknown config key `foo`\n" +
        "tool error (shell): bad arguments\n" +
        "reconnecting 2/4 (HTTP 503)\n" +
        "gateway unreachable (connection refused); retrying for up to 30 s more\n" +
        "continuing automatically (1/3): custom reason\n" +
        "context compacted\n" +
        "ERROR: gateway answered 500\n" +
        "tokens used: 1,234 (prompt 1,200, completion 34, reasoning 4)\n",
    );
  });

  test("an aborted turn says so and prints no answer, even after an agent message", () => {
    const { stderr, stdout } = render([
      { type: "agent_message", text: "working on it" },
      { type: "turn_aborted", reason: "interrupted", usage: usage({ total_tokens: 0 }) },
    ]);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      "codex\nworking on it\nturn interrupted\ntokens used: 1,234 (prompt 1,200, completion 34, reasoning 4)\n",
      "a zero total falls back to prompt + completion",
    );
  });

  test("the answer is printed on stdout once, as written; formatAnswer styles only stderr", () => {
    const { stderr, stdout } = render(
      [
        { type: "agent_message", text: "**done**" },
        { type: "turn_complete", lastMessage: "**done**", usage: usage() },
        { type: "turn_complete", lastMessage: "**done**", usage: usage() },
      ],
      { formatAnswer: (t) => `<md>${t}</md>` },
    );
    assert.equal(stdout, "**done**\n");
    assert.ok(stderr.startsWith("codex\n<md>**done**</md>\n"), stderr);
  });

  test("escape sequences from the model are removed on both streams; colour is our own styles only", () => {
    const evil = "ok\x1b]52;c;ZXZpbA==\x07\x1b[2J done\u202e";
    const { stderr, stdout } = render(
      [
        { type: "agent_message", text: evil },
        { type: "turn_complete", lastMessage: evil, usage: usage() },
      ],
      { color: true },
    );
    assert.equal(stdout, "ok done\n");
    assert.ok(stderr.startsWith("\x1b[1m\x1b[35mcodex\x1b[39m\x1b[22m\nok done\n"), JSON.stringify(stderr));
    assert.doesNotMatch(stderr, /\]52|\[2J|\u202e/);
  });
});
