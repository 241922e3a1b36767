// The TUI's ApprovalPrompt: the tool layer asks, the approval overlay answers. Requests queue (one is shown
// at a time); a request whose turn is interrupted settles as "no" and leaves the queue.
import type { ApprovalAnswer, ApprovalPrompt, ApprovalRequest } from "../../../tools/policy.ts";
import type { PatchPreview } from "../../../tools/types.ts";
import { commandText } from "../../common/command-text.ts";
import { fileDiff } from "../render/diff.ts";
import { line, plain, type StyledLine, span, truncated } from "../render/styled.ts";

/** Lines of a command, or files of a patch, the approval overlay shows at most. */
const SUBJECT_LINES = 6;
/** Lines of a patch's diff the overlay shows (the overlay's rows are reserved in app.tsx). */
const DIFF_LINES = 10;

export interface PendingApproval {
  request: ApprovalRequest;
  answer(answer: ApprovalAnswer): void;
}

export class ApprovalBroker implements ApprovalPrompt {
  private readonly queue: PendingApproval[] = [];
  private readonly listeners = new Set<() => void>();

  ask(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve({ decision: "no" });
      const onAbort = () => entry.answer({ decision: "no" });
      const entry: PendingApproval = {
        request,
        answer: (answer) => {
          const at = this.queue.indexOf(entry);
          if (at < 0) return;
          this.queue.splice(at, 1);
          signal.removeEventListener("abort", onAbort);
          resolve(answer);
          this.changed();
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.queue.push(entry);
      this.changed();
    });
  }

  /** The request to show, if any. */
  current(): PendingApproval | undefined {
    return this.queue[0];
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

/** The overlay's state: the highlighted option, or the feedback being typed after "no". */
export interface ApprovalView {
  index: number;
  feedback?: string;
}

export interface ApprovalOption {
  key: string;
  label: string;
  decision: "yes" | "always" | "no";
}

export function approvalOptions(request: ApprovalRequest): ApprovalOption[] {
  return [
    { key: "y", label: "Yes, proceed", decision: "yes" },
    {
      key: "a",
      label:
        request.kind === "command"
          ? "Yes, and don't ask again for this command in this session"
          : request.kind === "mcp"
            ? "Yes, and don't ask again for this tool in this session"
            : "Yes, and don't ask again for these files in this session",
      decision: "always",
    },
    { key: "n", label: "No, and tell the model what to do differently", decision: "no" },
  ];
}

type Key = import("./keys.ts").KeyEvent;

/** The transcript's record of a decision, e.g. "✔ approved this time: touch a.txt". */
export function approvalSummary(request: ApprovalRequest, answer: ApprovalAnswer): string {
  const what =
    request.kind === "command"
      ? request.command.length === 3 && /^-l?c$/.test(request.command[1])
        ? request.command[2]
        : request.command.join(" ")
      : request.kind === "mcp"
        ? `${request.server}/${request.tool}`
        : request.changes.map((c) => c.path).join(", ");
  if (answer.decision === "yes") return `✔ approved this time: ${what}`;
  if (answer.decision === "always") return `✔ approved for this session: ${what}`;
  return `✗ declined: ${what}${answer.feedback ? ` (told the model: ${answer.feedback})` : ""}`;
}

/** Applies a key to the overlay: the next view, and the answer once the user has decided. */
export function approvalKey(
  request: ApprovalRequest,
  view: ApprovalView,
  event: Key,
): [ApprovalView, ApprovalAnswer | undefined] {
  const options = approvalOptions(request);
  if (view.feedback !== undefined) {
    if (event.kind === "text") return [{ ...view, feedback: view.feedback + event.text }, undefined];
    if (event.name === "backspace") return [{ ...view, feedback: view.feedback.slice(0, -1) }, undefined];
    if (event.name === "newline") return [{ ...view, feedback: `${view.feedback}\n` }, undefined];
    if (event.name === "enter")
      return [view, { decision: "no", feedback: view.feedback.trim() || undefined }];
    if (event.name === "escape") return [view, { decision: "no" }];
    return [view, undefined];
  }
  const choose = (option: ApprovalOption): [ApprovalView, ApprovalAnswer | undefined] =>
    option.decision === "no" ? [{ ...view, feedback: "" }, undefined] : [view, { decision: option.decision }];
  if (event.kind === "text") {
    const option = options.find((o) => o.key === event.text.toLowerCase());
    return option ? choose(option) : [view, undefined];
  }
  switch (event.name) {
    case "up":
      return [{ index: (view.index + options.length - 1) % options.length }, undefined];
    case "down":
    case "tab":
      return [{ index: (view.index + 1) % options.length }, undefined];
    case "enter":
      return choose(options[view.index]);
    case "escape":
      return [view, { decision: "no" }];
    default:
      return [view, undefined];
  }
}

/**
 * What the overlay asks about, kept short: the command's first lines (each cut at the width), or the files
 * of the patch; what is left out is counted. A heredoc or a hundred files must not outgrow the terminal.
 */
export function approvalSubject(request: ApprovalRequest): StyledLine[] {
  if (request.kind === "patch" && request.preview?.length) return patchSubject(request.preview);
  if (request.kind === "mcp")
    return [
      truncated(line(span("tool ", { dim: true }), `${request.server}/${request.tool}`)),
      truncated(line(span("args ", { dim: true }), request.arguments)),
    ];
  const items =
    request.kind === "command"
      ? commandText(request.command)
          .split("\n")
          .map((t, i) => truncated(line(span(i === 0 ? "$ " : "  ", { dim: true }), t)))
      : request.changes.map((c) =>
          truncated(plain(`${c.kind === "add" ? "A" : c.kind === "delete" ? "D" : "M"} ${c.path}`)),
        );
  if (items.length <= SUBJECT_LINES) return items;
  const more = items.length - (SUBJECT_LINES - 1);
  const what = request.kind === "command" ? "lines" : "files";
  return [...items.slice(0, SUBJECT_LINES - 1), plain(`  … ${more} more ${what}`, { dim: true })];
}

/** The patch as a diff: each file's name and counts, then its hunks, within DIFF_LINES in all. */
function patchSubject(preview: PatchPreview[]): StyledLine[] {
  const out: StyledLine[] = [];
  for (const file of preview) {
    const diff = fileDiff(file.path, file.path, file.before, file.after, DIFF_LINES);
    out.push(
      line(span(file.path, { bold: true }), span(` (+${diff.added} -${diff.removed})`, { dim: true })),
    );
    out.push(...diff.lines);
  }
  if (out.length <= DIFF_LINES) return out;
  return [
    ...out.slice(0, DIFF_LINES - 1),
    plain(`  … ${out.length - DIFF_LINES + 1} more lines`, { dim: true }),
  ];
}
