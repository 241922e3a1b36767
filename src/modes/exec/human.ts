// Human exec output: progress on stderr, the final answer alone on stdout.
// Contract: every string an event carries (the model's, the gateway's, a command's) is made printable
// (src/util/terminal-text.ts) before it is printed; the only escape sequences written are our own styles.
import { describeContinue } from "../../agent/auto-continue.ts";
import type { AgentEvent, SessionInfo } from "../../protocol/events.ts";
import type { Usage } from "../../protocol/model.ts";
import { thousands } from "../../util/format.ts";
import { mapStrings, printable } from "../../util/terminal-text.ts";
import { commandText } from "../common/command-text.ts";
import { retryPrinted, retryText } from "../common/retry-text.ts";

export interface HumanOptions {
  color: boolean;
  stderr: (text: string) => void;
  stdout: (text: string) => void;
  /** Lines of command output shown per command. */
  maxOutputLines?: number;
  /** How the answer is shown on stderr (Markdown on a colour terminal); stdout always gets it as written. */
  formatAnswer?: (text: string) => string;
}

const styles = {
  dim: [2, 22],
  italic: [3, 23],
  bold: [1, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;
type Style = keyof typeof styles;

export function formatTokens(n: number): string {
  return thousands(n);
}

export function usageLine(usage: Usage): string {
  const split = [
    `prompt ${formatTokens(usage.input_tokens)}`,
    usage.cached_input_tokens ? `cached ${formatTokens(usage.cached_input_tokens)}` : "",
    `completion ${formatTokens(usage.output_tokens)}`,
    `reasoning ${formatTokens(usage.reasoning_output_tokens)}`,
  ].filter(Boolean);
  const total = usage.total_tokens || usage.input_tokens + usage.output_tokens;
  return `tokens used: ${formatTokens(total)} (${split.join(", ")})`;
}

export function createHumanRenderer(options: HumanOptions): (event: AgentEvent) => void {
  const paint = (text: string, ...names: Style[]) =>
    options.color ? names.reduce((t, n) => `\x1b[${styles[n][0]}m${t}\x1b[${styles[n][1]}m`, text) : text;
  const err = (line: string) => options.stderr(`${line}\n`);
  const maxLines = options.maxOutputLines ?? 20;
  /** A unified diff's hunks without its file headers, coloured, at most `max` lines. */
  const diffBody = (diff: string, max: number): string[] => {
    const lines = diff.replace(/\n$/, "").split("\n");
    const body = lines.slice(
      Math.max(
        0,
        lines.findIndex((l) => l.startsWith("@@")),
      ),
    );
    const shown = body.slice(0, max).map((l) => {
      if (l.startsWith("@@")) return paint(l, "cyan");
      if (l.startsWith("+")) return paint(l, "green");
      if (l.startsWith("-")) return paint(l, "red");
      return paint(l, "dim");
    });
    if (body.length > max) shown.push(paint(`… +${body.length - max} lines`, "dim"));
    return shown;
  };
  let lastMessage: string | null = null;
  let finalPrinted = false;

  return (raw) => {
    // Deltas are not printed (answers and reasoning are shown when complete): they skip the copy.
    if (raw.type === "agent_message_delta" || raw.type === "reasoning_delta") return;
    if (raw.type === "exec_command_output_delta") return;
    const event = mapStrings(raw, printable);
    switch (event.type) {
      case "session_configured":
        header(event.session, err, paint);
        break;
      case "turn_started":
        err(paint("user", "cyan", "bold"));
        err(event.prompt);
        break;
      // Reasoning is printed when complete, so a retried attempt's partial thoughts never show twice.
      case "reasoning":
        if (event.text.trim()) {
          err(paint("thinking", "magenta", "italic"));
          err(paint(event.text.trim(), "dim", "italic"));
        }
        break;
      case "stream_reset":
        break;
      case "agent_message":
        lastMessage = event.text;
        err(paint("codex", "magenta", "bold"));
        err(options.formatAnswer ? options.formatAnswer(event.text) : event.text);
        break;
      case "exec_command_begin":
        err(
          `${paint("exec", "magenta", "bold")}\n${paint(commandText(event.command), "bold")} in ${event.cwd}`,
        );
        break;
      case "exec_command_end": {
        const verdict =
          event.status === "declined"
            ? paint(" declined:", "yellow")
            : event.exitCode === 0
              ? paint(` succeeded in ${Math.round(event.durationMs)}ms:`, "green")
              : paint(` exited ${event.exitCode} in ${Math.round(event.durationMs)}ms:`, "red");
        err(verdict);
        if (event.output.trim()) err(paint(outputHead(event.output, maxLines), "dim"));
        break;
      }
      case "patch_apply_begin":
        err(paint("apply patch", "magenta", "bold"));
        break;
      case "patch_apply_end": {
        err(event.success ? paint("patch: completed", "green") : paint("patch: failed", "red"));
        if (event.success)
          for (const [i, c] of event.changes.entries()) {
            err(`${c.kind === "add" ? "A" : c.kind === "delete" ? "D" : "M"} ${c.path}`);
            // The hunks as apply_patch applied them (the file may have changed since).
            const diff = event.diffs?.[i]?.diff;
            if (diff) for (const l of diffBody(diff, maxLines)) err(l);
          }
        else err(paint(event.output, "dim"));
        break;
      }
      case "mcp_tool_call_begin":
        err(`${paint("mcp", "magenta", "bold")}\n${paint(`${event.server}/${event.tool}`, "bold")} started`);
        break;
      case "mcp_tool_call_end": {
        const ok = event.error === null && !event.result?.isError;
        const name = `${event.server}/${event.tool}`;
        err(
          ok
            ? paint(`${name} (completed in ${Math.round(event.durationMs)}ms):`, "green")
            : paint(`${name} (failed in ${Math.round(event.durationMs)}ms):`, "red"),
        );
        if (event.output.trim()) err(paint(outputHead(event.output, maxLines), "dim"));
        break;
      }
      case "plan_updated":
        err(paint("plan", "magenta", "bold"));
        if (event.explanation) err(paint(event.explanation, "dim"));
        for (const s of event.plan)
          err(`${s.status === "completed" ? "✓" : s.status === "in_progress" ? "→" : "•"} ${s.step}`);
        break;
      case "tool_error":
        err(paint(`tool error (${event.name}): ${event.message}`, "yellow"));
        break;
      case "token_count":
        break;
      case "auto_continue":
        err(
          paint(
            `continuing automatically (${event.attempt}/${event.max}): ${describeContinue(event.reason)}`,
            "yellow",
          ),
        );
        break;
      case "context_compacted":
        err(paint("context compacted", "cyan"));
        break;
      case "warning":
        err(paint(`warning: ${event.message}`, "yellow"));
        break;
      case "retry":
        if (retryPrinted(event)) err(paint(retryText(event), "yellow"));
        break;
      case "error":
        err(paint(`ERROR: ${event.message}`, "red"));
        break;
      case "turn_complete":
        err(usageLine(event.usage));
        if (!finalPrinted && (event.lastMessage ?? lastMessage) !== null) {
          options.stdout(`${event.lastMessage ?? lastMessage}\n`);
          finalPrinted = true;
        }
        break;
      case "turn_failed":
        err(usageLine(event.usage));
        break;
      case "turn_aborted":
        err(paint("turn interrupted", "red"));
        err(usageLine(event.usage));
        break;
      default:
        event satisfies never;
    }
  };
}

function header(s: SessionInfo, err: (l: string) => void, paint: (t: string, ...n: Style[]) => string): void {
  err(paint(`codex-litellm v${s.version}`, "bold"));
  err("--------");
  err(`${paint("workdir:", "bold")} ${s.cwd}`);
  err(`${paint("model:", "bold")} ${s.model}`);
  err(`${paint("provider:", "bold")} ${s.provider} (${s.baseUrl})`);
  err(`${paint("approval:", "bold")} ${s.approvalPolicy}`);
  err(`${paint("sandbox:", "bold")} ${s.sandbox}`);
  err(`${paint("reasoning effort:", "bold")} ${s.reasoningEffort ?? "default"}`);
  err(`${paint("session id:", "bold")} ${s.sessionId}`);
  err("--------");
}

/** A tool's output as exec shows it: its first `maxLines` lines, the rest counted. */
function outputHead(output: string, maxLines: number): string {
  const lines = output.replace(/\n$/, "").split("\n");
  if (lines.length <= maxLines) return lines.join("\n");
  return [...lines.slice(0, maxLines), `… +${lines.length - maxLines} lines`].join("\n");
}
