// What each slash command does. The app gives a small context (the controller, a picker slot, quit); the
// commands never touch Ink.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { KNOWN_EFFORTS } from "../../../config/load.ts";
import type { ResumeSource } from "../../../core/resume.ts";
import type { SessionFile } from "../../../session/find.ts";
import { thousands } from "../../../util/format.ts";
import { reviewDiff, reviewPrompt } from "../../common/review.ts";
import { colorDiff, workspaceDiff } from "../render/diff.ts";
import { mcpCard } from "../render/mcp-card.ts";
import { statusCard } from "../render/status.ts";
import type { TuiController } from "../state/controller.ts";
import {
  currentPreset,
  PERMISSION_PRESETS,
  type PermissionPreset,
  permissionsNotice,
} from "../state/permissions.ts";
import { resumableSessions } from "../state/sessions.ts";
import { createPicker, type PickerState } from "./picker.ts";
import { INIT_PROMPT, type SlashParse } from "./slash.ts";

/** Reasoning efforts offered after a model is picked: every value config accepts; "default" sends none. */
export const EFFORTS = ["default", ...KNOWN_EFFORTS];

export interface OpenPicker<T> {
  picker: PickerState<T>;
  onPick(value: T): void;
  onCancel?(): void;
}

export interface CommandContext {
  controller: TuiController;
  cwd: string;
  /** Shows a picker in place of the composer (replacing any other). */
  openPicker<T>(open: OpenPicker<T>): void;
  /** Changes the open picker if it is still the one with `title` (async loading). */
  updatePicker<T>(title: string, update: (p: PickerState<T>) => PickerState<T>): void;
  closePicker(): void;
  quit(): void;
}

export function runSlashCommand(ctx: CommandContext, parsed: SlashParse): void {
  const { controller } = ctx;
  if (parsed.kind === "unknown") {
    controller.show({
      kind: "notice",
      text: `Unrecognized command '/${parsed.name}'. Type "/" for a list of supported commands.`,
      tone: "error",
    });
    return;
  }
  const { command } = parsed;
  controller.note("tui.slash", { command: command.name });
  if (command.idleOnly && controller.busy) {
    controller.show({
      kind: "notice",
      text: `'/${command.name}' is disabled while a task is in progress.`,
      tone: "warning",
    });
    return;
  }
  switch (command.name) {
    case "status":
      controller.show({ kind: "lines", lines: statusCard(controller.statusInfo()) });
      return;
    case "mcp":
      controller.show({ kind: "lines", lines: mcpCard(controller.mcpStatuses()) });
      return;
    case "model":
      openModelPicker(ctx);
      return;
    case "approvals":
      openApprovalsPicker(ctx);
      return;
    case "new":
      controller.newSession();
      return;
    case "review":
      startReview(ctx, parsed.args.trim() || undefined);
      return;
    case "resume":
      openResumePicker(ctx);
      return;
    case "init":
      if (existsSync(join(ctx.cwd, "AGENTS.md"))) {
        controller.show({
          kind: "notice",
          text: "AGENTS.md already exists here. Skipping /init to avoid overwriting it.",
          tone: "info",
        });
        return;
      }
      void controller.submit(INIT_PROMPT);
      return;
    case "compact":
      void controller.compact();
      return;
    case "diff":
      void workspaceDiff(ctx.cwd).then((diff) => {
        if (!diff.ok) controller.show({ kind: "notice", text: diff.message, tone: "error" });
        else if (!diff.text.trim())
          controller.show({ kind: "notice", text: "no changes in the workspace", tone: "info" });
        else controller.show({ kind: "lines", lines: colorDiff(diff.text) });
      });
      return;
    case "quit":
    case "exit":
      ctx.quit();
      return;
    case "login":
      // The setup screens run between two Ink apps; the session resumes after them (index.tsx).
      controller.loginRequested = true;
      ctx.quit();
      return;
    default:
      controller.show({ kind: "notice", text: `/${command.name} is not available`, tone: "error" });
  }
}

