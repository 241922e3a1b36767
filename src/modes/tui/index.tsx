// `codex-litellm [PROMPT]` and `codex-litellm resume`: the interactive TUI. This chunk is the only importer of
// ink and react, loaded by one dynamic import from main.ts, so `exec` and `--version` never pay for them.

import { render } from "ink";
import { processEnv } from "../../config/env.ts";
import { loadConfig } from "../../config/load.ts";
import type { CliOverrides, ResolvedConfig, TrustLevel } from "../../config/types.ts";
import { openAgentSession } from "../../core/agent-session.ts";
import { findResume, openResume, type ResumeSource, type ResumeTarget } from "../../core/resume.ts";
import { resolveWorkdir } from "../../core/setup.ts";
import { closeAgents } from "../../gateway/http.ts";
import type { SessionFile } from "../../session/find.ts";
import { startTelemetry } from "../../telemetry/index.ts";
import { createToolPolicy } from "../../tools/policy.ts";
import { UserError } from "../../util/errors.ts";
import { thousands } from "../../util/format.ts";
import { withAddedDirs } from "../common/add-dirs.ts";
import { imageDataUrl } from "../common/images.ts";
import { saveLogin } from "../common/login.ts";
import { watchSignals } from "../common/signals.ts";
import { ApprovalBroker } from "./input/approvals.ts";
import { App } from "./screens/app.tsx";
import { askLogin } from "./screens/login.tsx";
import { TuiController } from "./state/controller.ts";
import { readPromptHistory } from "./state/history.ts";

export { askLogin };

import { createScrollback } from "./screens/scrollback.ts";
import { Onboarding } from "./screens/setup-screen.tsx";
import { TrustScreen } from "./screens/trust-screen.tsx";
import {
  type OnboardingAnswers,
  type OnboardingNeeds,
  onboardingNeeds,
  saveOnboarding,
  setupInstructions,
} from "./state/onboarding.ts";
import { applyTrust, isVersionControlled, needsTrustDecision, saveTrustDecision } from "./state/trust.ts";
import { openTuiLog } from "./state/tui-log.ts";

export interface TuiOptions extends CliOverrides {
  prompt?: string;
  cd?: string;
  /** `codex-litellm resume`: open a stored session (`pick`: choose it in a picker). */
  resume?: ResumeTarget;
  /** `codex-litellm fork`: open a copy of the session under a new id. */
  fork?: boolean;
  /** `-i FILE`: images sent with the first prompt. */
  images?: string[];
  /** `--add-dir DIR`: more writable roots. */
  addDirs?: string[];
}

const RENDER_OPTIONS = { exitOnCtrlC: false, maxFps: 30 } as const;

async function askSetup(
  needs: OnboardingNeeds,
  config: ResolvedConfig,
): Promise<OnboardingAnswers | undefined> {
  let answers: OnboardingAnswers | undefined;
  const instance = render(
    <Onboarding
      needs={needs}
      provider={config.provider}
      codexHome={config.codexHome}
      onDone={(a) => {
        answers = a;
      }}
    />,
    RENDER_OPTIONS,
  );
  await instance.waitUntilExit();
  return answers;
}

/** First-run setup when the gateway is not configured. Returns the config to run with, or an exit code. */
async function ensureConfigured(config: ResolvedConfig, options: TuiOptions, cwd: string, tty: boolean) {
  const needs = onboardingNeeds(config);
  if (!needs) return config;
  if (!tty) {
    process.stderr.write(`${setupInstructions(config.codexHome, needs)}\n`);
    return 1;
  }
  const answers = await askSetup(needs, config);
  if (!answers) return 1;
  for (const line of saveOnboarding(config, needs, answers)) process.stderr.write(`${line}\n`);
  // This launch uses the answers at once; later launches read them from .env and config.toml.
  if (answers.baseUrl) processEnv().LITELLM_BASE_URL = answers.baseUrl;
  if (answers.apiKey) processEnv()[needs.keyName] = answers.apiKey;
  process.stderr.write("LiteLLM setup saved. Starting codex-litellm.\n");
  return loadConfig({ cli: options, env: processEnv(), cwd });
}

/**
 * `/login`: the login screens (URL, key, checked with `/models`, model), then the same session again with the
 * new gateway. Quitting the screens changes nothing.
 */
async function relogin(
  options: TuiOptions,
  config: ResolvedConfig,
  controller: TuiController,
): Promise<number> {
  const answers = await askLogin(config);
  if (answers) {
    for (const line of saveLogin(config, answers)) process.stderr.write(`${line}\n`);
    // `.env` never overrides a variable already set, and this process set them from the old file.
    processEnv().LITELLM_BASE_URL = answers.baseUrl;
    processEnv()[config.provider.envKey ?? "LITELLM_API_KEY"] = answers.apiKey;
  }
  const resume = controller.resumable ? { sessionId: controller.sessionId } : undefined;
  return runTui({
    ...options,
    model: answers?.model ?? controller.model ?? options.model,
    prompt: undefined,
    resume,
  });
}

/**
 * The trust prompt on the first start in a project (see trust.ts). Returns the config to run with, with the
 * decision applied, or an exit code when the user quit without deciding.
 */
