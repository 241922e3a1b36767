// The one place that decides, per call, whether a command runs, under which sandbox, and whether a patch may
// be applied: `approval_policy` × `sandbox_mode` × what this machine can enforce, with Codex's meanings:
//   untrusted   only known read-only commands run without approval (in the sandbox when there is one);
//               every other command, and every patch, needs approval.
//   on-request  everything runs in the sandbox; the model may ask to leave it (approval needed).
//   on-failure  everything runs in the sandbox; when the sandbox seems to have blocked a command, the user
//               may approve running it again outside.
//   never       nothing is ever asked: what would need approval is refused.
// Without a sandbox (bwrap missing, macOS, Termux) read-only and workspace-write cannot be guaranteed for
// arbitrary commands, so only known read-only commands run; others need approval (never silently unsandboxed).
// Without an ApprovalPrompt (exec) "needs approval" means "declined", and the model is told why.
import type { ApprovalPolicy } from "../../config/types.ts";
import type { SandboxAvailability, SandboxPolicy } from "../sandbox/types.ts";
import type {
  AfterRunAdvice,
  BeforeRunDecision,
  CommandLauncher,
  RunRequest,
  ShellToolOptions,
} from "../shell/index.ts";
import type { RunResult } from "../shell/run.ts";
import type {
  McpApprovalRequest,
  McpVerdict,
  PatchApprovalRequest,
  PatchVerdict,
  ToolContext,
} from "../types.ts";
import { isKnownSafeCommand, shellScript } from "./safe-commands.ts";
import type { ApprovalPrompt, ApprovalRequest } from "./types.ts";

export interface SafetyGateOptions {
  approvalPolicy: ApprovalPolicy;
  sandbox: SandboxPolicy;
  /** What this machine offers; ignored in danger-full-access. */
  availability: SandboxAvailability;
  /** Absent in exec: whatever needs approval is declined. */
  ask?: ApprovalPrompt;
}

const SAFE_EXAMPLES =
  "ls, cat, rg, grep, sed -n, head, tail, wc, find without -exec/-delete; git status/diff/log/show in the sandbox";
const NO_PROMPT = "this session cannot ask the user (exec never prompts)";

export class SafetyGate {
  readonly approvalPolicy: ApprovalPolicy;
  readonly sandbox: SandboxPolicy;
  /** Starts commands inside the OS sandbox; undefined in danger-full-access or when none is available. */
  readonly launcher: CommandLauncher | undefined;
  private readonly availability: SandboxAvailability;
  private readonly ask: ApprovalPrompt | undefined;
  /** Commands (argv as JSON) and patch paths the user approved for the whole session ("always"). */
  private readonly approvedCommands = new Set<string>();
  private readonly approvedPaths = new Set<string>();
  /** MCP tools (`server\0tool`) the user approved for the whole session. */
  private readonly approvedMcpTools = new Set<string>();

  /** Carries the session's "always" approvals over from the gate this one replaces (`/approvals`). */
  keepApprovalsOf(previous: SafetyGate): void {
    for (const c of previous.approvedCommands) this.approvedCommands.add(c);
    for (const p of previous.approvedPaths) this.approvedPaths.add(p);
    for (const t of previous.approvedMcpTools) this.approvedMcpTools.add(t);
  }

  constructor(options: SafetyGateOptions) {
    this.approvalPolicy = options.approvalPolicy;
    this.sandbox = options.sandbox;
    this.availability = options.availability;
    this.ask = options.ask;
    const available = options.availability;
    if (options.sandbox.mode !== "danger-full-access" && available.available) {
      const { backend } = available;
      const policy = options.sandbox;
      this.launcher = {
        prepare: (command, cwd, env) => ({
          ...backend.wrap(command, cwd, policy),
          // Codex's markers, so test suites and tools can tell they are sandboxed.
          env: {
            ...env,
            CODEX_SANDBOX: backend.name,
            ...(policy.networkAccess ? {} : { CODEX_SANDBOX_NETWORK_DISABLED: "1" }),
          },
        }),
        finish: backend.translate ? (command, result) => backend.translate!(command, result) : undefined,
      };
    }
  }

  /** The shell tool's hooks. */
  shellHooks(): Pick<ShellToolOptions, "beforeRun" | "afterRun"> {
    return {
      beforeRun: (command, cwd, request) => this.beforeCommand(command, cwd, request),
      afterRun: (command, cwd, result, request) => this.afterCommand(command, cwd, result, request),
    };
  }

  /** The context every tool runs with: this policy's roots, protected paths and patch approval. */
  contextFor(ctx: ToolContext): ToolContext {
    return {
      ...ctx,
      writableRoots: this.sandbox.writableRoots,
      // Hidden files (the gateway key) can be neither written nor read through a patch.
      readOnlyPaths: [...this.sandbox.readOnlySubpaths, ...(this.sandbox.hiddenPaths ?? [])],
      approvePatch: (request) => this.approvePatch(request),
      approveMcp: (request) => this.approveMcp(request),
    };
  }

