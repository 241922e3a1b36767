// `exec --json`: maps internal events onto Codex's public JSONL schema (src/protocol/exec-json.ts).
import type { AgentEvent } from "../../protocol/events.ts";
import type { JsonUsage, ThreadEvent, ThreadItem } from "../../protocol/exec-json.ts";
import type { Usage } from "../../protocol/model.ts";
import { escapeJsonControls } from "../../util/terminal-text.ts";
import { commandText } from "../common/command-text.ts";
import { retryPrinted, retryText } from "../common/retry-text.ts";

export function jsonUsage(u: Usage): JsonUsage {
  return {
    input_tokens: u.input_tokens,
    cached_input_tokens: u.cached_input_tokens,
    cache_write_input_tokens: u.cache_write_input_tokens ?? 0,
    output_tokens: u.output_tokens,
    reasoning_output_tokens: u.reasoning_output_tokens,
  };
}

export function createJsonlRenderer(write: (line: string) => void): (event: AgentEvent) => void {
  let nextId = 0;
  const newId = () => `item_${nextId++}`;
  // JSON.stringify escapes C0 controls (ESC included); C1 and bidi controls are escaped too, losslessly.
  const out = (e: ThreadEvent) => write(`${escapeJsonControls(JSON.stringify(e))}\n`);
  const commands = new Map<string, string>();
  const patches = new Map<string, string>();
  const mcpCalls = new Map<string, string>();
  let todo: { id: string; items: { text: string; completed: boolean }[] } | undefined;

  return (event) => {
    switch (event.type) {
      case "session_configured":
        out({ type: "thread.started", thread_id: event.session.sessionId });
        break;
      case "turn_started":
        out({ type: "turn.started" });
        break;
      case "reasoning":
        if (event.text.trim())
          out({ type: "item.completed", item: { id: newId(), type: "reasoning", text: event.text } });
        break;
      case "agent_message":
        out({ type: "item.completed", item: { id: newId(), type: "agent_message", text: event.text } });
        break;
      case "exec_command_begin": {
        const id = newId();
        commands.set(event.callId, id);
        const item: ThreadItem = {
          id,
          type: "command_execution",
          command: commandText(event.command),
          aggregated_output: "",
          exit_code: null,
          status: "in_progress",
        };
        out({ type: "item.started", item });
        break;
      }
      case "exec_command_end": {
        const id = commands.get(event.callId) ?? newId();
        commands.delete(event.callId);
        out({
          type: "item.completed",
          item: {
            id,
            type: "command_execution",
            command: commandText(event.command),
            aggregated_output: event.output,
            exit_code: event.exitCode,
            status: event.status,
          },
        });
        break;
      }
      case "patch_apply_begin": {
        const id = newId();
        patches.set(event.callId, id);
        out({
          type: "item.started",
          item: {
            id,
            type: "file_change",
            changes: event.changes.map(({ path, kind }) => ({ path, kind })),
            status: "in_progress",
          },
        });
        break;
      }
      case "patch_apply_end": {
        const id = patches.get(event.callId) ?? newId();
        patches.delete(event.callId);
        out({
          type: "item.completed",
          item: {
            id,
            type: "file_change",
            changes: event.changes.map(({ path, kind }) => ({ path, kind })),
            status: event.success ? "completed" : "failed",
          },
        });
        break;
      }
      case "mcp_tool_call_begin": {
        const id = newId();
        mcpCalls.set(event.callId, id);
        out({
          type: "item.started",
          item: { ...mcpItem(id, event), result: null, error: null, status: "in_progress" },
        });
        break;
      }
      case "mcp_tool_call_end": {
        const id = mcpCalls.get(event.callId) ?? newId();
        mcpCalls.delete(event.callId);
        const { result, error } = event;
        out({
          type: "item.completed",
          item: {
            ...mcpItem(id, event),
            result: result
              ? { content: result.content, structured_content: result.structuredContent ?? null }
              : null,
            error: error === null ? null : { message: error },
            status: error === null && !result?.isError ? "completed" : "failed",
          },
        });
        break;
      }
      case "plan_updated": {
        const items = event.plan.map((s) => ({ text: s.step, completed: s.status === "completed" }));
        if (!todo) {
          todo = { id: newId(), items };
          out({ type: "item.started", item: { id: todo.id, type: "todo_list", items } });
        } else {
          todo.items = items;
          out({ type: "item.updated", item: { id: todo.id, type: "todo_list", items } });
        }
        break;
      }
      case "warning":
      case "tool_error":
        out({ type: "item.completed", item: { id: newId(), type: "error", message: event.message } });
        break;
      case "retry":
        // Codex's wording for a counted retry; an outage is announced once.
        if (event.window) {
          if (retryPrinted(event)) out({ type: "error", message: retryText(event) });
        } else
          out({ type: "error", message: `Reconnecting... ${event.attempt}/${event.max} (${event.reason})` });
        break;
      case "error":
        out({ type: "error", message: event.message });
        break;
      case "turn_complete":
        if (todo)
          out({ type: "item.completed", item: { id: todo.id, type: "todo_list", items: todo.items } });
        todo = undefined;
        out({ type: "turn.completed", usage: jsonUsage(event.usage) });
        break;
      case "turn_failed":
        out({ type: "turn.failed", error: { message: event.message } });
        break;
      case "auto_continue":
        out({
          type: "item.completed",
          item: {
            id: newId(),
            type: "error",
            message: `auto-continue ${event.attempt}/${event.max}: ${event.reason}`,
          },
        });
        break;
      case "turn_aborted":
      case "agent_message_delta":
      case "reasoning_delta":
      case "stream_reset":
      case "exec_command_output_delta":
      case "token_count":
      // Codex's exec JSONL has no compaction event; the human renderer prints "context compacted".
      case "context_compacted":
        break;
      default:
        event satisfies never;
    }
  };
}

/** The fields an `mcp_tool_call` item has from its start to its end. */
function mcpItem(id: string, call: { server: string; tool: string; arguments: unknown }) {
  return {
    id,
    type: "mcp_tool_call" as const,
    server: call.server,
    tool: call.tool,
    arguments: call.arguments,
  };
}
