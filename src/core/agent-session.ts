// AgentSession: the one session every front end drives. exec and the TUI both open it with openAgentSession,
// so they get the same gateway (with `[model_profiles]`), the same Agent options (the per-model auto-continue
// limit), the same recorder, notify hook, MCP servers and permissions. Front ends subscribe to its events and
// call its operations; what they show is theirs. No rendering here.
import { Agent, type AgentOptions, type TurnOutcome } from "../agent/agent.ts";
import { DEFAULT_CONTEXT_WINDOW } from "../agent/context.ts";
import { readMcpServers } from "../config/mcp.ts";
import type { ApprovalPolicy, ResolvedConfig, SandboxMode } from "../config/types.ts";
import { createGateway, type Gateway } from "../gateway/client.ts";
import { discoverModels, type ModelInfo } from "../gateway/discovery.ts";
import { modelProfile } from "../gateway/quirks.ts";
import type { McpManager, McpServerStatus } from "../mcp/index.ts";
import type { AgentEvent, SessionInfo } from "../protocol/events.ts";
import type { HistoryItem } from "../protocol/items.ts";
import type { Usage } from "../protocol/model.ts";
import { emptyUsage } from "../protocol/usage.ts";
import type { SessionFile } from "../session/find.ts";
import type { SessionLock } from "../session/lock.ts";
import type { Rollout } from "../session/reader.ts";
import type { SessionRecorder } from "../session/recorder.ts";
import type { Telemetry } from "../telemetry/index.ts";
import type { ToolPolicy } from "../tools/policy.ts";
import { ToolRegistry } from "../tools/registry.ts";
import { UserError } from "../util/errors.ts";
import { type Redactor, redactUrl } from "../util/redact.ts";
import { uuidv7 } from "../util/uuid.ts";
import { VERSION } from "../util/version.ts";
import { requiredFailure, startMcpServers } from "./mcp-setup.ts";
import { turnNotifier } from "./notify.ts";
import { type InitialContext, permissionsUpdate } from "./permissions.ts";
import { openRecorder, recordPrompt, sandboxPolicyRecord } from "./recording.ts";
import { discardSource, openResume, type ResumeSource, readResumed } from "./resume.ts";
import {
  agentInstructions,
  contextWindowFor,
  initialContext,
  modelsCacheFile,
  reasoningFilter,
} from "./setup.ts";
import { assertVision } from "./vision.ts";

export interface SessionSetup {
  config: ResolvedConfig;
  cwd: string;
  /** Sandbox, approvals and writable roots; the front end builds it (exec never asks, the TUI has a broker). */
  policy: ToolPolicy;
  /** Started by the front end (it may need the session id first); the session feeds it events and wire logs. */
  telemetry: Telemetry;
  /** The configured model (exec: or the resumed session's); none until `/model` in the TUI. */
  model?: string;
  /** `session_meta.source`: "exec", or "cli" for the TUI (as Codex names it). */
  source: "exec" | "cli";
  /** false (`exec --ephemeral`): no rollout and no history.jsonl line. */
  record?: boolean;
  /** A known id (exec resume); a new one otherwise. */
  sessionId?: string;
  /** `--output-schema`: the response format sent with every request. */
  responseFormat?: AgentOptions["responseFormat"];
  /** What the rollout passes through; default one built from the provider's secrets and the environment. */
  redactor?: Redactor;
  /** The session's warnings once open (recording problems, MCP servers failing later). */
  warn: (message: string) => void;
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
  /** The lock of the file recorded into (none for an ephemeral run), held from here on; `discardResume` frees it. */
  lock?: SessionLock;
  /** The agent that measured it, the one used once applied. */
  readonly agent?: Agent;
  /** Where it came from (file, lock, whether this process forked it). */
  readonly source: ResumeSource;
}

/**
 * Opens a session: the gateway with the configured model profiles, the MCP servers (started while the gateway is
 * asked about the model's context window). Throws a UserError when a `required = true` MCP server did not start.
 */