  async beforeCommand(command: string[], cwd: string, request: RunRequest): Promise<BeforeRunDecision> {
    const { mode } = this.sandbox;
    const sandboxed = mode !== "danger-full-access" && this.launcher !== undefined && !request.escalate;
    const safe = isKnownSafeCommand(command, {
      cwd,
      sandboxed,
      hiddenPaths: this.sandbox.hiddenPaths,
      // Danger-full-access: everything is writable, so no program on PATH is more trustworthy than another.
      writableRoots: mode === "danger-full-access" ? undefined : this.sandbox.writableRoots,
    });
    const known = safe || this.approvedCommands.has(JSON.stringify(command));
    const untrusted = this.approvalPolicy === "untrusted";
    const base = { kind: "command" as const, callId: request.callId, command, cwd };

    if (mode === "danger-full-access") {
      if (untrusted && !known)
        return this.approveCommand(
          { ...base, reason: "approval_policy is untrusted", unsandboxed: true },
          `approval_policy is "untrusted": only known read-only commands (${SAFE_EXAMPLES}) run without approval`,
          request.signal,
        );
      return { allow: true };
    }

    if (request.escalate) {
      const why = "the model asked to run this command outside the sandbox";
      if (this.approvalPolicy === "never") {
        return decline(
          `running outside the sandbox needs approval and approval_policy is "never"; run the command without ` +
            "sandbox_permissions (inside the sandbox) or do without it",
        );
      }
      return this.approveCommand(
        { ...base, reason: why, unsandboxed: true, justification: request.justification },
        `running outside the sandbox needs the user's approval`,
        request.signal,
      );
    }

    if (known) return { allow: true, launcher: this.launcher ?? (safe ? UNSANDBOXED_READ_ONLY : undefined) };
    if (untrusted) {
      return this.approveCommand(
        { ...base, reason: "approval_policy is untrusted", unsandboxed: !this.launcher },
        `approval_policy is "untrusted": only known read-only commands (${SAFE_EXAMPLES}) run without approval`,
        request.signal,
      );
    }
    if (this.launcher) return { allow: true, launcher: this.launcher };

    const missing = this.availability.available ? "" : this.availability.reason;
    const why =
      `no sandbox is available (${missing}), so in ${mode} mode only known read-only commands ` +
      `(${SAFE_EXAMPLES}) run without approval`;
    if (this.approvalPolicy === "never")
      return decline(`${why}; approval_policy is "never". ${FALLBACK_HINT}`);
    return this.approveCommand(
      { ...base, reason: `no sandbox is available (${missing})`, unsandboxed: true },
      why,
      request.signal,
    );
  }

  /** After a sandboxed command failed: explain a likely sandbox refusal; under on-failure, offer a plain rerun. */
  async afterCommand(
    command: string[],
    cwd: string,
    result: RunResult,
    request: RunRequest,
  ): Promise<AfterRunAdvice | undefined> {
    if (!this.launcher || !looksBlockedBySandbox(result.output, this.sandbox)) return undefined;
    if (this.approvalPolicy === "on-failure" && this.ask) {
      const answer = await this.ask.ask(
        {
          kind: "command",
          callId: request.callId,
          command,
          cwd,
          reason: "the command failed in the sandbox; run it again without the sandbox?",
          unsandboxed: true,
        },
        request.signal,
      );
      if (answer.decision !== "no") {
        if (answer.decision === "always") this.approvedCommands.add(JSON.stringify(command));
        return { rerunUnlaunched: true };
      }
    }
    return { note: this.sandboxNote() };
  }

  private sandboxNote(): string {
    const { mode, writableRoots, readOnlySubpaths, networkAccess } = this.sandbox;
    const writes =
      mode === "read-only"
        ? "nothing is writable"
        : `writable: ${writableRoots.join(", ")}${readOnlySubpaths.length ? ` (read-only inside them: ${readOnlySubpaths.join(", ")})` : ""}`;
    const rerun =
      this.approvalPolicy === "on-failure" && this.ask
        ? ""
        : "; running it outside the sandbox is not possible in this session";
    return (
      `Note: this command ran in the ${mode} sandbox (${writes}; network ${networkAccess ? "on" : "off"}). ` +
      `The failure above may be the sandbox refusing it${rerun}.`
    );
  }

