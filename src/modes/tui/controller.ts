// The TUI's session: owns the Agent (the one turn loop), the rollout recorder, telemetry and the model choice,
// and turns user operations (prompt, interrupt, /compact, /new, /resume, /model) into agent calls. No React
// here: the Ink app subscribes to the events and renders them.
import { Agent } from "../../agent/agent.ts";
import { readMcpServers } from "../../config/mcp.ts";
import type { ApprovalPolicy, ResolvedConfig, SandboxMode } from "../../config/types.ts";
import { saveModelChoice } from "../../config/writer.ts";
import { turnNotifier } from "../../core/notify.ts";
import { openRecorder, recordPrompt, sandboxPolicyRecord } from "../../core/recording.ts";
import {
  agentInstructions,
  contextWindowFor,
  type InitialContext,
  modelsCacheFile,
  reasoningShown,
} from "../../core/setup.ts";
import { assertVision } from "../../core/vision.ts";
import type { Gateway } from "../../gateway/client.ts";
import { discoverModels, type ModelInfo } from "../../gateway/discovery.ts";
import type { McpManager, McpServerStatus } from "../../mcp/index.ts";
import type { AgentEvent, SessionInfo } from "../../protocol/events.ts";
import type { HistoryItem } from "../../protocol/items.ts";
import type { Usage } from "../../protocol/model.ts";
import { emptyUsage } from "../../protocol/usage.ts";
import type { SessionFile } from "../../session/find.ts";
import { lockPath, type SessionLock, tryLockSession } from "../../session/lock.ts";
import { type Rollout, readRollout } from "../../session/reader.ts";
import type { SessionRecorder } from "../../session/recorder.ts";
import type { Telemetry } from "../../telemetry/index.ts";
import type { ToolPolicy } from "../../tools/policy.ts";
import { ToolRegistry } from "../../tools/registry.ts";
import { UserError } from "../../util/errors.ts";
import { uuidv7 } from "../../util/uuid.ts";
import { VERSION } from "../../util/version.ts";
import { patchDiff, snapshotFiles } from "./diff.ts";
import { permissionsUpdate } from "./permissions.ts";
import type { StatusInfo } from "./status.ts";
import type { Cell, TranscriptEvent } from "./transcript.ts";

export type TuiEvent = TranscriptEvent | { type: "ui_state" };

export interface ControllerOptions {
  config: ResolvedConfig;
  cwd: string;
  policy: ToolPolicy;
  context: InitialContext;
  telemetry: Telemetry;
  gateway: Gateway;
  model?: string;
  contextWindow: number;
  /** TUI events for the logs (debug log, codex-tui.log); default the telemetry's debug log only. */
  note?: (kind: string, fields?: Record<string, unknown>) => void;
  /** The lock of the session `codex-litellm resume` opens, taken before the TUI started. */
  resumeLock?: SessionLock;
  /** The session's MCP servers, when config.toml names any. */
  mcp?: McpManager;
}

/** A stored session read and measured, not yet switched to (the resume safeguard may still abort it). */
export interface PreparedResume {
  file: SessionFile;
  rollout: Rollout;
  model?: string;
  contextWindow: number;
  used: number;
  /** The history is larger than the context window: compact before continuing, or abort. */
  tooBig: boolean;
  /** The session's lock, held from here on; `discardResume` lets go of it. */
  lock: SessionLock;
}

/** At most this often the UI sees merged streamed text (about 20 frames a second). */
const FRAME_MS = 50;

export class TuiController {
  private pending: (TuiEvent & { type: "agent_message_delta" | "reasoning_delta" })[] = [];
  private frameTimer: ReturnType<typeof setTimeout> | undefined;
  model?: string;
  effort?: string;
  contextWindow: number;
  sessionId = uuidv7();
  /** Tokens in the conversation as last counted (the footer's context indicator). */
  contextUsed = 0;
  /** What runs now ("Working", "Compacting"), with its start time; undefined when idle. */
  busy?: { label: string; since: number };
  private agent?: Agent;
  private recorder?: SessionRecorder;
  private resumePath?: string;
  private abort?: AbortController;
  private running?: Promise<void>;
  private tools: ToolRegistry;
  private readonly listeners = new Set<(event: TuiEvent) => void>();
  private readonly snapshots = new Map<string, Map<string, string | undefined>>();
  private readonly instructions: string;
  private readonly showReasoning: boolean;
  private readonly notify: (event: AgentEvent) => void;

