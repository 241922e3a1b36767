// The interactive app: transcript (finished cells go to the terminal's scrollback through <Static>), live
// cells, the working indicator, then the composer or whichever overlay is open, and the footer.
import { Box, Static, Text, useApp, useStdout } from "ink";
import { useEffect, useReducer, useRef, useState } from "react";
import type { ResumeSource } from "../../../core/resume.ts";
import { imageDataUrl, pastedImagePaths } from "../../common/images.ts";
import { type ApprovalBroker, type ApprovalView, approvalKey, approvalSummary } from "../input/approvals.ts";
import {
  type CommandContext,
  type OpenPicker,
  openResumePicker,
  resumeWithSafeguard,
  runSlashCommand,
} from "../input/commands.ts";
import { draftRows, editorKey, emptyEditor, submitted } from "../input/editor.ts";
import type { KeyEvent } from "../input/keys.ts";
import { pickerKey } from "../input/picker.ts";
import { parseSlash, slashMatches } from "../input/slash.ts";
import { useKeys } from "../input/use-keys.ts";
import { cellLines, liveTail, visibleTail } from "../render/cells.ts";
import { contextIndicator } from "../render/context.ts";
import { wrapLines } from "../render/wrap.ts";
import type { TuiController } from "../state/controller.ts";
import { ctrlC, PromptQueue, queuesWhileBusy, quitArmed } from "../state/prompt-queue.ts";
import type { Cell } from "../state/transcript.ts";
import { emptyTranscript, reduceTranscript } from "../state/transcript.ts";
import { Rows, scrollbackText, useColumns } from "./lines.tsx";
import type { Scrollback } from "./scrollback.ts";
import {
  ApprovalOverlay,
  Composer,
  Footer,
  PickerView,
  QUEUE_ROWS,
  Queued,
  SlashPopup,
  Working,
} from "./widgets.tsx";

export interface AppProps {
  controller: TuiController;
  broker: ApprovalBroker;
  history: string[];
  initialPrompt?: string;
  /** Images (`data:` URLs, `-i`) sent with the first prompt. */
  initialImages?: string[];
  /** `codex-litellm resume` / `fork ID`: the session to open first (forked and locked already). */
  resume?: ResumeSource;
  /** `codex-litellm resume` / `fork` without a session: open the session picker first. */
  pick?: { fork: boolean; includeNonInteractive: boolean };
  /** Warnings from start-up (config, sandbox), shown under the header. */
  notices?: string[];
  /** Prints finished cells for <Static> without Ink drawing them (scrollback.ts). */
  scrollback: Pick<Scrollback, "marker">;
}

/**
 * The live cells, drawn from their visible tails each frame and sharing `rows` terminal rows, the newest
 * first: taller than the terminal, Ink would redraw the whole screen, scrollback included, every frame.
 */
function LiveCells({ cells, now, rows }: { cells: Cell[]; now: number; rows: number }) {
  const width = useColumns();
  const drawn: { key: number; rows: ReturnType<typeof wrapLines> }[] = [];
  let budget = rows;
  for (let i = cells.length - 1; i >= 0 && budget >= 2; i--) {
    const tail = visibleTail(cells[i], budget);
    const shown = liveTail(wrapLines(cellLines(tail.cell, now), width), budget - 1, tail.hidden);
    drawn.unshift({ key: i, rows: shown });
    budget -= shown.length + 1;
  }
  return drawn.map((d) => <Rows key={d.key} rows={d.rows} marginBottom={1} />);
}

