// `codex-litellm exec`: one non-interactive run of the agent.
import { accessSync, constants, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { TurnOutcome } from "../../agent/agent.ts";
import { processEnv } from "../../config/env.ts";
import { loadConfig } from "../../config/load.ts";
import { findGitRoot } from "../../config/project-doc.ts";
import { sessionRedactor } from "../../config/secrets.ts";
import type { CliOverrides, ResolvedConfig } from "../../config/types.ts";
import { type AgentSession, openAgentSession } from "../../core/agent-session.ts";
import {
  findResume,
  openResume,
  type ResumeMode,
  type ResumeSource,
  type ResumeTarget,
  readResumed,
} from "../../core/resume.ts";
import { resolveWorkdir } from "../../core/setup.ts";
import { providerProblem } from "../../gateway/first-contact.ts";
import { closeAgents } from "../../gateway/http.ts";
import type { AgentEvent } from "../../protocol/events.ts";
import type { SessionFile } from "../../session/find.ts";
import type { Rollout } from "../../session/reader.ts";
import { startTelemetry } from "../../telemetry/index.ts";
import { createToolPolicy } from "../../tools/policy.ts";
import { prefetchSandbox } from "../../tools/sandbox/detect.ts";
import { UserError } from "../../util/errors.ts";
import type { Redactor } from "../../util/redact.ts";
import { printable } from "../../util/terminal-text.ts";
import { uuidv7 } from "../../util/uuid.ts";
import { withAddedDirs } from "../common/add-dirs.ts";
import { imageDataUrl } from "../common/images.ts";
import type { ReviewTarget } from "../common/review.ts";
import { watchSignals } from "../common/signals.ts";
import { createHumanRenderer } from "./human.ts";
import { type PromptIO, resolvePrompt } from "./input.ts";
import { createJsonlRenderer } from "./jsonl.ts";
import { correctionPrompt, loadOutputSchema, type OutputSchema } from "./output-schema.ts";

export interface ExecOptions extends CliOverrides {
  prompt?: string;
  cd?: string;
  json?: boolean;
  skipGitRepoCheck?: boolean;
  outputLastMessage?: string;
  ephemeral?: boolean;
  color?: "always" | "never" | "auto";
  /** `exec resume`: continue a stored session; with `fork`, a copy of it under a new id. */
  resume?: ResumeTarget;
  fork?: boolean;
  /** `review` / `exec review`: review a diff, read-only. */
  review?: ReviewTarget;
  /** `--output-schema FILE`. */
  outputSchema?: string;
  /** `-i FILE`: images attached to the prompt. */
  images?: string[];
  /** `--add-dir DIR`: more writable roots. */
  addDirs?: string[];
}

const promptIO: PromptIO = {
  stdin: process.stdin,
  notice: (line) => process.stderr.write(`${line}\n`),
};

/** What runExec reads before the run proper: usage errors in these come before stdin is read. */
interface Inputs {
  images: string[];
  schema?: OutputSchema;
}

export async function runExec(options: ExecOptions): Promise<number> {
  const cwd = resolveWorkdir(options.cd);
  // A review never edits: read-only sandbox whatever the configuration says.
  const cli = options.review
    ? { ...options, sandboxMode: "read-only" as const, fullAuto: false, yolo: false }
    : options;
  const config = withAddedDirs(loadConfig({ cli, env: processEnv(), cwd }), options.addDirs ?? [], cwd);
  const inputs: Inputs = {
    images: (options.images ?? []).map((path) => imageDataUrl(path, cwd)),
    // Ajv itself is loaded only when the flag is used (inside loadOutputSchema).
    schema: options.outputSchema ? await loadOutputSchema(options.outputSchema, cwd) : undefined,
  };
  const warnEarly: string[] = [];
  const mode: ResumeMode = { fork: !!options.fork, record: !options.ephemeral };
  // Found before stdin is read, so a missing session, or one another process records (SessionInUseError),
  // fails at once with exit 1. Nothing is written until the checks of runLocked have passed (resume.ts).
  const located = options.resume ? findResume(config.codexHome, options.resume, cwd, mode) : undefined;
  const opened: { source?: ResumeSource } = {};
  try {
    return await runLocked(options, inputs, cwd, config, located && { located, mode, opened }, warnEarly);
  } finally {
    opened.source?.lock?.release();
  }
}

/** The stored session found before the run, and (once every check passed) the one opened: fork and lock. */
interface Resuming {
  located: SessionFile;
  mode: ResumeMode;
  opened: { source?: ResumeSource };
}

async function runLocked(
  options: ExecOptions,
  { images, schema }: Inputs,
  cwd: string,
  config: ResolvedConfig,
  resuming: Resuming | undefined,
  warnEarly: string[],
): Promise<number> {
  // Started now, awaited just before the policy is built: the sandbox probe runs as a child process (its
  // verdict cached for createToolPolicy) while stdin is read and the header is prepared. It prints nothing,
  // writes no file and cannot fail the run.
  const probing =
    config.sandboxMode === "danger-full-access" ? undefined : prefetchSandbox({ path: processEnv().PATH });
  let prompt: string;
  if (options.review) {
    const { reviewDiff, reviewPrompt } = await import("../common/review.ts");
    const instructions =
      options.review.prompt === "-" ? await resolvePrompt("-", promptIO) : options.review.prompt;
    const { what, diff } = reviewDiff(cwd, options.review);
    if (!diff.trim()) {
      process.stderr.write(`Nothing to review: ${what} are empty.\n`);
      return 0;
    }
    prompt = reviewPrompt(what, diff, instructions);
  } else {
    prompt = await resolvePrompt(options.prompt, promptIO);
  }
  if (!options.skipGitRepoCheck && !options.yolo && !findGitRoot(cwd)) {
    throw new UserError("Not inside a trusted directory and --skip-git-repo-check was not specified.");
  }
  // What would make the run fail is checked before anything is written (fork, session, history, logs).
  const unusable = providerProblem(config.provider);
  if (unusable) throw new UserError(unusable.message);
  if (options.outputLastMessage)
    checkWritable(resolve(cwd, options.outputLastMessage), "-o/--output-last-message");
  // exec shows none of the stored events: only meta, history and warnings are needed. Resuming in place, the
  // lock comes first (it leaves nothing behind: released on every exit) and the session is read once under it;
  // a fork is written only after the checks, so the original is read first and the fork again once written.
  const readOptions = { records: false };
  const open = (located: SessionFile) => {
    if (!resuming) return undefined;
    const source = openResume(config.codexHome, located, resuming.mode, (m) => warnEarly.push(m));
    resuming.opened.source = source;
    return source.file;
  };
  let resumed = resuming && !resuming.mode.fork ? open(resuming.located) : undefined;
  let rollout: Rollout | undefined = resuming && readResumed(resumed ?? resuming.located, readOptions);
  // A resumed session keeps its model unless one is configured now.
  const model = config.model ?? rollout?.meta?.model;
  if (!model) {
    throw new UserError(
      "no model configured: pass -m MODEL, or set `model` in config.toml (run `codex-litellm models` to list the gateway's models)",
    );
  }
  // Every check passed: now the fork is written and locked; its first record names the new id. With
  // --ephemeral nothing is written: the fork is the history read, under a new id, in memory only.
  if (resuming?.mode.fork) {
    resumed = open(resuming.located);
    if (resuming.mode.record === false) {
      if (rollout?.meta) rollout = { ...rollout, meta: { ...rollout.meta, id: uuidv7() } };
    } else if (resumed) rollout = readResumed(resumed, readOptions);
  }

  const color =
    options.color === "always" ||
    (options.color !== "never" && !!process.stderr.isTTY && !processEnv().NO_COLOR);
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
          formatAnswer: color ? (await import("./markdown-ansi.ts")).markdownToAnsi : undefined,
        }),
  );
  const warn = (message: string) => render({ type: "warning", message });
  for (const warning of [...config.warnings, ...warnEarly]) warn(warning);
  // One safety policy for the session: sandbox, approvals, writable roots, secret-free command environment.
  await probing;
  const policy = createToolPolicy(config, cwd, "exec");
  for (const notice of policy.notices) warn(notice);

  // Before the gateway, whose wire log it records. Opens the log files only when telemetry is enabled;
  // an unwritable log is a warning, never a failed run.
  const sessionId = rollout?.meta?.id ?? resumed?.id ?? uuidv7();
  const telemetry = await startTelemetry({ config: { ...config, model }, sessionId, warn });
  // Ctrl-C, SIGTERM, SIGHUP, SIGQUIT or a closed stdout: abort the turn, record it, exit 128 + N.
  const controller = new AbortController();
  const signals = watchSignals((signal) => {
    telemetry.note("process.signal", { signal });
    controller.abort();
  });
  let session: AgentSession | undefined;
  try {
    // MCP servers start while the gateway is asked about the model; their warnings follow the header.
    session = await openAgentSession({
      config,
      cwd,
      policy,
      telemetry,
      model,
      source: "exec",
      record: !options.ephemeral,
      sessionId,
      responseFormat: schema?.responseFormat,
      redactor,
      warn,
    });
    if (images.length) await session.checkVision();
    const source = resuming?.opened.source;
    const prepared = source && rollout ? await session.prepareResume(source, rollout) : undefined;
    if (prepared) session.applyResume(prepared);
    else session.startRecording();
    /** Human mode prints the LiteLLM usage card (telemetry saw the event first) just before `tokens used`. */
    const schemaGate = holdFinal(render, !!schema);
    session.subscribe((event) => {
      const ending =
        event.type === "turn_complete" || event.type === "turn_failed" || event.type === "turn_aborted";
      if (ending && !options.json && telemetry.usageSummary().turns > 0)
        // Model names in the card come from the gateway.
        process.stderr.write(`${printable(redactor.text(telemetry.usageLines().join("\n")))}\n`);
      schemaGate.render(event);
    });
    session.announce();
    if (telemetry.announcement) process.stderr.write(`${telemetry.announcement}\n`);
    for (const warning of [...(rollout?.warnings ?? []), ...session.startupWarnings]) warn(warning);

    if (prepared?.tooBig) {
      warn(
        `the resumed session holds about ${prepared.used} tokens, more than the ${prepared.contextWindow}-token context window; compacting it first`,
      );
      const compacted = await session.compact(controller.signal, "resume");
      if (compacted.status === "failed") warn(`compacting the resumed session failed: ${compacted.message}`);
    }
    let outcome = await session.submit(prompt, controller.signal, images);
    if (schema) outcome = await enforceSchema(schema, outcome, session, controller.signal, schemaGate);
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
    await session?.close();
    closeAgents();
    await telemetry.close();
  }
}