  constructor(private readonly options: ControllerOptions) {
    this.instructions = agentInstructions(options.config);
    this.showReasoning = reasoningShown(options.config);
    this.notify = turnNotifier(options.config.notify, () => this.sessionId, options.cwd);
    this.model = options.model;
    this.effort = options.config.reasoningEffort;
    this.contextWindow = options.contextWindow;
    this.tools = new ToolRegistry({ ...options.policy.registryOptions, extraTools: options.mcp?.tools() });
    this.agent = this.buildAgent([]);
  }

  get config(): ResolvedConfig {
    return this.options.config;
  }

  /** `/login`: the app ends so the setup screens can run; the session is then resumed with the new gateway. */
  loginRequested = false;

  /** Whether the session has a rollout file that `codex-litellm resume <id>` can continue. */
  get resumable(): boolean {
    return this.recorder !== undefined || this.resumePath !== undefined;
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
    this.options.telemetry.onEvent(event);
    this.recorder?.recordEvent(event);
    this.notify(event);
    if (!this.showReasoning && (event.type === "reasoning" || event.type === "reasoning_delta")) return;
    if (event.type === "token_count" && event.contextUsed !== undefined) this.contextUsed = event.contextUsed;
    if (event.type === "patch_apply_begin")
      this.snapshots.set(event.callId, snapshotFiles(this.options.cwd, event.changes));
    if (event.type === "patch_apply_end") {
      const before = this.snapshots.get(event.callId);
      this.snapshots.delete(event.callId);
      if (before && event.success) {
        try {
          const diff = patchDiff(this.options.cwd, event.changes, before);
          this.dispatch({ type: "ui_patch_diff", callId: event.callId, diff });
        } catch {
          // The diff is decoration; the patch cell still lists the files.
        }
      }
    }
    this.dispatch(event);
  };

  private buildAgent(history: HistoryItem[], usage?: { total: Usage; last?: Usage }): Agent | undefined {
    if (!this.model) return undefined;
    const { config, cwd, policy, context, gateway } = this.options;
    return new Agent({
      model: this.model,
      instructions: this.instructions,
      reasoningEffort: this.effort,
      verbosity: config.modelVerbosity,
      usage,
      maxAutoContinues: config.autoContinueMax,
      stream: gateway.stream,
      tools: this.tools,
      cwd,
      writableRoots: policy.writableRoots,
      emit: this.onAgentEvent,
      history,
      initialContext: context.items,
      onItem: (item) => this.recorder?.recordItem(item),
      onCompacted: (summary, items) => this.recorder?.recordCompacted(summary, items),
      contextWindow: this.contextWindow,
      autoCompactTokenLimit: config.autoCompactTokenLimit,
      maxRequestsPerTurn: config.maxRequestsPerTurn,
    });
  }

  sessionInfo(): SessionInfo {
    const { config, cwd, policy } = this.options;
    return {
      sessionId: this.sessionId,
      version: VERSION,
      cwd,
      model: this.model ?? "",
      provider: config.provider.id,
      baseUrl: config.provider.baseUrl ?? "(no base URL)",
      approvalPolicy: policy.approvalPolicy,
      sandbox: policy.sandboxSummary,
      reasoningEffort: this.effort,
      contextWindow: this.contextWindow,
    };
  }

  /** Announces the session (header cell, telemetry's session id, model and effort). */
  announce(): void {
    this.onAgentEvent({ type: "session_configured", session: this.sessionInfo() });
  }

  private ensureRecorder(lock?: SessionLock): void {
    if (this.recorder || !this.model) return;
    const { config, cwd, policy } = this.options;
    this.recorder = openRecorder({
      config,
      sessionId: this.sessionId,
      cwd,
      model: this.model,
      contextWindow: this.contextWindow,
      resumePath: this.resumePath,
      lock,
      source: "cli",
      turnContext: {
        cwd,
        approval_policy: policy.approvalPolicy,
        sandbox_policy: sandboxPolicyRecord(config, policy.writableRoots),
        model: this.model,
        effort: this.effort,
        summary: config.reasoningSummary ?? "auto",
        developer_instructions: config.developerInstructions,
      },
      warn: (m) => this.warn(m),
    });
  }