export async function openAgentSession(setup: SessionSetup): Promise<AgentSession> {
  const { config, cwd, telemetry, model } = setup;
  const gateway = createGateway({
    provider: config.provider,
    modelProfiles: config.modelProfiles,
    onWire: telemetry.onWire,
  });
  const startup: string[] = [];
  let warn = (message: string) => {
    startup.push(message);
  };
  const starting = startMcpServers(config, cwd, telemetry.note, (m) => warn(m));
  let contextWindow: number;
  try {
    contextWindow = model
      ? await contextWindowFor(config, gateway, model)
      : (config.contextWindow ?? DEFAULT_CONTEXT_WINDOW);
  } catch (error) {
    await (await starting).manager?.close();
    throw error;
  }
  const mcp = await starting;
  const failure = requiredFailure(mcp);
  if (failure) {
    await mcp.manager?.close();
    throw new UserError(failure);
  }
  warn = setup.warn;
  if (mcp.manager) mcp.manager.warn = setup.warn;
  return new AgentSession(setup, gateway, contextWindow, mcp.manager, [...mcp.warnings, ...startup]);
}

export class AgentSession {
  model?: string;
  effort?: string;
  contextWindow: number;
  sessionId: string;
  /** Tokens in the conversation as last counted (the TUI footer's context indicator). */
  contextUsed = 0;
  private config: ResolvedConfig;
  private policy: ToolPolicy;
  private context: InitialContext;
  private tools: ToolRegistry;
  private agent?: Agent;
  private recorder?: SessionRecorder;
  private resumePath?: string;
  private recordingClosed = false;
  private readonly listeners = new Set<(event: AgentEvent) => void>();
  private readonly instructions: string;
  /** To the listeners, without reasoning when it is not shown (the agent still records and replays it). */
  private readonly deliver: (event: AgentEvent) => void;
  private readonly notify: (event: AgentEvent) => void;

  constructor(
    private readonly setup: SessionSetup,
    readonly gateway: Gateway,
    contextWindow: number,
    private readonly mcp: McpManager | undefined,
    /** MCP entries and servers that did not start: shown by the front end once it has drawn its header. */
    readonly startupWarnings: string[] = [],
  ) {
    this.config = setup.config;
    this.policy = setup.policy;
    this.context = initialContext(setup.config, setup.cwd, setup.policy);
    this.instructions = agentInstructions(setup.config);
    this.deliver = reasoningFilter(setup.config, (event) => {
      if (event.type === "token_count" && event.contextUsed !== undefined)
        this.contextUsed = event.contextUsed;
      for (const listener of this.listeners) listener(event);
    });
    this.notify = turnNotifier(setup.config.notify, () => this.sessionId, setup.cwd);
    this.sessionId = setup.sessionId ?? uuidv7();
    this.model = setup.model;
    this.effort = setup.config.reasoningEffort;
    this.contextWindow = contextWindow;
    this.tools = this.registry();
    this.agent = this.buildAgent([]);
  }

  get cwd(): string {
    return this.setup.cwd;
  }

  get currentConfig(): ResolvedConfig {
    return this.config;
  }

  get currentPolicy(): ToolPolicy {
    return this.policy;
  }

  get agentsFiles(): string[] {
    return this.context.docFiles;
  }

  /** Whether a turn can run (a model is chosen). */
  get ready(): boolean {
    return this.agent !== undefined;
  }

  /** Whether the session has a rollout file that `codex-litellm resume <id>` can continue. */
  get resumable(): boolean {
    return this.recorder !== undefined || this.resumePath !== undefined;
  }