  async approvePatch(request: PatchApprovalRequest): Promise<PatchVerdict> {
    const { refused } = request;
    const paths = refused.length > 0 ? refused.map((r) => r.path) : request.changes.map((c) => c.path);
    const untrusted = this.approvalPolicy === "untrusted";
    if (refused.length === 0 && !untrusted) return { allow: true, unrestricted: false };
    const unrestricted = refused.length > 0;
    if (paths.every((p) => this.approvedPaths.has(`${request.cwd}\0${p}`)))
      return { allow: true, unrestricted };

    const modelReason =
      refused.length > 0
        ? refused.map((r) => r.message).join("\n")
        : `patch not applied: approval_policy is "untrusted", so file edits need the user's approval, and ${NO_PROMPT}; describe the change instead`;
    if (!this.ask || this.approvalPolicy === "never") return { allow: false, reason: modelReason };
    const answer = await this.ask.ask(
      {
        kind: "patch",
        callId: request.callId,
        cwd: request.cwd,
        changes: request.changes,
        reason:
          refused.length > 0 ? "the patch writes outside the writable roots" : "approval_policy is untrusted",
        outsidePaths: refused.map((r) => r.path),
        preview: await request.preview?.(),
      },
      request.signal,
    );
    if (answer.decision === "no")
      return { allow: false, reason: userDeclined("this patch", answer.feedback) };
    if (answer.decision === "always") for (const p of paths) this.approvedPaths.add(`${request.cwd}\0${p}`);
    return { allow: true, unrestricted };
  }

  /**
   * MCP servers run outside the sandbox, so their tools pass like known read-only commands only when the server
   * marks them `readOnlyHint: true`. Otherwise `untrusted` and `on-request` ask (exec: refused, the model told
   * why); `on-failure` and `never` run them, as they run commands without asking.
   */
  async approveMcp(request: McpApprovalRequest): Promise<McpVerdict> {
    const key = `${request.server}\0${request.tool}`;
    if (request.readOnly || this.approvedMcpTools.has(key)) return { allow: true };
    const policy = this.approvalPolicy;
    if (policy === "never" || policy === "on-failure") return { allow: true };
    if (policy === "on-request" && this.sandbox.mode === "danger-full-access") return { allow: true };
    const why = `approval_policy is "${policy}" and the server does not mark this tool read-only`;
    if (!this.ask)
      return {
        allow: false,
        reason:
          `MCP tool call not run: ${why}, so it needs the user's approval, and ${NO_PROMPT}. ` +
          "Use tools marked read-only or tell the user what to run.",
      };
    const answer = await this.ask.ask(
      {
        kind: "mcp",
        callId: request.callId,
        server: request.server,
        tool: request.tool,
        arguments: request.arguments,
        reason: why,
      },
      request.signal,
    );
    if (answer.decision === "no")
      return { allow: false, reason: userDeclined("this tool call", answer.feedback) };
    if (answer.decision === "always") this.approvedMcpTools.add(key);
    return { allow: true };
  }

  private async approveCommand(
    request: Extract<ApprovalRequest, { kind: "command" }>,
    modelReason: string,
    signal: AbortSignal,
  ): Promise<BeforeRunDecision> {
    if (!this.ask) return decline(`${modelReason}, and ${NO_PROMPT}. ${FALLBACK_HINT}`);
    const answer = await this.ask.ask(request, signal);
    if (answer.decision === "no") return decline(userDeclined("this command", answer.feedback));
    if (answer.decision === "always") this.approvedCommands.add(JSON.stringify(request.command));
    return { allow: true, launcher: request.unsandboxed ? undefined : this.launcher };
  }
}

/**
 * How a known read-only command runs when there is no sandbox: a `bash -lc` script without the login and rc
 * files (and BASH_ENV/ENV), which a patch may have written when $HOME lies in a writable root. The script only
 * holds commands the allow-list accepted, which need none of them.
 */
const UNSANDBOXED_READ_ONLY: CommandLauncher = {
  prepare: (command, _cwd, env) => {
    const { BASH_ENV: _bashEnv, ENV: _env, ...rest } = env;
    const script = shellScript(command);
    if (script === undefined) return { argv: command, env: rest };
    const shell = command[0];
    const name = shell.slice(shell.lastIndexOf("/") + 1);
    const options = name === "bash" ? ["--noprofile", "--norc"] : name === "zsh" ? ["-f"] : [];
    return { argv: [shell, ...options, "-c", script], env: rest };
  },
};

const FALLBACK_HINT =
  "Inspect with read-only commands and edit files with apply_patch; if a command is essential, tell the user " +
  "what to run or to rerun with a different --sandbox / --ask-for-approval setting.";

function decline(reason: string): BeforeRunDecision {
  return { allow: false, reason };
}

function userDeclined(what: string, feedback: string | undefined): string {
  const said = feedback?.trim();
  return said
    ? `the user declined ${what} and said: ${said}`
    : `the user declined ${what}; do not try it again as is`;
}

const FS_DENIAL = /Read-only file system|Permission denied|Operation not permitted/i;
const NET_DENIAL =
  /Network is unreachable|Could not resolve host|Temporary failure in name resolution|Name or service not known|getaddrinfo|ENETUNREACH|EAI_AGAIN|ENOTFOUND|Connection refused|ECONNREFUSED/i;

/** Heuristic, as Codex's: the output names an error a sandbox refusal produces. */
export function looksBlockedBySandbox(output: string, policy: SandboxPolicy): boolean {
  if (FS_DENIAL.test(output)) return true;
  return !policy.networkAccess && NET_DENIAL.test(output);
}