  private setBusy(label: string | undefined): void {
    this.busy = label ? { label, since: Date.now() } : undefined;
    this.dispatch({ type: "ui_state" });
  }

  /** Runs one turn. Resolves when it ends (completed, failed or interrupted). */
  /** `images`: `data:` URLs sent with the prompt (`-i`, an image path pasted into the composer). */
  async submit(prompt: string, images: string[] = []): Promise<void> {
    if (this.busy) return;
    if (!this.agent) {
      this.show({ kind: "notice", text: "no model selected: choose one with /model", tone: "error" });
      return;
    }
    if (images.length && this.model) {
      try {
        await assertVision(this.options.gateway, this.model, modelsCacheFile(this.options.config.codexHome));
      } catch (error) {
        this.show({ kind: "notice", text: (error as Error).message, tone: "error" });
        return;
      }
    }
    this.ensureRecorder();
    recordPrompt(this.options.config, this.sessionId, prompt, (m) => this.warn(m));
    await this.run("Working", (signal) => this.agent!.runTurn(prompt, signal, images));
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
    if (this.busy || !this.agent) return;
    this.ensureRecorder();
    const agent = this.agent;
    await this.run("Compacting", async (signal) => {
      const outcome = await agent.compact(signal, reason);
      if (outcome.status === "failed")
        this.show({ kind: "notice", text: `compaction failed: ${outcome.message}`, tone: "error" });
      if (outcome.status === "aborted")
        this.show({ kind: "notice", text: "compaction interrupted", tone: "error" });
    });
  }

  /** `/new`: a fresh conversation (and session id) with the same model and settings. */
  newSession(): void {
    this.recorder?.close();
    this.recorder = undefined;
    this.resumePath = undefined;
    this.sessionId = uuidv7();
    this.contextUsed = 0;
    this.agent = this.buildAgent([]);
    this.announce();
  }

  /** Reads a stored session and measures it against the window; changes nothing yet. */
  async prepareResume(file: SessionFile): Promise<PreparedResume> {
    const startup = this.options.resumeLock;
    this.options.resumeLock = undefined;
    // Refused (SessionInUseError) while another process records the session.
    const lock = startup?.path === lockPath(file.path) ? startup : tryLockSession(file.path, file.id);
    if (lock !== startup) startup?.release();
    let rollout: Rollout;
    try {
      rollout = readRollout(file.path);
    } catch (error) {
      lock.release();
      throw new UserError(`cannot read session ${file.path}: ${(error as Error).message}`);
    }
    const model = this.options.model ?? rollout.meta?.model ?? this.model;
    const contextWindow = model
      ? await contextWindowFor(this.options.config, this.options.gateway, model)
      : this.contextWindow;
    const probe = new Agent({
      model: model ?? "",
      instructions: this.instructions,
      stream: this.options.gateway.stream,
      tools: this.tools,
      cwd: this.options.cwd,
      writableRoots: [],
      emit: () => {},
      history: rollout.history,
      usage: rollout.usage,
      contextWindow,
    });
    const used = probe.contextUsed();
    return { file, rollout, model, contextWindow, used, tooBig: used > contextWindow, lock };
  }

  /** A prepared resume the user aborted: its session is free for others again. */
  discardResume(prepared: PreparedResume): void {
    if (prepared.file.path !== this.resumePath) prepared.lock.release();
  }

  /** Switches to a prepared session: its history feeds the next turn, new records append to its file. */
  applyResume(prepared: PreparedResume): void {
    const { rollout, file } = prepared;
    this.recorder?.close();
    this.recorder = undefined;
    this.resumePath = file.path;
    this.sessionId = rollout.meta?.id ?? file.id;
    this.model = prepared.model;
    this.contextWindow = prepared.contextWindow;
    this.contextUsed = prepared.used;
    this.agent = this.buildAgent(rollout.history, rollout.usage);
    this.ensureRecorder(prepared.lock);
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

  /** Model ids for the /model picker, from the gateway (five-minute cache). */
  /** The gateway's models with their windows where it says them (`/model`). */
  listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    return discoverModels(this.options.gateway, signal, {
      cacheFile: modelsCacheFile(this.options.config.codexHome),
    });
  }

