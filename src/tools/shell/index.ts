// The `shell` tool: argument normalisation, workdir resolution, environment policy, events, and the
// Codex-shaped text result. Sandbox/approval decisions plug in through `beforeRun` (decline, or run through a
// launcher such as bwrap) and `afterRun` (explain a likely sandbox refusal, or rerun once approved).

import { statSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { processEnv } from "../../config/env.ts";
import type { ShellEnvironmentPolicy } from "../../config/types.ts";
import type { Tool, ToolContext, ToolResult } from "../types.ts";
import { normalizeShellArgs } from "./args.ts";
import { buildCommandEnv } from "./env.ts";
import { formatShellOutput } from "./format.ts";
import { DEFAULT_MAX_CAPTURE_BYTES, type RunResult, runCommand } from "./run.ts";

export { canonicalToolName, normalizeShellArgs } from "./args.ts";
export { buildCommandEnv } from "./env.ts";
export { formatShellOutput, MODEL_OUTPUT_LIMIT_CHARS } from "./format.ts";
export { runCommand } from "./run.ts";

/**
 * Default per-command limit: 120 s rather than Codex's 10 s. This agent builds and tests code
 * (`npm install`, compilers, test suites) and a 10 s default turns ordinary builds into spurious
 * "timed out" failures that the model then retries; a hung command is still bounded, and the user can
 * interrupt at any time (the abort signal kills the process group).
 */
export const DEFAULT_SHELL_TIMEOUT_MS = 120_000;
/**
 * Default cap on a model-chosen `timeout_ms` (`shell_timeout_max_ms`): the model is untrusted, and a huge value
 * (2^31 ms and more even overflowed the timer) would let a command run unbounded.
 */
export const DEFAULT_SHELL_TIMEOUT_MAX_MS = 10 * 60_000;
/** Output deltas are batched: at most one event per this many ms. */
export const OUTPUT_DELTA_INTERVAL_MS = 50;
/** Characters streamed to the front end per call; the rest is only in the (capped) end event. */
export const OUTPUT_DELTA_LIMIT_CHARS = DEFAULT_MAX_CAPTURE_BYTES;

/** What the model asked for besides the command itself. */
export interface RunRequest {
  callId: string;
  signal: AbortSignal;
  /**
   * The model asked to run outside the sandbox (Codex's `sandbox_permissions: "require_escalated"`, or the
   * older `with_escalated_permissions: true`). Not advertised in the schema; read when a model sends it.
   */
  escalate: boolean;
  justification?: string;
}

/** How an allowed command is started, e.g. inside bubblewrap. */
export interface CommandLauncher {
  /** The argv and environment actually spawned for `command` (already filtered by the env policy). */
  prepare(
    command: string[],
    cwd: string,
    env: Record<string, string>,
  ): { argv: string[]; env: Record<string, string>; fds?: number[] };
  /** Rewrites the result of a launched run (launcher-level failures into ordinary ones). */
  finish?(command: string[], result: RunResult): RunResult;
}

export type BeforeRunDecision =
  | { allow: true; launcher?: CommandLauncher }
  | { allow: false; reason: string };

export interface AfterRunAdvice {
  /** Run the command once more without the launcher (the user approved leaving the sandbox). */
  rerunUnlaunched?: boolean;
  /** Appended to what the model sees, e.g. that the failure may be the sandbox refusing something. */
  note?: string;
}

export interface ShellToolOptions {
  envPolicy: ShellEnvironmentPolicy;
  /** Environment the policy starts from; default the process environment (read at each call). */
  baseEnv?: Record<string, string | undefined>;
  defaultTimeoutMs?: number;
  /** Upper bound on every command's timeout, the model's `timeout_ms` included; default 10 minutes. */
  maxTimeoutMs?: number;
  /** Names never passed to commands besides LITELLM_API_KEY, e.g. the active provider's `env_key`. */
  secretEnvNames?: string[];
  /**
   * Sandbox/approval hook, asked before every run; a refusal is reported to the model with its reason (status
   * "declined"), an allowance may name the launcher (sandbox) to run under.
   */
  beforeRun?: (command: string[], cwd: string, request: RunRequest) => Promise<BeforeRunDecision>;
  /** Asked after a launched run failed (not timed out or aborted): may add a note or approve a plain rerun. */
  afterRun?: (
    command: string[],
    cwd: string,
    result: RunResult,
    request: RunRequest,
  ) => Promise<AfterRunAdvice | undefined>;
}

const DESCRIPTION = (timeoutMs: number, maxMs: number) =>
  [
    "Runs a shell command and returns its output.",
    '- The arguments to `shell` will be passed to execvp(). Most terminal commands should be prefixed with ["bash", "-lc"].',
    "- Always set the `workdir` param when using the shell function. Do not use `cd` unless absolutely necessary.",
    `- Commands are stopped after ${Math.round(timeoutMs / 1000)} seconds unless \`timeout_ms\` is set (at most ${Math.round(maxMs / 1000)} seconds); stdin is closed, so do not run interactive programs.`,
  ].join("\n");

export function createShellTool(opts: ShellToolOptions): Tool {
  const maxTimeoutMs = positiveOr(opts.maxTimeoutMs, DEFAULT_SHELL_TIMEOUT_MAX_MS);
  const defaultTimeoutMs = Math.min(
    positiveOr(opts.defaultTimeoutMs, DEFAULT_SHELL_TIMEOUT_MS),
    maxTimeoutMs,
  );
  return {
    spec: {
      name: "shell",
      description: DESCRIPTION(defaultTimeoutMs, maxTimeoutMs),
      parameters: {
        type: "object",
        properties: {
          command: {
            type: "array",
            items: { type: "string" },
            description:
              'The command to execute, as an argv array. A single string is also accepted and runs as ["bash", "-lc", <string>].',
          },
          workdir: { type: "string", description: "The working directory to execute the command in." },
          timeout_ms: { type: "number", description: "The timeout for the command in milliseconds." },
        },
        required: ["command"],
        additionalProperties: false,
      },
    },
    execute: (args, ctx) => executeShell(args, ctx, opts, defaultTimeoutMs, maxTimeoutMs),
  };
}

/** `value` when it is a usable timeout (finite, positive), else `fallback`. */
function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

async function executeShell(
  args: Record<string, unknown>,
  ctx: ToolContext,
  opts: ShellToolOptions,
  defaultTimeoutMs: number,
  maxTimeoutMs: number,
): Promise<ToolResult> {
  const parsed = normalizeShellArgs(args);
  if ("error" in parsed) return { output: parsed.error, isError: true };
  const { command } = parsed;

  const cwd = parsed.workdir ? resolve(ctx.cwd, expandHome(parsed.workdir)) : ctx.cwd;
  if (!isDirectory(cwd)) {
    return { output: `shell: workdir does not exist or is not a directory: ${cwd}`, isError: true };
  }

  const request: RunRequest = {
    callId: ctx.callId,
    signal: ctx.signal,
    escalate: args.sandbox_permissions === "require_escalated" || args.with_escalated_permissions === true,
  };
  if (typeof args.justification === "string" && args.justification.trim())
    request.justification = args.justification.trim();
  let launcher: CommandLauncher | undefined;
  if (opts.beforeRun) {
    let decision: BeforeRunDecision;
    try {
      decision = await opts.beforeRun(command, cwd, request);
    } catch (err) {
      decision = { allow: false, reason: `approval check failed: ${(err as Error).message}` };
    }
    if (!decision.allow) {
      const output = `command declined and not run: ${decision.reason}`;
      ctx.emit({ type: "exec_command_begin", callId: ctx.callId, command, cwd });
      ctx.emit({
        type: "exec_command_end",
        callId: ctx.callId,
        command,
        exitCode: null,
        output,
        durationMs: 0,
        status: "declined",
      });
      return { output };
    }
    launcher = decision.launcher;
  }

  // The policy's environment is what the command sees, inside a sandbox too (bwrap passes it through).
  const env = buildCommandEnv(opts.envPolicy, opts.baseEnv ?? processEnv(), {
    secretNames: opts.secretEnvNames,
  });
  ctx.emit({ type: "exec_command_begin", callId: ctx.callId, command, cwd });
  const deltas = new DeltaBatcher((chunk) =>
    ctx.emit({ type: "exec_command_output_delta", callId: ctx.callId, chunk }),
  );
  const run = (via: CommandLauncher | undefined) => {
    const spawned = via ? via.prepare(command, cwd, env) : { argv: command, env };
    return runCommand(spawned.argv, {
      cwd,
      env: spawned.env,
      fds: "fds" in spawned ? spawned.fds : undefined,
      timeoutMs: Math.min(parsed.timeoutMs ?? defaultTimeoutMs, maxTimeoutMs),
      signal: ctx.signal,
      onOutput: (chunk) => deltas.push(chunk),
    }).then((result) => via?.finish?.(command, result) ?? result);
  };
  let result = await run(launcher);
  let note: string | undefined;
  if (launcher && opts.afterRun && result.exitCode !== 0 && !result.timedOut && !result.aborted) {
    let advice: AfterRunAdvice | undefined;
    try {
      advice = await opts.afterRun(command, cwd, result, request);
    } catch {
      advice = undefined; // advice is optional; the result stands as it is
    }
    if (advice?.rerunUnlaunched && !ctx.signal.aborted) {
      deltas.push("\n[approved: running again outside the sandbox]\n");
      result = await run(undefined);
    } else note = advice?.note;
  }
  deltas.flush();
  ctx.emit({
    type: "exec_command_end",
    callId: ctx.callId,
    command,
    exitCode: result.exitCode,
    output: result.output,
    durationMs: result.durationMs,
    status: result.exitCode === 0 ? "completed" : "failed",
  });
  const text = formatShellOutput(result);
  return { output: note ? `${text}${text.endsWith("\n") ? "" : "\n"}${note}` : text };
}

/** Coalesces output chunks into at most one event per interval, and stops streaming past a size limit. */
class DeltaBatcher {
  private pending = "";
  private sent = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: (chunk: string) => void) {}

  push(chunk: string): void {
    if (this.stopped) return;
    const room = OUTPUT_DELTA_LIMIT_CHARS - this.sent - this.pending.length;
    if (chunk.length > room) {
      let head = chunk.slice(0, Math.max(0, room));
      if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
      this.pending += head + "\n… (further output not streamed)\n";
      this.stopped = true;
      this.flush();
      return;
    }
    this.pending += chunk;
    this.timer ??= setTimeout(() => this.flush(), OUTPUT_DELTA_INTERVAL_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const chunk = this.pending;
    this.sent += chunk.length;
    this.pending = "";
    this.send(chunk);
  }
}

function expandHome(path: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/")) return resolve(homedir(), path.slice(2));
  return path;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
