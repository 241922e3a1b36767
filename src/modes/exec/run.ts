// `codex-litellm exec`: one non-interactive run of the agent.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Agent } from "../../agent/agent.ts";
import { processEnv } from "../../config/env.ts";
import { loadConfig } from "../../config/load.ts";
import { findGitRoot } from "../../config/project-doc.ts";
import { sessionRedactor } from "../../config/secrets.ts";
import type { CliOverrides, ResolvedConfig } from "../../config/types.ts";
import { createGateway } from "../../gateway/client.ts";
import { closeAgents } from "../../gateway/http.ts";
import { modelProfile } from "../../gateway/quirks.ts";
import type { AgentEvent } from "../../protocol/events.ts";
import type { SessionFile } from "../../session/find.ts";
import { type SessionLock, tryLockSession } from "../../session/lock.ts";
import { type Rollout, readRollout } from "../../session/reader.ts";
import type { SessionRecorder } from "../../session/recorder.ts";
import { startTelemetry } from "../../telemetry/index.ts";
import { createToolPolicy } from "../../tools/policy.ts";
import { ToolRegistry } from "../../tools/registry.ts";
import { UserError } from "../../util/errors.ts";
import { type Redactor, redactUrl } from "../../util/redact.ts";
import { printable } from "../../util/terminal-text.ts";
import { uuidv7 } from "../../util/uuid.ts";
import { VERSION } from "../../util/version.ts";
import {
  agentInstructions,
  contextWindowFor,
  initialContext,
  reasoningFilter,
  resolveWorkdir,
} from "../agent-setup.ts";
import { type McpSetup, requiredFailure, startMcpServers } from "../mcp-setup.ts";
import { turnNotifier } from "../notify.ts";
import { watchSignals } from "../signals.ts";
import { createHumanRenderer } from "./human.ts";
import { createJsonlRenderer } from "./jsonl.ts";
import {
  locateSession,
  openRecorder,
  type ResumeTarget,
  recordPrompt,
  sandboxPolicyRecord,
  tee,
} from "./session.ts";