function startReview(ctx: CommandContext, instructions: string | undefined): void {
  const { controller } = ctx;
  let target: { what: string; diff: string };
  try {
    target = reviewDiff(ctx.cwd, {});
  } catch (error) {
    controller.show({ kind: "notice", text: (error as Error).message, tone: "error" });
    return;
  }
  if (!target.diff.trim()) {
    controller.show({ kind: "notice", text: "Nothing to review: no uncommitted changes.", tone: "info" });
    return;
  }
  void controller.review(reviewPrompt(target.what, target.diff, instructions));
}

const MODEL_TITLE = "Select LiteLLM Model and Effort";

function openModelPicker(ctx: CommandContext): void {
  const { controller } = ctx;
  const provider = controller.config.provider;
  ctx.openPicker<string>({
    picker: createPicker<string>({
      title: MODEL_TITLE,
      subtitle: "Showing models discovered from your LiteLLM endpoint.",
      items: [],
      searchable: true,
      empty: "Loading models…",
      footer: "Press enter to select reasoning effort, or esc to dismiss.",
    }),
    onPick: (model) => openEffortPicker(ctx, model),
  });
  const fail = (empty: string) =>
    ctx.updatePicker<string>(MODEL_TITLE, (p) => ({ ...p, empty, footer: "Press esc to dismiss." }));
  if (!provider.baseUrl) {
    fail("Configure LITELLM_BASE_URL to load models from your LiteLLM endpoint.");
    return;
  }
  if (provider.envKey && !provider.apiKey) {
    fail(`Set ${provider.envKey} to authenticate LiteLLM model discovery.`);
    return;
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 15_000);
  controller
    .listModels(abort.signal)
    .then((models) => {
      const ids = models.map((m) => m.id);
      const windows = new Map(models.map((m) => [m.id, m.maxInputTokens]));
      if (ids.length === 0)
        return fail(
          "No models were discovered. Check that your LiteLLM API base usually ends with /v1, the API key is valid, and the gateway exposes /models.",
        );
      const current = controller.model;
      const ordered =
        current && ids.includes(current) ? [current, ...ids.filter((id) => id !== current)] : ids;
      ctx.updatePicker<string>(MODEL_TITLE, (p) => ({
        ...p,
        items: ordered.map((id) => {
          const window = windows.get(id);
          const size = window ? `${thousands(window)}-token window` : "window unknown";
          return { label: id, value: id, detail: id === current ? `${size} · current` : size };
        }),
      }));
    })
    .catch((error: Error) => fail(`Unable to fetch the LiteLLM model list (${error.message}).`))
    .finally(() => clearTimeout(timer));
}

function openEffortPicker(ctx: CommandContext, model: string): void {
  const current = ctx.controller.effort ?? "default";
  ctx.openPicker<string>({
    picker: createPicker<string>({
      title: `Select Reasoning Effort for ${model}`,
      items: EFFORTS.map((e) => ({
        label: e,
        value: e,
        detail: e === current ? "current" : e === "default" ? "let the gateway decide" : undefined,
      })),
      searchable: false,
      index: Math.max(0, EFFORTS.indexOf(current)),
    }),
    onPick: (effort) => {
      ctx.closePicker();
      void ctx.controller.setModel(model, effort === "default" ? undefined : effort);
    },
  });
}

