// How each transcript cell looks, as styled lines (pure): Codex's layout of bullets and `└` output trees.
import { commandText } from "../../common/command-text.ts";
import type { Cell } from "../state/transcript.ts";
import { renderMarkdown } from "./markdown.ts";
import { indent, line, plain, type StyledLine, span, truncated } from "./styled.ts";

/** Output lines shown under a finished command, and under a running one. */
export const COMMAND_TAIL_LINES = 5;

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${String(Math.floor(s % 60)).padStart(2, "0")}s`;
}

function tail(output: string, max: number): { lines: string[]; hidden: number } {
  const all = output.replace(/\r/g, "").replace(/\n+$/, "").split("\n");
  if (all.length === 1 && all[0] === "") return { lines: [], hidden: 0 };
  return all.length > max ? { lines: all.slice(-max), hidden: all.length - max } : { lines: all, hidden: 0 };
}

function commandLines(cell: Extract<Cell, { kind: "command" }>, now: number): StyledLine[] {
  const running = cell.status === "running";
  const verb = running ? "Running" : cell.status === "declined" ? "Declined" : "Ran";
  const bullet = span("• ", {
    color: running
      ? "cyan"
      : cell.status === "completed"
        ? "green"
        : cell.status === "declined"
          ? "yellow"
          : "red",
    bold: true,
  });
  const text = commandText(cell.command).split("\n");
  const out: StyledLine[] = [
    line(bullet, span(`${verb} `, { bold: true }), span(text[0])),
    ...text.slice(1, 4).map((t) => line("  ", span(t))),
  ];
  if (text.length > 4) out.push(plain(`  … +${text.length - 4} lines`, { dim: true }));
  const { lines, hidden } = tail(cell.output, COMMAND_TAIL_LINES);
  if (hidden > 0) out.push(plain(`  │ … +${hidden} lines`, { dim: true }));
  for (const l of lines) out.push(truncated(line(span("  │ ", { dim: true }), span(l, { dim: true }))));
  if (running) {
    out.push(plain(`  └ ${formatDuration(now - cell.startedAt)}`, { dim: true }));
  } else if (cell.status === "declined") {
    out.push(line(span("  └ ", { dim: true }), span("declined", { color: "yellow" })));
  } else if (cell.status === "interrupted") {
    out.push(line(span("  └ ", { dim: true }), span("interrupted", { color: "red" })));
  } else {
    const ok = cell.status === "completed";
    out.push(
      line(
        span("  └ ", { dim: true }),
        span(ok ? "✓ " : "✗ ", { color: ok ? "green" : "red" }),
        span(`exit ${cell.exitCode ?? "?"}`, { color: ok ? "green" : "red" }),
        span(` • ${formatDuration(cell.durationMs)}`, { dim: true }),
      ),
    );
  }
  return out;
}

function patchLines(cell: Extract<Cell, { kind: "patch" }>): StyledLine[] {
  const color = cell.status === "failed" ? "red" : cell.status === "running" ? "cyan" : "green";
  const bullet = span("• ", { color, bold: true });
  const files = cell.changes.map((c) => {
    const diff = cell.diff.find((d) => d.path === (c.move_path ?? c.path));
    const counts = diff ? span(` (+${diff.added} -${diff.removed})`, { dim: true }) : span("");
    const what = c.kind === "add" ? "Added" : c.kind === "delete" ? "Deleted" : "Edited";
    const name = c.move_path ? `${c.path} → ${c.move_path}` : c.path;
    return { what, name, counts, diff };
  });
  if (cell.status !== "applied") {
    const verb = cell.status === "running" ? "Applying patch" : "Patch failed";
    const out = [line(bullet, span(verb, { bold: true }))];
    for (const f of files) out.push(line(span("  └ ", { dim: true }), span(f.name)));
    if (cell.status === "failed" && cell.output.trim())
      out.push(
        ...cell.output
          .trim()
          .split("\n")
          .slice(0, 8)
          .map((l) => plain(`    ${l}`, { color: "red" })),
      );
    return out;
  }
  const body = (f: (typeof files)[number]) =>
    (f.diff?.lines ?? []).map((l) => ({ ...l, spans: [span("    "), ...l.spans] }));
  if (files.length === 1) {
    const [f] = files;
    return [line(bullet, span(`${f.what} `, { bold: true }), span(f.name), f.counts), ...body(f)];
  }
  const out = [line(bullet, span(`Edited ${files.length} files`, { bold: true }))];
  for (const f of files) out.push(line(span("  └ ", { dim: true }), span(f.name), f.counts), ...body(f));
  return out;
}

/** Codex's look: `• Called server.tool({"a":1})` with the result's first lines under `└`. */
function mcpLines(cell: Extract<Cell, { kind: "mcp" }>, now: number): StyledLine[] {
  const running = cell.status === "running";
  const ok = cell.status === "completed";
  const bullet = span("• ", { color: running ? "cyan" : ok ? "green" : "red", bold: true });
  const args = JSON.stringify(cell.arguments ?? {});
  const out: StyledLine[] = [
    truncated(
      line(
        bullet,
        span(running ? "Calling " : "Called ", { bold: true }),
        span(`${cell.server}.${cell.tool}`),
        span(`(${args})`, { dim: true }),
      ),
    ),
  ];
  if (running) {
    out.push(plain(`  └ ${formatDuration(now - cell.startedAt)}`, { dim: true }));
    return out;
  }
  const { lines, hidden } = tail(cell.output, COMMAND_TAIL_LINES);
  for (const [i, l] of lines.entries()) {
    const lead = span(i === 0 ? "  └ " : "    ", { dim: true });
    out.push(truncated(line(lead, span(l, ok ? { dim: true } : { color: "red" }))));
  }
  if (hidden > 0) out.push(plain(`    … +${hidden} lines above`, { dim: true }));
  if (cell.status === "interrupted")
    out.push(line(span("  └ ", { dim: true }), span("interrupted", { color: "red" })));
  return out;
}

function planLines(cell: Extract<Cell, { kind: "plan" }>): StyledLine[] {
  const out: StyledLine[] = [
    line(span("• ", { color: "cyan", bold: true }), span("Updated Plan", { bold: true })),
  ];
  if (cell.explanation?.trim())
    out.push(plain(`  └ ${cell.explanation.trim()}`, { dim: true, italic: true }));
  for (const step of cell.plan) {
    if (step.status === "completed") out.push(line("    ", span(`✔ ${step.step}`, { dim: true })));
    else if (step.status === "in_progress")
      out.push(line("    ", span(`◐ ${step.step}`, { color: "cyan", bold: true })));
    else out.push(line("    ", span(`□ ${step.step}`)));
  }
  return out;
}

/**
 * A streaming answer or reasoning cell cut to its last few source lines before it is rendered, so each frame
 * costs the visible part, not the whole answer (rendering all of a long stream per frame is quadratic).
 * `hidden` counts the source lines cut; an odd number of code fences cut reopens the fence.
 */
export function visibleTail(cell: Cell, rows: number): { cell: Cell; hidden: number } {
  if (cell.kind !== "assistant" && cell.kind !== "reasoning") return { cell, hidden: 0 };
  const keep = rows * 3;
  let cut = cell.text.length;
  for (let n = 0; n < keep && cut > 0; n++) cut = cell.text.lastIndexOf("\n", cut - 1);
  // Long lines too: no visible row holds more than a terminal width of characters.
  const maxChars = rows * 160;
  if (cell.text.length - cut > maxChars) {
    cut = cell.text.length - maxChars;
    if (/[\udc00-\udfff]/.test(cell.text[cut] ?? "")) cut++;
  }
  if (cut <= 0) return { cell, hidden: 0 };
  const head = cell.text.slice(0, cut);
  const hidden = head.split("\n").length;
  const fences = head.match(/^```/gm)?.length ?? 0;
  const rest = cell.text[cut] === "\n" ? cell.text.slice(cut + 1) : `…${cell.text.slice(cut)}`;
  return { cell: { ...cell, text: (fences % 2 ? "```\n" : "") + rest }, hidden };
}