  /**
   * `/model`: switches model and effort for the next turn (the conversation carries over) and saves both into
   * codex-litellm.config.toml, so stock Codex keeps its own.
   */
  async setModel(model: string, effort: string | undefined): Promise<void> {
    const history = this.agent?.history ?? [];
    const usage = this.agent?.totalUsage ?? emptyUsage();
    this.model = model;
    this.effort = effort;
    this.contextWindow = await contextWindowFor(this.options.config, this.options.gateway, model);
    this.agent = this.buildAgent([...history]);
    if (this.agent) this.agent.totalUsage = usage;
    if (this.recorder) Object.assign(this.recorder.settings.turnContext, { model, effort });
    this.options.telemetry.onEvent({ type: "session_configured", session: this.sessionInfo() });
    let saved = "";
    try {
      saveModelChoice(this.options.config.ownConfigPath, model, effort);
      saved = `; saved to ${this.options.config.ownConfigPath}`;
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

  /**
   * `/approvals`: approval policy and sandbox for the rest of the session (not saved). The tools switch at once;
   * a conversation under way gets a new environment context so the model knows.
   */
  setPermissions(approvalPolicy: ApprovalPolicy, sandboxMode: SandboxMode): ToolPolicy {
    const next = permissionsUpdate(this.options, this.options.cwd, approvalPolicy, sandboxMode);
    const previous = this.options.policy.registryOptions.safety;
    if (previous) next.policy.registryOptions.safety?.keepApprovalsOf(previous);
    Object.assign(this.options, { config: next.config, policy: next.policy, context: next.context });
    this.tools = new ToolRegistry({ ...next.policy.registryOptions, extraTools: this.options.mcp?.tools() });
    const history = this.agent?.history ?? [];
    const usage = this.agent?.totalUsage ?? emptyUsage();
    this.agent = this.buildAgent(history.length > 0 ? [...history, next.environment] : []);
    if (this.agent) this.agent.totalUsage = usage;
    if (history.length > 0) this.recorder?.recordItem(next.environment);
    if (this.recorder) Object.assign(this.recorder.settings.turnContext, next.turnContext);
    this.dispatch({ type: "ui_state" });
    return next.policy;
  }

  /** `/review`: one turn under a read-only sandbox; the session's permissions come back afterwards. */
  async review(prompt: string): Promise<void> {
    const approval = this.options.policy.approvalPolicy;
    const sandbox = this.options.config.sandboxMode;
    this.setPermissions(approval, "read-only");
    try {
      await this.submit(prompt);
    } finally {
      this.setPermissions(approval, sandbox);
    }
  }

  statusInfo(): StatusInfo {
    const { config, cwd, policy, context, telemetry } = this.options;
    return {
      version: VERSION,
      model: this.model,
      effort: this.effort,
      provider: { id: config.provider.id, name: config.provider.name, baseUrl: config.provider.baseUrl },
      cwd,
      home: process.env.HOME,
      approvalPolicy: policy.approvalPolicy,
      sandbox: policy.sandboxSummary,
      agentsFiles: context.docFiles,
      sessionId: this.sessionId,
      usage: this.agent?.totalUsage ?? emptyUsage(),
      contextUsed: this.contextUsed,
      contextWindow: this.contextWindow,
      litellmLines: telemetry.usageLines(),
      configPath: config.configPath,
    };
  }

  /** `/mcp`: the servers started for this session, or the configured ones when none was started. */
  mcpStatuses(): McpServerStatus[] {
    if (this.options.mcp) return this.options.mcp.statuses();
    return readMcpServers(this.options.config.raw).servers.map((s) => ({
      name: s.name,
      transport: s.transport.kind,
      state: "disabled" as const,
      tools: [],
    }));
  }

  totalUsage() {
    return this.agent?.totalUsage ?? emptyUsage();
  }

  /** Ends the process's use of the session; `resumable` and `sessionId` stay readable for the goodbye. */
  close(): void {
    this.abort?.abort();
    this.recorder?.close();
  }
}