interface HeldFinal {
  render: (event: AgentEvent) => void;
  /** The held `turn_complete`, passed on (with `lastMessage` replaced) or turned into `turn_failed`. */
  release(lastMessage: string | undefined, failure?: string): void;
  /** Forgets the held `turn_complete` (an answer that is about to be corrected). */
  drop(): void;
}

/** With `--output-schema`, the end of a turn waits for the answer to be checked. */
function holdFinal(next: (event: AgentEvent) => void, hold: boolean): HeldFinal {
  let held: Extract<AgentEvent, { type: "turn_complete" }> | undefined;
  return {
    render: (event) => {
      if (hold && event.type === "turn_complete") held = event;
      else next(event);
    },
    release: (lastMessage, failure) => {
      if (!held) return;
      const event = held;
      held = undefined;
      if (failure !== undefined) next({ type: "turn_failed", message: failure, usage: event.usage });
      else next({ ...event, lastMessage: lastMessage ?? event.lastMessage });
    },
    drop: () => {
      held = undefined;
    },
  };
}

/** Checks the answer against the schema; one corrective follow-up, then the run fails. */
async function enforceSchema(
  schema: OutputSchema,
  first: TurnOutcome,
  session: AgentSession,
  signal: AbortSignal,
  gate: HeldFinal,
): Promise<TurnOutcome> {
  let outcome = first;
  for (let attempt = 0; outcome.status === "completed"; attempt++) {
    const verdict = schema.check(outcome.lastMessage ?? "");
    if (verdict.ok) {
      gate.release(verdict.json);
      return { ...outcome, lastMessage: verdict.json };
    }
    if (attempt === 1) {
      const message = `the final answer does not match --output-schema: ${verdict.problems}`;
      gate.release(undefined, message);
      return { status: "failed", message };
    }
    gate.drop();
    gate.render({
      type: "warning",
      message: `the answer does not match --output-schema (${verdict.problems}); asking the model once more`,
    });
    outcome = await session.followUp(correctionPrompt(verdict.problems), signal);
  }
  return outcome;
}

/** Throws a UserError when `path` could not be written: a directory, or a missing or read-only folder. */
function checkWritable(path: string, flag: string): void {
  let target = path;
  try {
    if (statSync(path).isDirectory()) throw new UserError(`${flag}: ${path} is a directory`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    target = dirname(path);
  }
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such directory" : code === "EACCES" ? "permission denied" : code;
    throw new UserError(`${flag}: cannot write ${path} (${target}: ${why})`);
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