function openApprovalsPicker(ctx: CommandContext): void {
  const { approvalPolicy, sandboxMode } = ctx.controller.config;
  const current = currentPreset(approvalPolicy, sandboxMode);
  ctx.openPicker<PermissionPreset>({
    picker: createPicker<PermissionPreset>({
      title: "Select Approval Mode",
      subtitle: `Now: ${sandboxMode}, approval ${approvalPolicy}. The choice holds for this session only.`,
      items: PERMISSION_PRESETS.map((p) => ({
        label: p === current ? `${p.label} (current)` : p.label,
        value: p,
        detail: p.description,
      })),
      searchable: false,
      index: Math.max(0, PERMISSION_PRESETS.indexOf(current ?? PERMISSION_PRESETS[1])),
    }),
    onPick: (preset) => {
      ctx.closePicker();
      const { controller } = ctx;
      const policy = controller.setPermissions(preset.approvalPolicy, preset.sandboxMode);
      controller.note("tui.permissions", { approval: policy.approvalPolicy, sandbox: policy.sandboxMode });
      controller.show({ kind: "notice", text: permissionsNotice(preset), tone: "info" });
      for (const notice of policy.notices) controller.warn(notice);
    },
  });
}

export interface ResumePick {
  /** `codex-litellm fork`: open a copy of the chosen session under a new id. */
  fork?: boolean;
  /** List sessions `exec` started too (`resume --include-non-interactive`; /resume always does). */
  includeNonInteractive?: boolean;
  /** Runs once the chosen session is open. */
  onOpened?: () => void;
}

export function openResumePicker(
  ctx: CommandContext,
  pick: ResumePick = { includeNonInteractive: true },
): void {
  const { controller } = ctx;
  const items = resumableSessions(controller.config.codexHome, ctx.cwd, controller.sessionId, {
    interactiveOnly: !pick.includeNonInteractive,
  });
  ctx.openPicker<SessionFile>({
    picker: createPicker<SessionFile>({
      title: "Resume a previous session",
      subtitle: `Sessions started in ${ctx.cwd}`,
      items,
      searchable: true,
      empty: "No stored sessions were started in this directory.",
    }),
    onPick: (file) => {
      ctx.closePicker();
      let source: ResumeSource;
      try {
        // Forked when asked, then locked: refused while another process records it.
        source = controller.openStored(file, pick.fork);
      } catch (error) {
        controller.show({ kind: "notice", text: (error as Error).message, tone: "error" });
        return;
      }
      void resumeWithSafeguard(ctx, source, () => {}).then(() => pick.onOpened?.());
    },
  });
}

/**
 * Resumes `source` (opened and locked already); a session larger than the context window first asks "compact or abort". `onAbort` runs when
 * the user aborts (startup resume quits; `/resume` keeps the current session).
 */
export async function resumeWithSafeguard(
  ctx: CommandContext,
  source: ResumeSource,
  onAbort: () => void,
): Promise<void> {
  const { controller } = ctx;
  let prepared: Awaited<ReturnType<TuiController["prepareResume"]>>;
  try {
    prepared = await controller.prepareResume(source);
  } catch (error) {
    controller.show({ kind: "notice", text: (error as Error).message, tone: "error" });
    onAbort();
    return;
  }
  if (!prepared.tooBig) {
    controller.applyResume(prepared);
    return;
  }
  controller.note("tui.resume_guard", { used: prepared.used, window: prepared.contextWindow });
  ctx.openPicker<"compact" | "abort">({
    picker: createPicker<"compact" | "abort">({
      title: "This session is larger than the context window",
      subtitle: `It holds about ${prepared.used} tokens; the window is ${prepared.contextWindow}. Compact it before continuing, or abort the resume.`,
      items: [
        { label: "Compact the history, then continue", value: "compact" },
        { label: "Abort the resume", value: "abort" },
      ],
      searchable: false,
    }),
    onPick: (choice) => {
      ctx.closePicker();
      if (choice === "abort") {
        controller.discardResume(prepared);
        controller.show({ kind: "notice", text: "resume aborted", tone: "info" });
        onAbort();
        return;
      }
      controller.applyResume(prepared);
      void controller.compact("resume");
    },
    onCancel: () => {
      controller.discardResume(prepared);
      controller.show({ kind: "notice", text: "resume aborted", tone: "info" });
      onAbort();
    },
  });
}