/** The last `rows` lines, the cut marked: how a live cell is drawn. `hidden`: lines already cut before. */
export function liveTail(lines: StyledLine[], rows: number, hidden = 0): StyledLine[] {
  if (lines.length <= rows && hidden === 0) return lines;
  if (rows <= 1) return lines.slice(-1);
  const shown = lines.slice(Math.max(0, lines.length - (rows - 1)));
  return [plain(`  … ${lines.length - shown.length + hidden} lines above`, { dim: true }), ...shown];
}

/** The lines of a cell; `now` drives the elapsed time of running commands. */
export function cellLines(cell: Cell, now = Date.now()): StyledLine[] {
  switch (cell.kind) {
    case "header": {
      const s = cell.session;
      return [
        line(span(">_ ", { dim: true }), span(`codex-litellm (v${s.version})`, { bold: true })),
        line(
          span("   model:     ", { dim: true }),
          span(s.model || "no model selected"),
          span(s.reasoningEffort ? ` (reasoning ${s.reasoningEffort})` : ""),
          span("   /model to change", { dim: true }),
        ),
        line(span("   directory: ", { dim: true }), span(s.cwd)),
        line(span("   session:   ", { dim: true }), span(s.sessionId, { dim: true })),
      ];
    }
    case "user":
      return indent(
        cell.text.split("\n").map((t) => plain(t)),
        span("› ", { color: "cyan", bold: true }),
      );
    case "assistant":
      return indent(renderMarkdown(cell.text), span("• ", { bold: true }));
    case "reasoning":
      return indent(
        cell.text
          .trim()
          .split("\n")
          .map((t) => plain(t, { dim: true, italic: true })),
        span("  "),
      );
    case "command":
      return commandLines(cell, now);
    case "patch":
      return patchLines(cell);
    case "mcp":
      return mcpLines(cell, now);
    case "plan":
      return planLines(cell);
    case "notice": {
      const lines = cell.text.split("\n");
      switch (cell.tone) {
        case "error":
          return indent(
            lines.map((t) => plain(t, { color: "red" })),
            span("■ ", { color: "red" }),
          );
        case "warning":
          return indent(
            lines.map((t) => plain(t, { color: "yellow" })),
            span("⚠ ", { color: "yellow" }),
          );
        case "info":
          return indent(
            lines.map((t) => plain(t, { color: "cyan" })),
            span("• ", { color: "cyan" }),
          );
        case "dim":
          return indent(
            lines.map((t) => plain(t, { dim: true })),
            span("• ", { dim: true }),
          );
        default:
          cell.tone satisfies never;
          return [];
      }
    }
    case "lines":
      return cell.lines;
    default:
      cell satisfies never;
      return [];
  }
}
