// The transcript as a pure reducer over the agent's events. Finished cells are append-only (`done`, drawn
// once into the terminal's scrollback by Ink's <Static>); cells still changing (a streaming answer, a running
// command) are `live` and drawn below them until they finish.
import { describeContinue } from "../../../agent/auto-continue.ts";
import type { AgentEvent, FileChange, PlanStep, SessionInfo } from "../../../protocol/events.ts";
import { retryText } from "../../common/retry-text.ts";
import type { FileDiff } from "../render/diff.ts";
import type { StyledLine } from "../render/styled.ts";

export type NoticeTone = "info" | "warning" | "error" | "dim";

export type Cell =
  | { kind: "header"; session: SessionInfo }
  | { kind: "user"; text: string }
  | { kind: "assistant"; text: string }
  | { kind: "reasoning"; text: string }
  | {
      kind: "command";
      callId: string;
      command: string[];
      output: string;
      exitCode: number | null;
      durationMs: number;
      startedAt: number;
      status: "running" | "completed" | "failed" | "declined" | "interrupted";
    }
  | {
      kind: "patch";
      callId: string;
      changes: FileChange[];
      status: "running" | "applied" | "failed";
      output: string;
      diff: FileDiff[];
    }
  | {
      kind: "mcp";
      callId: string;
      server: string;
      tool: string;
      arguments: unknown;
      status: "running" | "completed" | "failed" | "interrupted";
      output: string;
      durationMs: number;
      startedAt: number;
    }
  | { kind: "plan"; explanation?: string; plan: PlanStep[] }
  | { kind: "notice"; text: string; tone: NoticeTone }
  | { kind: "lines"; lines: StyledLine[] };

export type DoneCell = Cell & { id: number };

export interface TranscriptState {
  done: DoneCell[];
  live: Cell[];
  nextId: number;
  /** The latest retry, shown on one status line until the model answers or the turn ends. */
  status?: string;
}

/** Events only the TUI produces: a ready-made cell (slash command output), the diff of a patch being applied. */
export type UiEvent =
  | { type: "ui_cell"; cell: Cell }
  | { type: "ui_patch_diff"; callId: string; diff: FileDiff[] };

export type TranscriptEvent = AgentEvent | UiEvent;

/** Live output kept per running command: the cell shows its tail only. */
const MAX_LIVE_OUTPUT = 16 * 1024;

export const emptyTranscript = (): TranscriptState => ({ done: [], live: [], nextId: 1 });

function push(state: TranscriptState, ...cells: Cell[]): TranscriptState {
  const done = [...state.done];
  let id = state.nextId;
  for (const cell of cells) done.push({ ...cell, id: id++ });
  return { ...state, done, nextId: id };
}

function notice(text: string, tone: NoticeTone): Cell {
  return { kind: "notice", text, tone };
}

/** Moves every live cell into `done`; running commands are marked interrupted. */
function settle(state: TranscriptState, interrupted: boolean): TranscriptState {
  const cells = state.live
    .filter((c) => !((c.kind === "assistant" || c.kind === "reasoning") && !c.text.trim()))
    .map((c): Cell => {
      if (c.kind === "command" && c.status === "running")
        return { ...c, status: interrupted ? "interrupted" : "failed", durationMs: Date.now() - c.startedAt };
      if (c.kind === "patch" && c.status === "running") return { ...c, status: "failed" };
      if (c.kind === "mcp" && c.status === "running")
        return { ...c, status: interrupted ? "interrupted" : "failed", durationMs: Date.now() - c.startedAt };
      return c;
    });
  return push({ ...state, live: [] }, ...cells);
}

/** Appends `delta` to the live cell of `kind`, creating it when there is none. */
function stream(state: TranscriptState, kind: "assistant" | "reasoning", delta: string): TranscriptState {
  const at = state.live.findIndex((c) => c.kind === kind);
  if (at < 0) return { ...state, live: [...state.live, { kind, text: delta }] };
  const live = [...state.live];
  const cell = live[at] as { kind: typeof kind; text: string };
  live[at] = { kind, text: cell.text + delta };
  return { ...state, live };
}

/** Finishes the live cell of `kind` with its final text (which replaces what was streamed). */
function finish(state: TranscriptState, kind: "assistant" | "reasoning", text: string): TranscriptState {
  // Reasoning streamed before an answer is finished first, so the order on screen stays reasoning → answer.
  let next = state;
  if (kind === "assistant") {
    const reasoning = next.live.find((c) => c.kind === "reasoning");
    if (reasoning) next = finish(next, "reasoning", (reasoning as { text: string }).text);
  }
  const live = next.live.filter((c) => c.kind !== kind);
  next = { ...next, live };
  return text.trim() ? push(next, { kind, text } as Cell) : next;
}

function updateLive(state: TranscriptState, callId: string, update: (cell: Cell) => Cell): TranscriptState {
  return {
    ...state,
    live: state.live.map((c) =>
      (c.kind === "command" || c.kind === "patch") && c.callId === callId ? update(c) : c,
    ),
  };
}