export interface ExecOptions extends CliOverrides {
  prompt?: string;
  cd?: string;
  json?: boolean;
  skipGitRepoCheck?: boolean;
  outputLastMessage?: string;
  ephemeral?: boolean;
  color?: "always" | "never" | "auto";
  /** `exec resume`: continue a stored session. */
  resume?: ResumeTarget;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function resolvePrompt(arg: string | undefined): Promise<string> {
  if (arg !== undefined && arg !== "-") return arg;
  if (process.stdin.isTTY) {
    throw new UserError(
      "No prompt provided. Either specify one as an argument or pipe the prompt into stdin.",
    );
  }
  const text = (await readStdin()).trim();
  if (!text) throw new UserError("No prompt provided: stdin was empty.");
  return text;
}

export async function runExec(options: ExecOptions): Promise<number> {
  const cwd = resolveWorkdir(options.cd);
  const config = loadConfig({ cli: options, env: process.env, cwd });
  const warnEarly: string[] = [];
  // Found before stdin is read, so a missing session fails at once.
  const resumed = options.resume ? locateSession(config.codexHome, options.resume, cwd) : undefined;
  // So is a session another process is recording (SessionInUseError, exit 1; see session/lock.ts).
  const lock =
    resumed && !options.ephemeral
      ? tryLockSession(resumed.path, resumed.id, (e) =>
          warnEarly.push(`could not lock session ${resumed.id} (${e.message})`),
        )
      : undefined;
  try {
    return await runLocked(options, cwd, config, resumed, lock, warnEarly);
  } finally {
    lock?.release();
  }
}

async function runLocked(
  options: ExecOptions,
  cwd: string,
  config: ResolvedConfig,
  resumed: SessionFile | undefined,
  lock: SessionLock | undefined,
  warnEarly: string[],
): Promise<number> {
  const prompt = await resolvePrompt(options.prompt);
  if (!options.skipGitRepoCheck && !options.yolo && !findGitRoot(cwd)) {
    throw new UserError("Not inside a trusted directory and --skip-git-repo-check was not specified.");
  }
  let rollout: Rollout | undefined;
  if (resumed) {
    try {
      // exec shows none of the stored events: only meta, history and warnings are needed.
      rollout = readRollout(resumed.path, { records: false });
    } catch (error) {
      throw new UserError(`cannot read session ${resumed.path}: ${(error as Error).message}`);
    }
  }
  // A resumed session keeps its model unless one is configured now.
  const model = config.model ?? rollout?.meta?.model;
  if (!model) {
    throw new UserError(
      "no model configured: pass -m MODEL, or set `model` in config.toml (run `codex-litellm models` to list the gateway's models)",
    );
  }

  const color =
    options.color === "always" ||
    (options.color !== "never" && !!process.stderr.isTTY && !process.env.NO_COLOR);
  // Built once from every secret the session knows; what is printed and stored passes through it.
  const redactor = sessionRedactor(config.provider, processEnv());
  const render = redacting(
    redactor,
    options.json
      ? createJsonlRenderer((line) => process.stdout.write(line))
      : createHumanRenderer({
          color,
          stderr: (t) => process.stderr.write(t),
          stdout: (t) => process.stdout.write(t),
        }),
  );
  const warn = (message: string) => render({ type: "warning", message });
  for (const warning of [...config.warnings, ...warnEarly]) warn(warning);
  // One safety policy for the session: sandbox, approvals, writable roots, secret-free command environment.
  const policy = createToolPolicy(config, cwd, "exec");
  for (const notice of policy.notices) warn(notice);

  // Before the gateway, whose wire log it records. Loads the file writers only when telemetry is enabled;
  // an unwritable log is a warning, never a failed run.
  const sessionId = rollout?.meta?.id ?? resumed?.id ?? uuidv7();
  const telemetry = await startTelemetry({ config: { ...config, model }, sessionId, warn });
  // Ctrl-C, SIGTERM, SIGHUP, SIGQUIT or a closed stdout: abort the turn, record it, exit 128 + N.
  const controller = new AbortController();
  const signals = watchSignals((signal) => {
    telemetry.note("process.signal", { signal });
    controller.abort();
  });
  let recorder: SessionRecorder | undefined;
  let mcp: McpSetup | undefined;
  try {
    const gateway = createGateway({
      provider: config.provider,
      modelProfiles: config.modelProfiles,
      onWire: telemetry.onWire,
    });
    // MCP servers start while the gateway is asked about the model; their warnings follow the header.
    const mcpWarnings: string[] = [];
    const mcpStarting = startMcpServers(config, cwd, telemetry.note, (m) => mcpWarnings.push(m));
    const contextWindow = await contextWindowFor(config, gateway, model);
    mcp = await mcpStarting;
    const context = initialContext(config, cwd, policy);

    const writableRoots = policy.writableRoots;
    recorder = options.ephemeral
      ? undefined
      : openRecorder({
          config,
          sessionId,
          cwd,
          model,
          contextWindow,
          resumePath: resumed?.path,
          lock,
          // exec never prompts: what would need approval is refused (Codex forces `never` in exec).
          turnContext: {
            cwd,
            approval_policy: policy.approvalPolicy,
            sandbox_policy: sandboxPolicyRecord(config, writableRoots),
            model,
            effort: config.reasoningEffort,
            summary: config.reasoningSummary ?? "auto",
            developer_instructions: config.developerInstructions,
          },
          warn,
          redactor,
        });
    const notify = turnNotifier(config.notify, () => sessionId, cwd);
    const rec = recorder;
    /** Telemetry sees every event; human mode prints the LiteLLM usage card just before `tokens used`. */
    const observed =
      (next: (event: AgentEvent) => void) =>
      (event: AgentEvent): void => {
        telemetry.onEvent(event);
        notify(event);
        const ending =
          event.type === "turn_complete" || event.type === "turn_failed" || event.type === "turn_aborted";
        if (ending && !options.json && telemetry.usageSummary().turns > 0)
          // Model names in the card come from the gateway.
          process.stderr.write(`${printable(redactor.text(telemetry.usageLines().join("\n")))}\n`);
        next(event);
      };
    const agent = new Agent({
      model,
      instructions: agentInstructions(config),
      reasoningEffort: config.reasoningEffort,
      verbosity: config.modelVerbosity,
      maxAutoContinues: modelProfile(model, config.modelProfiles, config.provider, config).autoContinueMax,
      stream: gateway.stream,
      tools: new ToolRegistry({ ...policy.registryOptions, extraTools: mcp.manager?.tools() }),
      cwd,
      writableRoots,
      emit: tee(observed(reasoningFilter(config, render)), rec),
      history: rollout?.history,
      usage: rollout?.usage,
      initialContext: context.items,
      onItem: rec ? (item) => rec.recordItem(item) : undefined,
      onCompacted: rec ? (summary, items) => rec.recordCompacted(summary, items) : undefined,
      contextWindow,
      autoCompactTokenLimit: config.autoCompactTokenLimit,
    });

    observed(render)({
      type: "session_configured",
      session: {
        sessionId,
        version: VERSION,
        cwd,
        model,
        provider: config.provider.id,
        baseUrl: config.provider.baseUrl ? redactUrl(config.provider.baseUrl) : "(no base URL)",
        approvalPolicy: policy.approvalPolicy,
        sandbox: policy.sandboxSummary,
        reasoningEffort: config.reasoningEffort,
        contextWindow,
      },
    });
    if (telemetry.announcement) process.stderr.write(`${telemetry.announcement}\n`);
    for (const warning of [...(rollout?.warnings ?? []), ...mcp.warnings, ...mcpWarnings]) warn(warning);
    if (mcp.manager) mcp.manager.warn = warn;
    const mcpFailure = requiredFailure(mcp);
    if (mcpFailure) throw new UserError(mcpFailure);
    if (!options.ephemeral) recordPrompt(config, sessionId, prompt, warn);

    if (rollout && agent.contextUsed() > contextWindow) {
      warn(
        `the resumed session holds about ${agent.contextUsed()} tokens, more than the ${contextWindow}-token context window; compacting it first`,
      );
      const compacted = await agent.compact(controller.signal, "resume");
      if (compacted.status === "failed") warn(`compacting the resumed session failed: ${compacted.message}`);
    }
    const outcome = await agent.runTurn(prompt, controller.signal);
    if (options.outputLastMessage) {
      const last = outcome.status === "completed" ? (outcome.lastMessage ?? "") : "";
      if (outcome.status === "completed") {
        if (!last)
          render({
            type: "warning",
            message: `no last agent message; wrote empty content to ${options.outputLastMessage}`,
          });
        // The answer as stdout shows it (no secrets, no terminal controls), without the final newline.
        writeFileSync(resolve(cwd, options.outputLastMessage), printable(redactor.text(last)));
      }
    }
    return signals.exitCode(outcome.status === "completed" ? 0 : 1);
  } finally {
    signals.dispose();
    recorder?.close();
    await mcp?.manager?.close();
    closeAgents();
    await telemetry.close();
  }
}

/** Events with every secret redacted, for a renderer. Deltas are neither printed nor stored by exec: as sent. */
function redacting(redactor: Redactor, next: (event: AgentEvent) => void): (event: AgentEvent) => void {
  return (event) => {
    const delta =
      event.type === "agent_message_delta" ||
      event.type === "reasoning_delta" ||
      event.type === "exec_command_output_delta";
    next(delta ? event : redactor.deep(event));
  };
}