async function ensureTrusted(config: ResolvedConfig, notices: string[]): Promise<ResolvedConfig | number> {
  if (!needsTrustDecision(config)) return config;
  let level: TrustLevel | undefined;
  const instance = render(
    <TrustScreen
      dir={config.projectPath}
      versionControlled={isVersionControlled(config.projectPath)}
      onDone={(l) => {
        level = l;
      }}
    />,
    RENDER_OPTIONS,
  );
  await instance.waitUntilExit();
  // Quitting here is a choice, not a failure: nothing was written.
  if (!level) return 0;
  const warning = saveTrustDecision(config, level);
  if (warning) notices.push(warning);
  return applyTrust(config, level);
}

export async function runTui(options: TuiOptions): Promise<number> {
  const cwd = resolveWorkdir(options.cd);
  const tty = !!process.stdin.isTTY && !!process.stdout.isTTY;
  const loaded = await ensureConfigured(
    loadConfig({ cli: options, env: processEnv(), cwd }),
    options,
    cwd,
    tty,
  );
  if (typeof loaded === "number") return loaded;
  const configured = withAddedDirs(loaded, options.addDirs ?? [], cwd);
  if (!tty)
    throw new UserError(
      "the interactive TUI needs a terminal (stdin and stdout must be TTYs); use `codex-litellm exec` in scripts",
    );
  // Refused before anything is drawn (exit 1): a missing session, or one another process records. Nothing is
  // written yet; the fork and the lock come once the trust screen has passed (resume.ts).
  const located =
    options.resume && !options.resume.pick
      ? findResume(configured.codexHome, options.resume, cwd, { fork: options.fork })
      : undefined;
  const opened: { source?: ResumeSource } = {};
  try {
    return await runTuiLocked(options, cwd, configured, located, opened);
  } finally {
    opened.source?.lock?.release();
  }
}

async function runTuiLocked(
  options: TuiOptions,
  cwd: string,
  configured: ResolvedConfig,
  located: SessionFile | undefined,
  opened: { source?: ResumeSource },
): Promise<number> {
  const images = (options.images ?? []).map((path) => imageDataUrl(path, cwd));
  const trustNotices: string[] = [];
  const trusted = await ensureTrusted(configured, trustNotices);
  if (typeof trusted === "number") return trusted;
  const config = trusted;
  // The fork (`fork ID`) and the lock of the file this TUI records into, before the first frame.
  const resume =
    located && openResume(config.codexHome, located, { fork: options.fork }, (m) => trustNotices.push(m));
  opened.source = resume;

  const broker = new ApprovalBroker();
  const policy = createToolPolicy(config, cwd, "interactive", broker);
  const early: string[] = [...config.warnings, ...trustNotices, ...policy.notices];
  let warn = (message: string) => {
    early.push(message);
  };
  const telemetry = await startTelemetry({ config, warn: (m) => warn(m) });
  if (telemetry.announcement) process.stderr.write(`${telemetry.announcement}\n`);
  const tuiLog = openTuiLog(config, telemetry, (m) => warn(m));
  // MCP servers start before the first frame; those that fail are notices like the ones above.
  const session = await openAgentSession({
    config,
    cwd,
    policy,
    telemetry,
    model: config.model,
    source: "cli",
    warn: (m) => warn(m),
  });
  early.push(...session.startupWarnings);
  const model = session.model;
  const controller = new TuiController({ session, telemetry, note: tuiLog.note, home: processEnv().HOME });
  warn = (message) => controller.warn(message);
  tuiLog.note("tui.start", { cwd, model: model ?? null, resume: resume?.file.id ?? null });

  const scrollback = createScrollback(process.stdout);
  const instance = render(
    <App
      controller={controller}
      scrollback={scrollback}
      broker={broker}
      history={readPromptHistory(config.codexHome)}
      initialPrompt={options.prompt}
      initialImages={images}
      resume={resume}
      pick={
        options.resume?.pick
          ? { fork: !!options.fork, includeNonInteractive: !!options.resume.includeNonInteractive }
          : undefined
      }
      notices={early}
    />,
    { ...RENDER_OPTIONS, stdout: scrollback.stdout },
  );
  // SIGTERM, SIGHUP, SIGQUIT or a SIGINT from outside (Ctrl-C is a key here): end what runs as Esc does,
  // wait for its `turn_aborted`, then leave as /quit does, with exit code 128 + N.
  const signals = watchSignals((signal) => {
    tuiLog.note("process.signal", { signal });
    void controller.shutdown().then(() => instance.unmount());
  });
  try {
    await instance.waitUntilExit();
  } finally {
    signals.dispose();
    controller.close();
    await session.close();
    closeAgents();
    tuiLog.note("tui.exit", { session_id: controller.sessionId });
    await tuiLog.close();
    await telemetry.close();
  }
  if (controller.loginRequested) return relogin(options, config, controller);
  const usage = controller.totalUsage();
  if (usage.total_tokens > 0 || usage.input_tokens > 0) {
    const cached = usage.cached_input_tokens ? ` (+ ${thousands(usage.cached_input_tokens)} cached)` : "";
    const reasoning = usage.reasoning_output_tokens
      ? ` (reasoning ${thousands(usage.reasoning_output_tokens)})`
      : "";
    const total = usage.total_tokens || usage.input_tokens + usage.output_tokens;
    process.stdout.write(
      `Token usage: total=${thousands(total)} input=${thousands(usage.input_tokens)}${cached} output=${thousands(usage.output_tokens)}${reasoning}\n`,
    );
  }
  if (controller.resumable)
    process.stdout.write(`To continue this session, run codex-litellm resume ${controller.sessionId}\n`);
  // Nothing should keep the process alive now; if something does (a stuck socket), do not hang the shell.
  setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
  return signals.exitCode(0);
}