function endLive(
  state: TranscriptState,
  callId: string,
  final: (cell: Cell | undefined) => Cell,
): TranscriptState {
  const cell = state.live.find(
    (c) => (c.kind === "command" || c.kind === "patch" || c.kind === "mcp") && c.callId === callId,
  );
  const live = state.live.filter((c) => c !== cell);
  return push({ ...state, live }, final(cell));
}

/** Events after which a retry's status line is stale: the gateway answered, or the turn is over. */
const CLEARS_STATUS = new Set<TranscriptEvent["type"]>([
  "agent_message_delta",
  "reasoning_delta",
  "agent_message",
  "reasoning",
  "exec_command_begin",
  "patch_apply_begin",
  "token_count",
  "error",
  "turn_complete",
  "turn_failed",
  "turn_aborted",
]);

export function reduceTranscript(state: TranscriptState, event: TranscriptEvent): TranscriptState {
  if (event.type === "retry") return { ...state, status: retryText(event) };
  const next = reduceCells(state, event);
  return next.status !== undefined && CLEARS_STATUS.has(event.type) ? { ...next, status: undefined } : next;
}

function reduceCells(state: TranscriptState, event: TranscriptEvent): TranscriptState {
  switch (event.type) {
    case "ui_cell":
      return push(state, event.cell);
    case "ui_patch_diff":
      return updateLive(state, event.callId, (c) => ({ ...c, diff: event.diff }) as Cell);
    case "session_configured":
      return push(state, { kind: "header", session: event.session });
    case "turn_started":
      return push(state, { kind: "user", text: event.prompt });
    case "reasoning_delta":
      return stream(state, "reasoning", event.delta);
    case "reasoning":
      return finish(state, "reasoning", event.text);
    case "agent_message_delta":
      return stream(state, "assistant", event.delta);
    case "agent_message":
      return finish(state, "assistant", event.text);
    case "stream_reset":
      return { ...state, live: state.live.filter((c) => c.kind !== "assistant" && c.kind !== "reasoning") };
    case "exec_command_begin":
      return {
        ...state,
        live: [
          ...state.live,
          {
            kind: "command",
            callId: event.callId,
            command: event.command,
            output: "",
            exitCode: null,
            durationMs: 0,
            startedAt: Date.now(),
            status: "running",
          },
        ],
      };
    case "exec_command_output_delta":
      return updateLive(state, event.callId, (c) =>
        c.kind === "command" ? { ...c, output: (c.output + event.chunk).slice(-MAX_LIVE_OUTPUT) } : c,
      );
    case "exec_command_end":
      return endLive(state, event.callId, () => ({
        kind: "command",
        callId: event.callId,
        command: event.command,
        output: event.output,
        exitCode: event.exitCode,
        durationMs: event.durationMs,
        startedAt: 0,
        status: event.status === "declined" ? "declined" : event.exitCode === 0 ? "completed" : "failed",
      }));
    case "patch_apply_begin":
      return {
        ...state,
        live: [
          ...state.live,
          {
            kind: "patch",
            callId: event.callId,
            changes: event.changes,
            status: "running",
            output: "",
            diff: [],
          },
        ],
      };
    case "patch_apply_end":
      return endLive(state, event.callId, (cell) => ({
        kind: "patch",
        callId: event.callId,
        changes: event.changes,
        status: event.success ? "applied" : "failed",
        output: event.output,
        diff: cell?.kind === "patch" ? cell.diff : [],
      }));
    case "mcp_tool_call_begin":
      return {
        ...state,
        live: [
          ...state.live,
          {
            kind: "mcp",
            callId: event.callId,
            server: event.server,
            tool: event.tool,
            arguments: event.arguments,
            status: "running",
            output: "",
            durationMs: 0,
            startedAt: Date.now(),
          },
        ],
      };
    case "mcp_tool_call_end":
      return endLive(state, event.callId, () => ({
        kind: "mcp",
        callId: event.callId,
        server: event.server,
        tool: event.tool,
        arguments: event.arguments,
        status: event.error === null && !event.result?.isError ? "completed" : "failed",
        output: event.output,
        durationMs: event.durationMs,
        startedAt: 0,
      }));
    case "plan_updated":
      return push(state, { kind: "plan", explanation: event.explanation, plan: event.plan });
    case "tool_error":
      return push(state, notice(`tool error (${event.name}): ${event.message}`, "warning"));
    case "token_count":
      return state;
    case "context_compacted":
      return push(state, notice("context compacted", "info"));
    case "auto_continue":
      return push(
        state,
        notice(
          `continuing automatically (${event.attempt}/${event.max}): ${describeContinue(event.reason)}`,
          "dim",
        ),
      );
    case "warning":
      return push(state, notice(event.message, "warning"));
    case "retry":
      return state;
    case "error":
      return push(settle(state, false), notice(event.message, "error"));
    case "turn_complete":
    case "turn_failed":
      return settle(state, false);
    case "turn_aborted":
      return push(
        settle(state, true),
        notice("turn interrupted — tell the model what to do differently", "error"),
      );
    default:
      event satisfies never;
      return state;
  }
}