  /** The event stream: every agent event (reasoning only when shown), after telemetry and the rollout saw it. */
  subscribe(listener: (event: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish = (event: AgentEvent): void => {
    this.setup.telemetry.onEvent(event);
    this.recorder?.recordEvent(event);
    this.notify(event);
    this.deliver(event);
  };

  private registry(): ToolRegistry {
    return new ToolRegistry({ ...this.policy.registryOptions, extraTools: this.mcp?.tools() });
  }

  /** The agent for `model`: the one place its options are chosen, so every front end sends the same requests. */
  private buildAgent(
    history: HistoryItem[],
    usage?: { total: Usage; last?: Usage },
    model = this.model,
    contextWindow = this.contextWindow,
  ): Agent | undefined {
    if (!model) return undefined;
    const { config } = this;
    return new Agent({
      model,
      instructions: this.instructions,
      reasoningEffort: this.effort,
      responseFormat: this.setup.responseFormat,
      verbosity: config.modelVerbosity,
      usage,
      maxAutoContinues: modelProfile(model, config.modelProfiles, config.provider, config).autoContinueMax,
      stream: this.gateway.stream,
      tools: this.tools,
      cwd: this.setup.cwd,
      writableRoots: this.policy.writableRoots,
      emit: this.publish,
      history,
      initialContext: this.context.items,
      onItem: (item) => this.recorder?.recordItem(item),
      onCompacted: (summary, items) => this.recorder?.recordCompacted(summary, items),
      contextWindow,
      autoCompactTokenLimit: config.autoCompactTokenLimit,
      maxRequestsPerTurn: config.maxRequestsPerTurn,
    });
  }

  sessionInfo(): SessionInfo {
    const { config, policy } = this;
    return {
      sessionId: this.sessionId,
      version: VERSION,
      cwd: this.setup.cwd,
      model: this.model ?? "",
      provider: config.provider.id,
      baseUrl: config.provider.baseUrl ? redactUrl(config.provider.baseUrl) : "(no base URL)",
      approvalPolicy: policy.approvalPolicy,
      sandbox: policy.sandboxSummary,
      reasoningEffort: this.effort,
      contextWindow: this.contextWindow,
    };
  }

  /** Announces the session (`session_configured`: the header, telemetry's session id, model and effort). */
  announce(): void {
    this.publish({ type: "session_configured", session: this.sessionInfo() });
  }

  /** Opens the rollout now (exec; the TUI waits for the first turn). A no-op without a model or recording. */
  startRecording(lock?: SessionLock): void {
    if (this.recorder || !this.model || this.setup.record === false) return;
    const { config, policy } = this;
    const cwd = this.setup.cwd;
    this.recorder = openRecorder({
      config,
      sessionId: this.sessionId,
      cwd,
      model: this.model,
      contextWindow: this.contextWindow,
      resumePath: this.resumePath,
      lock,
      source: this.setup.source,
      turnContext: {
        cwd,
        approval_policy: policy.approvalPolicy,
        sandbox_policy: sandboxPolicyRecord(config, policy.writableRoots),
        model: this.model,
        effort: this.effort,
        summary: config.reasoningSummary ?? "auto",
        developer_instructions: config.developerInstructions,
      },
      warn: this.setup.warn,
      redactor: this.setup.redactor,
    });
  }

  /** Throws a UserError when the gateway says the model takes no images. */
  async checkVision(): Promise<void> {
    if (this.model) await assertVision(this.gateway, this.model, modelsCacheFile(this.config.codexHome));
  }

  /** One turn for a user prompt, added to history.jsonl. `images`: `data:` URLs sent with it. */
  submit(prompt: string, signal: AbortSignal, images: string[] = []): Promise<TurnOutcome> {
    const agent = this.requireAgent();
    this.startRecording();
    if (this.setup.record !== false) recordPrompt(this.config, this.sessionId, prompt, this.setup.warn);
    return agent.runTurn(prompt, signal, images);
  }

  /** A turn the user did not type (exec's `--output-schema` correction): not added to history.jsonl. */
  followUp(prompt: string, signal: AbortSignal): Promise<TurnOutcome> {
    return this.requireAgent().runTurn(prompt, signal);
  }

  compact(signal: AbortSignal, reason: "manual" | "resume" = "manual") {
    const agent = this.requireAgent();
    this.startRecording();
    return agent.compact(signal, reason);
  }

  private requireAgent(): Agent {
    if (!this.agent) throw new UserError("no model selected: choose one with /model");
    return this.agent;
  }

  /** `/new`: a fresh conversation (and session id) with the same model and settings. */
  newSession(): void {
    this.recorder?.close();
    this.recorder = undefined;
    this.resumePath = undefined;
    this.sessionId = uuidv7();
    this.contextUsed = 0;
    this.agent = this.buildAgent([]);
  }

  /**
   * A stored session chosen while this session runs (the TUI's pickers): forked when asked, locked by the one
   * rule of resume.ts. Throws SessionInUseError while another process records it, a UserError when the fork fails.
   */
  openStored(file: SessionFile, fork = false): ResumeSource {
    return openResume(
      this.config.codexHome,
      file,
      { fork, record: this.setup.record !== false },
      this.setup.warn,
    );
  }

  /**
   * Reads the session (unless `rollout` is given) and measures it against the model's window: the resume
   * safeguard. Changes nothing yet; the source's lock is released when it cannot be read.
   */
  async prepareResume(source: ResumeSource, rollout?: Rollout): Promise<PreparedResume> {
    const { file, lock } = source;
    if (!rollout) {
      try {
        rollout = readResumed(file);
      } catch (error) {
        discardSource(source);
        throw error;
      }
    }
    const model = this.setup.model ?? rollout.meta?.model ?? this.model;
    const contextWindow =
      model && model !== this.model
        ? await contextWindowFor(this.config, this.gateway, model)
        : this.contextWindow;
    const agent = this.buildAgent(rollout.history, rollout.usage, model, contextWindow);
    const used = agent?.contextUsed() ?? 0;
    return { file, rollout, model, contextWindow, used, tooBig: used > contextWindow, lock, agent, source };
  }

  /** A prepared resume the user aborted: its session is free for others again, and a fork made for it gone. */
  discardResume(prepared: PreparedResume): void {
    if (prepared.file.path !== this.resumePath) discardSource(prepared.source);
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
    this.agent = prepared.agent;
    this.startRecording(prepared.lock);
  }

  /** The gateway's models with their windows where it says them (five-minute cache). */
  listModels(signal: AbortSignal): Promise<ModelInfo[]> {
    return discoverModels(this.gateway, signal, { cacheFile: modelsCacheFile(this.config.codexHome) });
  }

  /** Switches model and effort for the next turn; the conversation and its usage carry over. */
  async setModel(model: string, effort: string | undefined): Promise<void> {
    const history = this.agent?.history ?? [];
    const usage = this.agent?.totalUsage ?? emptyUsage();
    this.model = model;
    this.effort = effort;
    this.contextWindow = await contextWindowFor(this.config, this.gateway, model);
    this.agent = this.buildAgent([...history]);
    if (this.agent) this.agent.totalUsage = usage;
    if (this.recorder) Object.assign(this.recorder.settings.turnContext, { model, effort });
    this.setup.telemetry.onEvent({ type: "session_configured", session: this.sessionInfo() });
  }

  /**
   * Approval policy and sandbox for the rest of the session (not saved). The tools switch at once; a
   * conversation under way gets a new environment context so the model knows.
   */
  setPermissions(approvalPolicy: ApprovalPolicy, sandboxMode: SandboxMode): ToolPolicy {
    const current = { config: this.config, policy: this.policy, context: this.context };
    const next = permissionsUpdate(current, this.setup.cwd, approvalPolicy, sandboxMode);
    const previous = this.policy.registryOptions.safety;
    if (previous) next.policy.registryOptions.safety?.keepApprovalsOf(previous);
    this.config = next.config;
    this.policy = next.policy;
    this.context = next.context;
    this.tools = this.registry();
    const history = this.agent?.history ?? [];
    const usage = this.agent?.totalUsage ?? emptyUsage();
    this.agent = this.buildAgent(history.length > 0 ? [...history, next.environment] : []);
    if (this.agent) this.agent.totalUsage = usage;
    if (history.length > 0) this.recorder?.recordItem(next.environment);
    if (this.recorder) Object.assign(this.recorder.settings.turnContext, next.turnContext);
    return next.policy;
  }

  /** The servers started for this session, or the configured ones when none was started. */
  mcpStatuses(): McpServerStatus[] {
    if (this.mcp) return this.mcp.statuses();
    return readMcpServers(this.config.raw).servers.map((s) => ({
      name: s.name,
      transport: s.transport.kind,
      state: "disabled" as const,
      tools: [],
    }));
  }

  totalUsage(): Usage {
    return this.agent?.totalUsage ?? emptyUsage();
  }

  /** Tokens the conversation holds now, as the agent counts them. */
  historyTokens(): number {
    return this.agent?.contextUsed() ?? 0;
  }

  /** Closes the rollout; `sessionId` and `resumable` stay readable. */
  closeRecording(): void {
    if (this.recordingClosed) return;
    this.recordingClosed = true;
    this.recorder?.close();
  }

  /** Closes the rollout and stops the MCP servers. */
  async close(): Promise<void> {
    this.closeRecording();
    await this.mcp?.close();
  }
}