export function App(props: AppProps) {
  const { controller, broker } = props;
  const { exit } = useApp();
  const [transcript, dispatch] = useReducer(reduceTranscript, undefined, emptyTranscript);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  // Input state lives in refs: one chunk of input can carry several keys ("hi\r"), each seeing the last.
  const editor = useRef(emptyEditor(props.history));
  const overlay = useRef<OpenPicker<unknown> | undefined>(undefined);
  const approval = useRef<ApprovalView>({ index: 0 });
  const slashIndex = useRef(0);
  const quitArmedAt = useRef(0);
  // Prompts typed while a turn runs (see prompt-queue.ts).
  const queue = useRef(new PromptQueue());
  const latest = useRef({ sendQueued: () => {} });
  const [now, setNow] = useState(Date.now());
  // Ink redraws the live area every frame; taller than the terminal it would redraw everything, so live
  // cells show their last rows only (the whole cell is printed once it is finished).
  const { stdout } = useStdout();
  const width = useColumns();
  useEffect(() => {
    // Live cells are wrapped to the width: draw them again when it changes.
    stdout.on("resize", rerender);
    return () => {
      stdout.off("resize", rerender);
    };
  }, [stdout]);

  useEffect(
    () =>
      controller.subscribe((event) => {
        if (event.type === "ui_state") {
          rerender();
          // Whatever made the session busy (a prompt, /init, /compact, a resume's compaction) has ended.
          if (!controller.busy && queue.current.prompts.length > 0)
            setTimeout(() => latest.current.sendQueued(), 0);
        } else {
          queue.current.observe(event);
          dispatch(event);
        }
      }),
    [controller],
  );
  useEffect(
    () =>
      broker.subscribe(() => {
        approval.current = { index: 0 };
        const pending = broker.current();
        if (pending) controller.note("tui.approval_prompt", { kind: pending.request.kind });
        rerender();
      }),
    [broker, controller],
  );
  useEffect(() => {
    if (!controller.busy) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [controller.busy]);

  // Quitting first draws a frame without the composer, so the terminal keeps the transcript only.
  const [exiting, setExiting] = useState(false);
  useEffect(() => {
    if (exiting) exit();
  }, [exiting, exit]);
  const quit = () => {
    controller.note("tui.quit");
    controller.interrupt();
    setExiting(true);
  };

  const ctx: CommandContext = {
    controller,
    cwd: controller.sessionInfo().cwd,
    openPicker: (open) => {
      overlay.current = open as OpenPicker<unknown>;
      rerender();
    },
    updatePicker: (title, update) => {
      const open = overlay.current;
      if (!open || open.picker.title !== title) return;
      overlay.current = { ...open, picker: update(open.picker as never) as never };
      rerender();
    },
    closePicker: () => {
      overlay.current = undefined;
      rerender();
    },
    quit,
  };

  // Startup: the header, then the resumed session or the first prompt.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, on mount
  useEffect(() => {
    // A resumed session announces itself once it is open.
    if (!props.resume) controller.announce();
    for (const notice of props.notices ?? []) controller.warn(notice);
    const first = props.initialPrompt?.trim();
    // `resume ID PROMPT`: the prompt goes once the session is open (queued if a compaction runs first).
    const thenPrompt = () => {
      if (!first) return;
      if (controller.busy) queue.current.add(first);
      else submit(first, props.initialImages);
      rerender();
    };
    if (props.resume) void resumeWithSafeguard(ctx, props.resume, quit).then(thenPrompt);
    else if (props.pick) openResumePicker(ctx, { ...props.pick, onOpened: thenPrompt });
    else if (first) submit(first, props.initialImages);
  }, []);

  function submit(text: string, images: string[] = []) {
    const parsed = parseSlash(text);
    editor.current = submitted(editor.current, text);
    slashIndex.current = 0;
    if (parsed) runSlashCommand(ctx, parsed);
    else void controller.submit(text, [...images, ...attachPasted(text)]);
    rerender();
  }

  /** Image files named in the prompt (a pasted path) are attached to it. */
  function attachPasted(text: string): string[] {
    const cwd = ctx.cwd;
    const urls: string[] = [];
    for (const path of pastedImagePaths(text, cwd)) {
      try {
        urls.push(imageDataUrl(path, cwd));
        controller.show({ kind: "notice", text: `attached image ${path}`, tone: "dim" });
      } catch (error) {
        controller.show({ kind: "notice", text: (error as Error).message, tone: "error" });
      }
    }
    return urls;
  }

  // The subscription above outlives renders; it calls this render's functions.
  latest.current = { sendQueued };

  function sendQueued() {
    const step = queue.current.next(!!controller.busy, editor.current.text);
    if (step.kind === "none") return;
    if (step.kind === "restore") {
      editor.current = { ...editor.current, text: step.draft, cursor: step.draft.length };
      controller.note("tui.queue_restored", { prompts: step.prompts });
      return rerender();
    }
    controller.note("tui.queue_sent", { left: step.left });
    void controller.submit(step.text);
    rerender();
  }

  function onKey(event: KeyEvent) {
    const pending = broker.current();
    if (pending) {
      if (event.kind === "key" && event.name === "ctrl-c") return controller.interrupt();
      const [view, answer] = approvalKey(pending.request, approval.current, event);
      approval.current = view;
      if (answer) {
        controller.note("tui.approval_answer", { decision: answer.decision, feedback: !!answer.feedback });
        controller.show({ kind: "notice", text: approvalSummary(pending.request, answer), tone: "dim" });
        pending.answer(answer);
      }
      return rerender();
    }
    const open = overlay.current;
    if (open) {
      const [picker, result] = pickerKey(open.picker, event);
      overlay.current = { ...open, picker };
      if (result?.kind === "cancel") {
        overlay.current = undefined;
        open.onCancel?.();
      } else if (result?.kind === "pick") open.onPick(result.value);
      return rerender();
    }
    const state = editor.current;
    if (event.kind === "key") {
      const matches = slashMatches(state.text);
      switch (event.name) {
        case "ctrl-c": {
          const now = Date.now();
          const action = ctrlC({
            busy: !!controller.busy,
            draft: state.text,
            armedAt: quitArmedAt.current,
            now,
          });
          if (action === "interrupt") controller.interrupt();
          else if (action === "clear") editor.current = emptyEditor(state.history);
          else if (action === "quit") return quit();
          else quitArmedAt.current = now;
          return rerender();
        }
        case "ctrl-d":
          if (!state.text) return quit();
          break;
        case "escape":
          if (controller.busy) controller.interrupt();
          return;
        case "enter": {
          if (matches.length > 0) {
            const pick = matches[Math.min(slashIndex.current, matches.length - 1)];
            return submit(`/${pick.name}`);
          }
          const text = state.text.trim();
          if (!text) return;
          if (queuesWhileBusy(!!controller.busy, !!parseSlash(text))) {
            queue.current.add(text);
            editor.current = submitted(state, text);
            controller.note("tui.queue_add", { queued: queue.current.prompts.length });
            return rerender();
          }
          return submit(text);
        }
        case "tab":
          if (matches.length > 0) {
            const pick = matches[Math.min(slashIndex.current, matches.length - 1)];
            editor.current = { ...state, text: `/${pick.name}`, cursor: pick.name.length + 1 };
          }
          return rerender();
        case "up":
        case "down":
          if (matches.length > 1) {
            const step = event.name === "up" ? -1 : 1;
            slashIndex.current = (slashIndex.current + step + matches.length) % matches.length;
            return rerender();
          }
          break;
        default:
          break;
      }
    }
    quitArmedAt.current = 0;
    editor.current = editorKey(state, event);
    if (slashMatches(editor.current.text).length === 0) slashIndex.current = 0;
    rerender();
  }
  useKeys(onKey, { bracketedPaste: true });

  const pending = broker.current();
  const matches = overlay.current || pending ? [] : slashMatches(editor.current.text);
  const model = controller.model ?? "no model selected (/model)";
  const footerLeft = `${model}${controller.model ? ` · ${controller.effort ?? "default"} effort` : ""} · ${contextIndicator(controller.contextUsed, controller.contextWindow)}`;
  const footerRight = controller.busy
    ? "esc to interrupt"
    : quitArmed(quitArmedAt.current, Date.now())
      ? "ctrl-c again to quit"
      : "⏎ send · ctrl-j newline · / commands";

  const termRows = stdout.rows || 24;
  // The draft wrapped to the box's inner width (border and padding take four columns), a third of the
  // terminal at most.
  const draft = editor.current.text
    ? draftRows(editor.current, "› ", Math.max(8, width - 4), Math.max(3, Math.floor(termRows / 3)))
    : [];
  // Below the live cells: the composer (its rows and border), popup or overlay, queued prompts, working
  // line and footer. The live cells get the rest of the terminal.
  const below =
    6 +
    (transcript.status ? 1 : 0) +
    Math.max(1, draft.length) +
    matches.length +
    Math.min(queue.current.prompts.length, QUEUE_ROWS + 1) +
    (pending ? 20 : overlay.current ? 16 : 0);
  const liveRows = Math.max(3, termRows - below);

  // Finished cells are drawn once, as one text of rows already wrapped to the width; Ink keeps them for its
  // full redraw (a terminal made shorter than the live area). Ink handles a one-line marker for each and the
  // text takes its place on the way to the terminal (scrollback.ts).
  const staticCells = (
    <Static items={transcript.done}>
      {(cell) => <Text key={cell.id}>{props.scrollback.marker(scrollbackText(cellLines(cell), width))}</Text>}
    </Static>
  );
  if (exiting) return staticCells;
  return (
    <Box flexDirection="column">
      {staticCells}
      <LiveCells cells={transcript.live} now={now} rows={liveRows} />
      {transcript.status ? <Text color="yellow">{transcript.status}</Text> : null}
      {controller.busy && !pending ? (
        <Working label={controller.busy.label} since={controller.busy.since} />
      ) : null}
      {queue.current.prompts.length > 0 ? <Queued prompts={queue.current.prompts} /> : null}
      {pending ? (
        <ApprovalOverlay request={pending.request} view={approval.current} />
      ) : overlay.current ? (
        <PickerView picker={overlay.current.picker} />
      ) : (
        <Composer
          draft={draft}
          placeholder={
            controller.busy ? "queue a message for when this turn ends" : "Ask codex-litellm to do anything"
          }
        />
      )}
      {matches.length > 0 ? <SlashPopup matches={matches} index={slashIndex.current} /> : null}
      <Footer left={footerLeft} right={footerRight} />
    </Box>
  );
}
