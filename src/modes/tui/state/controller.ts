// The TUI's side of the session: UI state (what runs, streamed text merged per frame, patch diffs, transcript
// cells) around the AgentSession that owns the agent, recorder, telemetry hookup, model and permissions. No
// React here: the Ink app subscribes to the events and renders them.

import type { ApprovalPolicy, ResolvedConfig, SandboxMode } from "../../../config/types.ts";
import { saveModelChoice } from "../../../config/writer.ts";
import type { AgentSession, PreparedResume } from "../../../core/agent-session.ts";
import type { ResumeSource } from "../../../core/resume.ts";
import type { ModelInfo } from "../../../gateway/discovery.ts";
import type { McpServerStatus } from "../../../mcp/index.ts";
import type { AgentEvent, SessionInfo } from "../../../protocol/events.ts";
import type { SessionFile } from "../../../session/find.ts";
import type { Telemetry } from "../../../telemetry/index.ts";
import type { ToolPolicy } from "../../../tools/policy.ts";
import { VERSION } from "../../../util/version.ts";
import { appliedDiff } from "../render/diff.ts";
import type { StatusInfo } from "../render/status.ts";
import type { Cell, TranscriptEvent } from "./transcript.ts";

export type { PreparedResume };

export type TuiEvent = TranscriptEvent | { type: "ui_state" };

export interface ControllerOptions {
  session: AgentSession;
  telemetry: Telemetry;
  /** TUI events for the logs (debug log, codex-tui.log); default the telemetry's debug log only. */
  note?: (kind: string, fields?: Record<string, unknown>) => void;
  /** The user's home, shown by /status. */
  home?: string;
}

/** At most this often the UI sees merged streamed text (about 20 frames a second). */
const FRAME_MS = 50;

export class TuiController {
  private pending: (TuiEvent & { type: "agent_message_delta" | "reasoning_delta" })[] = [];
  private frameTimer: ReturnType<typeof setTimeout> | undefined;
  /** What runs now ("Working", "Compacting"), with its start time; undefined when idle. */
  busy?: { label: string; since: number };
  private abort?: AbortController;
  private running?: Promise<void>;
  private readonly listeners = new Set<(event: TuiEvent) => void>();
  private readonly session: AgentSession;

  constructor(private readonly options: ControllerOptions) {
    this.session = options.session;
    this.session.subscribe(this.onAgentEvent);
  }

  get config(): ResolvedConfig {
    return this.session.currentConfig;
  }

  get model(): string | undefined {
    return this.session.model;
  }

  get effort(): string | undefined {
    return this.session.effort;
  }

  get contextWindow(): number {
    return this.session.contextWindow;
  }

  get contextUsed(): number {
    return this.session.contextUsed;
  }

  get sessionId(): string {
    return this.session.sessionId;
  }

  /** `/login`: the app ends so the setup screens can run; the session is then resumed with the new gateway. */
  loginRequested = false;

  /** Whether the session has a rollout file that `codex-litellm resume <id>` can continue. */
  get resumable(): boolean {
    return this.session.resumable;
  }

