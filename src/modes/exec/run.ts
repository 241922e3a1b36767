// `codex-litellm exec`: one non-interactive run of the agent.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Agent } from "../../agent/agent.ts";
import { loadConfig } from "../../config/load.ts";
import { findGitRoot } from "../../config/project-doc.ts";
import type { CliOverrides } from "../../config/types.ts";
import { createGateway } from "../../gateway/client.ts";
import { closeAgents } from "../../gateway/http.ts";
import { modelProfile } from "../../gateway/quirks.ts";
import type { AgentEvent } from "../../protocol/events.ts";
import { type Rollout, readRollout } from "../../session/reader.ts";
import { startTelemetry } from "../../telemetry/index.ts";
import { createToolPolicy } from "../../tools/policy.ts";
import { ToolRegistry } from "../../tools/registry.ts";
import { UserError } from "../../util/errors.ts";
import { uuidv7 } from "../../util/uuid.ts";
import { VERSION } from "../../util/version.ts";
import {
  agentInstructions,
  contextWindowFor,
  initialContext,
  reasoningFilter,
  resolveWorkdir,
} from "../agent-setup.ts";
import { turnNotifier } from "../notify.ts";
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
  // Found before stdin is read, so a missing session fails at once.
  const resumed = options.resume ? locateSession(config.codexHome, options.resume, cwd) : undefined;
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
  const render: (event: AgentEvent) => void = options.json
    ? createJsonlRenderer((line) => process.stdout.write(line))
    : createHumanRenderer({
        color,
        stderr: (t) => process.stderr.write(t),
        stdout: (t) => process.stdout.write(t),
      });
  const warn = (message: string) => render({ type: "warning", message });
  for (const warning of config.warnings) warn(warning);
  // One safety policy for the session: sandbox, approvals, writable roots, secret-free command environment.
  const policy = createToolPolicy(config, cwd, "exec");
  for (const notice of policy.notices) warn(notice);

  // Before the gateway, whose wire log it records. Loads the file writers only when telemetry is enabled;
  // an unwritable log is a warning, never a failed run.
  const telemetry = await startTelemetry({ config: { ...config, model }, warn });
  const gateway = createGateway({
    provider: config.provider,
    modelProfiles: config.modelProfiles,
    onWire: telemetry.onWire,
  });
  const contextWindow = await contextWindowFor(config, gateway, model);

  const sessionId = rollout?.meta?.id ?? resumed?.id ?? uuidv7();
  const context = initialContext(config, cwd, policy);

  const writableRoots = policy.writableRoots;
  const recorder = options.ephemeral
    ? undefined
    : openRecorder({
        config,
        sessionId,
        cwd,
        model,
        contextWindow,
        resumePath: resumed?.path,
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
      });
  const notify = turnNotifier(config.notify, () => sessionId, cwd);
  /** Telemetry sees every event; human mode prints the LiteLLM usage card just before `tokens used`. */
  const observed =
    (next: (event: AgentEvent) => void) =>
    (event: AgentEvent): void => {
      telemetry.onEvent(event);
      notify(event);
      const ending =
        event.type === "turn_complete" || event.type === "turn_failed" || event.type === "turn_aborted";
      if (ending && !options.json && telemetry.usageSummary().turns > 0)
        process.stderr.write(`${telemetry.usageLines().join("\n")}\n`);
      next(event);
    };
  const agent = new Agent({
    model,
    instructions: agentInstructions(config),
    reasoningEffort: config.reasoningEffort,
    verbosity: config.modelVerbosity,
    maxAutoContinues: modelProfile(model, config.modelProfiles, config.provider, config).autoContinueMax,
    stream: gateway.stream,
    tools: new ToolRegistry(policy.registryOptions),
    cwd,
    writableRoots,
    emit: tee(observed(reasoningFilter(config, render)), recorder),
    history: rollout?.history,
    usage: rollout?.usage,
    initialContext: context.items,
    onItem: recorder ? (item) => recorder.recordItem(item) : undefined,
    onCompacted: recorder ? (summary, items) => recorder.recordCompacted(summary, items) : undefined,
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
      baseUrl: config.provider.baseUrl ?? "(no base URL)",
      approvalPolicy: policy.approvalPolicy,
      sandbox: policy.sandboxSummary,
      reasoningEffort: config.reasoningEffort,
      contextWindow,
    },
  });
  if (telemetry.announcement) process.stderr.write(`${telemetry.announcement}\n`);
  for (const warning of rollout?.warnings ?? []) warn(warning);
  if (!options.ephemeral) recordPrompt(config, sessionId, prompt, warn);

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
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
        writeFileSync(resolve(cwd, options.outputLastMessage), last);
      }
    }
    return outcome.status === "completed" ? 0 : 1;
  } finally {
    process.off("SIGINT", onSigint);
    recorder?.close();
    closeAgents();
    await telemetry.close();
  }
}
