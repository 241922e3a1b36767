// The `exec --json` renderer against SPEC.md §5 (Codex's JSONL schema): each test feeds a scripted event
// sequence and compares every line written, parsed, with the exact items expected.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { AgentEvent } from "../../protocol/events.ts";
import type { Usage } from "../../protocol/model.ts";
import { createJsonlRenderer } from "./jsonl.ts";

const usage = (over: Partial<Usage> = {}): Usage => ({
  input_tokens: 300,
  cached_input_tokens: 40,
  output_tokens: 30,
  reasoning_output_tokens: 8,
  total_tokens: 330,
  ...over,
});

function render(events: AgentEvent[]) {
  const raw: string[] = [];
  const emit = createJsonlRenderer((line) => raw.push(line));
  for (const e of events) emit(e);
  for (const line of raw) assert.match(line, /^\{[^\n]*\}\n$/, "one JSON object per write, one line each");
  return { raw, lines: raw.map((l) => JSON.parse(l)) };
}

const end = (
  callId: string,
  command: string[],
  exitCode: number | null,
  output: string,
  status: "completed" | "failed" | "declined",
): AgentEvent => ({
  type: "exec_command_end",
  callId,
  command,
  exitCode,
  output,
  durationMs: 5,
  status,
});

describe("exec --json renderer", () => {
  test("a whole turn maps onto thread/turn/item events with stable ids", () => {
    const { lines } = render([
      {
        type: "session_configured",
        session: {
          sessionId: "sess-1",
          version: "1.2.3",
          cwd: "/w",
          model: "m",
          provider: "litellm",
          baseUrl: "http://gw/v1",
          approvalPolicy: "never",
          sandbox: "read-only",
        },
      },
      { type: "turn_started", prompt: "go" },
      { type: "reasoning_delta", delta: "Thi" },
      { type: "reasoning", text: "   " },
      { type: "reasoning", text: "Think first." },
      { type: "agent_message_delta", delta: "Look" },
      { type: "agent_message", text: "Looking." },
      { type: "exec_command_begin", callId: "c1", command: ["bash", "-lc", "ls -a"], cwd: "/w" },
      { type: "exec_command_begin", callId: "c2", command: ["false"], cwd: "/w" },
      { type: "exec_command_output_delta", callId: "c1", chunk: "a\n" },
      end("c2", ["false"], 1, "", "failed"),
      end("c1", ["bash", "-lc", "ls -a"], 0, "a\nb\n", "completed"),
      {
        type: "patch_apply_begin",
        callId: "p1",
        changes: [{ path: "old.txt", kind: "update", move_path: "new.txt" }],
      },
      {
        type: "patch_apply_end",
        callId: "p1",
        success: true,
        output: "Success.",
        changes: [{ path: "old.txt", kind: "update", move_path: "new.txt" }],
      },
      { type: "token_count", last: usage(), total: usage() },
      { type: "context_compacted", reason: "auto" },
      { type: "agent_message", text: "Done." },
      { type: "turn_complete", lastMessage: "Done.", usage: usage({ cache_write_input_tokens: 25 }) },
    ]);
    assert.deepEqual(lines, [
      { type: "thread.started", thread_id: "sess-1" },
      { type: "turn.started" },
      { type: "item.completed", item: { id: "item_0", type: "reasoning", text: "Think first." } },
      { type: "item.completed", item: { id: "item_1", type: "agent_message", text: "Looking." } },
      {
        type: "item.started",
        item: {
          id: "item_2",
          type: "command_execution",
          command: "ls -a",
          aggregated_output: "",
          exit_code: null,
          status: "in_progress",
        },
      },
      {
        type: "item.started",
        item: {
          id: "item_3",
          type: "command_execution",
          command: "false",
          aggregated_output: "",
          exit_code: null,
          status: "in_progress",
        },
      },
      {
        type: "item.completed",
        item: {
          id: "item_3",
          type: "command_execution",
          command: "false",
          aggregated_output: "",
          exit_code: 1,
          status: "failed",
        },
      },
      {
        type: "item.completed",
        item: {
          id: "item_2",
          type: "command_execution",
          command: "ls -a",
          aggregated_output: "a\nb\n",
          exit_code: 0,
          status: "completed",
        },
      },
      {
        type: "item.started",
        item: {
          id: "item_4",
          type: "file_change",
          changes: [{ path: "old.txt", kind: "update" }],
          status: "in_progress",
        },
      },
      {
        type: "item.completed",
        item: {
          id: "item_4",
          type: "file_change",
          changes: [{ path: "old.txt", kind: "update" }],
          status: "completed",
        },
      },
      { type: "item.completed", item: { id: "item_5", type: "agent_message", text: "Done." } },
      {
        type: "turn.completed",
        usage: {
          input_tokens: 300,
          cached_input_tokens: 40,
          cache_write_input_tokens: 25,
          output_tokens: 30,
          reasoning_output_tokens: 8,
        },
      },
    ]);
  });

  test("stream_reset: nothing of the voided attempt is written; the retried answer is one item", () => {
    const { lines } = render([
      { type: "agent_message_delta", delta: "Partial ans" },
      { type: "reasoning_delta", delta: "half" },
      { type: "retry", attempt: 1, max: 5, reason: "stream reset" },
      { type: "stream_reset" },
      { type: "agent_message", text: "Complete answer." },
      { type: "turn_complete", lastMessage: "Complete answer.", usage: usage() },
    ]);
    assert.deepEqual(lines, [
      { type: "error", message: "Reconnecting... 1/5 (stream reset)" },
      { type: "item.completed", item: { id: "item_0", type: "agent_message", text: "Complete answer." } },
      {
        type: "turn.completed",
        usage: {
          input_tokens: 300,
          cached_input_tokens: 40,
          cache_write_input_tokens: 0,
          output_tokens: 30,
          reasoning_output_tokens: 8,
        },
      },
    ]);
  });

  test("a failed patch and a declined command complete their started items", () => {
    const { lines } = render([
      { type: "patch_apply_begin", callId: "p", changes: [{ path: "../x", kind: "add" }] },
      {
        type: "patch_apply_end",
        callId: "p",
        success: false,
        output: "patch rejected",
        changes: [{ path: "../x", kind: "add" }],
      },
      { type: "exec_command_begin", callId: "c", command: ["touch", "x"], cwd: "/w" },
      end("c", ["touch", "x"], null, "command declined and not run", "declined"),
    ]);
    assert.deepEqual(
      lines.map((l) => [l.type, l.item.id, l.item.status]),
      [
        ["item.started", "item_0", "in_progress"],
        ["item.completed", "item_0", "failed"],
        ["item.started", "item_1", "in_progress"],
        ["item.completed", "item_1", "declined"],
      ],
    );
    assert.equal(lines[3].item.exit_code, null);
    assert.equal(lines[3].item.aggregated_output, "command declined and not run");
  });

  test("MCP calls: started, completed with structured content, failed by error or by isError", () => {
    const call = { server: "fs", tool: "read", arguments: { path: "a" } };
    const { lines } = render([
      { type: "mcp_tool_call_begin", callId: "m1", ...call },
      { type: "mcp_tool_call_begin", callId: "m2", ...call },
      { type: "mcp_tool_call_begin", callId: "m3", ...call },
      {
        type: "mcp_tool_call_end",
        callId: "m2",
        ...call,
        result: null,
        error: "timed out after 60 s",
        output: "",
        durationMs: 1,
      },
      {
        type: "mcp_tool_call_end",
        callId: "m1",
        ...call,
        result: { content: [{ type: "text", text: "hi" }], structuredContent: { n: 1 } },
        error: null,
        output: "hi",
        durationMs: 1,
      },
      {
        type: "mcp_tool_call_end",
        callId: "m3",
        ...call,
        result: { content: [{ type: "text", text: "no such file" }], isError: true },
        error: null,
        output: "no such file",
        durationMs: 1,
      },
    ]);
    const item = (id: string, over: object) => ({
      id,
      type: "mcp_tool_call",
      server: "fs",
      tool: "read",
      arguments: { path: "a" },
      result: null,
      error: null,
      status: "in_progress",
      ...over,
    });
    assert.deepEqual(lines, [
      { type: "item.started", item: item("item_0", {}) },
      { type: "item.started", item: item("item_1", {}) },
      { type: "item.started", item: item("item_2", {}) },
      {
        type: "item.completed",
        item: item("item_1", { error: { message: "timed out after 60 s" }, status: "failed" }),
      },
      {
        type: "item.completed",
        item: item("item_0", {
          result: { content: [{ type: "text", text: "hi" }], structured_content: { n: 1 } },
          status: "completed",
        }),
      },
      {
        type: "item.completed",
        item: item("item_2", {
          result: { content: [{ type: "text", text: "no such file" }], structured_content: null },
          status: "failed",
        }),
      },
    ]);
  });

  test("plan updates are one todo_list item: started, updated, completed at the end of the turn", () => {
    const { lines } = render([
      {
        type: "plan_updated",
        plan: [
          { step: "look", status: "in_progress" },
          { step: "fix", status: "pending" },
        ],
      },
      { type: "agent_message", text: "between" },
      {
        type: "plan_updated",
        explanation: "progress",
        plan: [
          { step: "look", status: "completed" },
          { step: "fix", status: "in_progress" },
        ],
      },
      { type: "turn_complete", lastMessage: "between", usage: usage() },
    ]);
    const items = [
      { text: "look", completed: true },
      { text: "fix", completed: false },
    ];
    assert.deepEqual(lines.slice(0, 4), [
      {
        type: "item.started",
        item: {
          id: "item_0",
          type: "todo_list",
          items: [
            { text: "look", completed: false },
            { text: "fix", completed: false },
          ],
        },
      },
      { type: "item.completed", item: { id: "item_1", type: "agent_message", text: "between" } },
      { type: "item.updated", item: { id: "item_0", type: "todo_list", items } },
      { type: "item.completed", item: { id: "item_0", type: "todo_list", items } },
    ]);
    assert.equal(lines[4].type, "turn.completed");
    assert.equal(lines.length, 5);
  });

  test("warnings, tool errors and auto-continue are error items; retries and errors are top-level errors", () => {
    const { lines } = render([
      { type: "warning", message: "unknown config key `foo`" },
      { type: "tool_error", callId: "c", name: "shell", message: "bad arguments" },
      { type: "auto_continue", reason: "announced_action", attempt: 1, max: 3 },
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
      { type: "error", message: "gateway answered 500" },
      { type: "turn_failed", message: "gateway answered 500", usage: usage() },
    ]);
    assert.deepEqual(lines, [
      { type: "item.completed", item: { id: "item_0", type: "error", message: "unknown config key `foo`" } },
      { type: "item.completed", item: { id: "item_1", type: "error", message: "bad arguments" } },
      {
        type: "item.completed",
        item: { id: "item_2", type: "error", message: "auto-continue 1/3: announced_action" },
      },
      { type: "error", message: "Reconnecting... 2/4 (HTTP 503)" },
      { type: "error", message: "gateway unreachable (connection refused); retrying for up to 30 s more" },
      { type: "error", message: "gateway answered 500" },
      { type: "turn.failed", error: { message: "gateway answered 500" } },
    ]);
  });

  test("an aborted turn writes no line", () => {
    assert.deepEqual(render([{ type: "turn_aborted", reason: "interrupted", usage: usage() }]).lines, []);
  });

  test("C1 and bidi controls are escaped in the JSON text, losslessly", () => {
    const text = "a\u009b31mb\u202ec\x1b[2J";
    const { raw, lines } = render([{ type: "agent_message", text }]);
    assert.ok(!/[\u0080-\u009f\u202e\x1b]/.test(raw[0]), JSON.stringify(raw[0]));
    assert.ok(raw[0].includes("\\u009b") && raw[0].includes("\\u202e") && raw[0].includes("\\u001b"));
    assert.equal(lines[0].item.text, text);
  });
});