  subscribe(listener: (event: TuiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A debug-log line (telemetry on): what the user did in the TUI. */
  note(kind: string, fields?: Record<string, unknown>): void {
    (this.options.note ?? this.options.telemetry.note)(kind, fields);
  }

  /** Shows a cell in the transcript (slash command output, notices). */
  show(cell: Cell): void {
    this.dispatch({ type: "ui_cell", cell });
  }

  warn(message: string): void {
    this.show({ kind: "notice", text: message, tone: "warning" });
  }

  private dispatch(event: TuiEvent): void {
    // Streamed text arrives in thousands of tiny deltas: merge them and hand the UI at most one per frame.
    // Any other event first flushes what is pending, so the order of events is kept.
    if (event.type === "agent_message_delta" || event.type === "reasoning_delta") {
      const last = this.pending.at(-1);
      if (last && last.type === event.type) last.delta += event.delta;
      else this.pending.push({ ...event });
      this.frameTimer ??= setTimeout(() => this.flush(), FRAME_MS);
      return;
    }
    this.flush();
    for (const l of this.listeners) l(event);
  }

  private flush(): void {
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
    const pending = this.pending;
    this.pending = [];
    for (const event of pending) for (const l of this.listeners) l(event);
  }

  private onAgentEvent = (event: AgentEvent): void => {
    // The diff is what apply_patch read and wrote, not the files as they are now (an edit made while the
    // approval prompt was open, or since, is not the patch's).
    if (event.type === "patch_apply_end" && event.success && event.diffs) {
      try {
        const diff = event.diffs.map((d) => appliedDiff(d));
        this.dispatch({ type: "ui_patch_diff", callId: event.callId, diff });
      } catch {
        // The diff is decoration; the patch cell still lists the files.
      }
    }
    this.dispatch(event);
  };

  sessionInfo(): SessionInfo {
    return this.session.sessionInfo();
  }

  /** Announces the session (header cell, telemetry's session id, model and effort). */
  announce(): void {
    this.session.announce();
  }

  private setBusy(label: string | undefined): void {
    this.busy = label ? { label, since: Date.now() } : undefined;
    this.dispatch({ type: "ui_state" });
  }

  /** Runs one turn. Resolves when it ends (completed, failed or interrupted). */
  /** `images`: `data:` URLs sent with the prompt (`-i`, an image path pasted into the composer). */
  async submit(prompt: string, images: string[] = []): Promise<void> {
    if (this.busy) return;
    if (!this.session.ready) {
      this.show({ kind: "notice", text: "no model selected: choose one with /model", tone: "error" });
      return;
    }
    if (images.length) {
      try {
        await this.session.checkVision();
      } catch (error) {
        this.show({ kind: "notice", text: (error as Error).message, tone: "error" });
        return;
      }
    }
    await this.run("Working", (signal) => this.session.submit(prompt, signal, images));
  }

  private run(label: string, work: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
    this.running = this.runWork(label, work);
    return this.running;
  }

  private async runWork(label: string, work: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    this.setBusy(label);
    try {
      await work(abort.signal);
    } catch (error) {
      this.note("tui.error", { message: String((error as Error)?.stack ?? error) });
      this.show({
        kind: "notice",
        text: `unexpected failure: ${(error as Error)?.message ?? error}`,
        tone: "error",
      });
    } finally {
      this.abort = undefined;
      this.setBusy(undefined);
    }
  }

  /** Interrupts the running turn or compaction (Esc, Ctrl-C). */
  interrupt(): void {
    this.abort?.abort();
  }

  /** Interrupts what runs and resolves once it has ended (its `turn_aborted` recorded): for a signal. */
  async shutdown(): Promise<void> {
    this.abort?.abort();
    await this.running;
  }

  async compact(reason: "manual" | "resume" = "manual"): Promise<void> {
    if (this.busy || !this.session.ready) return;
    await this.run("Compacting", async (signal) => {
      const outcome = await this.session.compact(signal, reason);
      if (outcome.status === "failed")
        this.show({ kind: "notice", text: `compaction failed: ${outcome.message}`, tone: "error" });
      if (outcome.status === "aborted")
        this.show({ kind: "notice", text: "compaction interrupted", tone: "error" });
    });
  }

  /** `/new`: a fresh conversation (and session id) with the same model and settings. */
  newSession(): void {
    this.session.newSession();
    this.announce();
  }

  /** A session chosen in a picker, forked when asked and locked (AgentSession.openStored). */
  openStored(file: SessionFile, fork = false): ResumeSource {
    return this.session.openStored(file, fork);
  }

  /** Reads a stored session and measures it against the window; changes nothing yet. */
  prepareResume(source: ResumeSource): Promise<PreparedResume> {
    return this.session.prepareResume(source);
  }

  /** A prepared resume the user aborted: its session is free for others again. */
  discardResume(prepared: PreparedResume): void {
    this.session.discardResume(prepared);
  }

  /** Switches to a prepared session and shows its conversation. */
  applyResume(prepared: PreparedResume): void {
    const { rollout } = prepared;
    this.session.applyResume(prepared);
    this.announce();
    for (const record of rollout.records) {
      if (record.type !== "event_msg") continue;
      const p = record.payload;
      if (p.type === "user_message") this.show({ kind: "user", text: p.message });
      else if (p.type === "agent_message") this.show({ kind: "assistant", text: p.message });
    }
    for (const warning of rollout.warnings) this.warn(warning);
    this.show({ kind: "notice", text: `resumed session ${this.sessionId}`, tone: "info" });
  }

  /** The gateway's models with their windows where it says them (`/model`). */
  listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    return this.session.listModels(signal);
  }

  /**
   * `/model`: switches model and effort for the next turn (the conversation carries over) and saves both into
   * codex-litellm.config.toml, so stock Codex keeps its own.
   */
  async setModel(model: string, effort: string | undefined): Promise<void> {
    await this.session.setModel(model, effort);
    const path = this.config.ownConfigPath;
    let saved = "";
    try {
      saveModelChoice(path, model, effort);
      saved = `; saved to ${path}`;
    } catch (error) {
      this.warn(`could not save the model choice: ${(error as Error).message}`);
    }
    this.show({
      kind: "notice",
      text: `model changed to ${model} (reasoning ${effort ?? "default"})${saved}`,
      tone: "info",
    });
    this.dispatch({ type: "ui_state" });
  }

  /** `/approvals`: approval policy and sandbox for the rest of the session (not saved). */
  setPermissions(approvalPolicy: ApprovalPolicy, sandboxMode: SandboxMode): ToolPolicy {
    const policy = this.session.setPermissions(approvalPolicy, sandboxMode);
    this.dispatch({ type: "ui_state" });
    return policy;
  }

  /** `/review`: one turn under a read-only sandbox; the session's permissions come back afterwards. */
  async review(prompt: string): Promise<void> {
    const approval = this.session.currentPolicy.approvalPolicy;
    const sandbox = this.config.sandboxMode;
    this.setPermissions(approval, "read-only");
    try {
      await this.submit(prompt);
    } finally {
      this.setPermissions(approval, sandbox);
    }
  }

  statusInfo(): StatusInfo {
    const { config, session } = this;
    const policy = session.currentPolicy;
    return {
      version: VERSION,
      model: this.model,
      effort: this.effort,
      provider: { id: config.provider.id, name: config.provider.name, baseUrl: config.provider.baseUrl },
      cwd: session.cwd,
      home: this.options.home,
      approvalPolicy: policy.approvalPolicy,
      sandbox: policy.sandboxSummary,
      agentsFiles: session.agentsFiles,
      sessionId: this.sessionId,
      usage: session.totalUsage(),
      contextUsed: this.contextUsed,
      contextWindow: this.contextWindow,
      litellmLines: this.options.telemetry.usageLines(),
      configPath: config.configPath,
    };
  }

  /** `/mcp`: the servers started for this session, or the configured ones when none was started. */
  mcpStatuses(): McpServerStatus[] {
    return this.session.mcpStatuses();
  }

  totalUsage() {
    return this.session.totalUsage();
  }

  /** Ends the process's use of the session; `resumable` and `sessionId` stay readable for the goodbye. */
  close(): void {
    this.abort?.abort();
    this.session.closeRecording();
  }
}
