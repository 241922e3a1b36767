// The front ends' single entry point to safety: from the resolved config to the writable roots, the registry
// options (approval gate + sandbox + secret-free environment) and the notices to print once.
import { mkdirSync } from "node:fs";
import { codexHome, processEnv } from "../config/env.ts";
import type { ApprovalPolicy, ResolvedConfig, SandboxMode } from "../config/types.ts";
import { SafetyGate } from "./approval/gate.ts";
import type { ApprovalPrompt } from "./approval/types.ts";
import type { RegistryOptions } from "./registry.ts";
import { detectSandbox } from "./sandbox/detect.ts";
import { resolveSandboxPolicy } from "./sandbox/policy.ts";
import type { SandboxAvailability, SandboxPolicy } from "./sandbox/types.ts";

export type { ApprovalAnswer, ApprovalDecision, ApprovalPrompt, ApprovalRequest } from "./approval/types.ts";

export type FrontEnd = "exec" | "interactive";

/** The parts of the configuration the policy reads. */
export type PolicyConfig = Pick<
  ResolvedConfig,
  | "approvalPolicy"
  | "sandboxMode"
  | "writableRoots"
  | "networkAccess"
  | "excludeSlashTmp"
  | "excludeTmpdirEnvVar"
  | "shellEnvironmentPolicy"
> &
  Partial<Pick<ResolvedConfig, "approvalPolicyExplicit" | "codexHome" | "shellTimeoutMaxMs">> & {
    provider: { envKey?: string };
  };

export interface ToolPolicyOptions {
  /** The process environment: commands' base environment and $TMPDIR. Default the process environment. */
  env?: Record<string, string | undefined>;
  /** Overrides sandbox detection (tests). */
  availability?: SandboxAvailability;
}

export interface ToolPolicy {
  /** The policy in force: in exec `never`, unless `untrusted` was chosen. Show it in headers and to the model. */
  approvalPolicy: ApprovalPolicy;
  sandboxMode: SandboxMode;
  sandbox: SandboxPolicy;
  /** Pass to the Agent (ToolContext.writableRoots); the registry enforces the same list anyway. */
  writableRoots: string[];
  /** `new ToolRegistry(registryOptions)`. */
  registryOptions: RegistryOptions;
  /** Name of the OS sandbox commands run in ("bwrap"), undefined when they run unsandboxed. */
  sandboxBackend?: string;
  /** One line for headers, e.g. `workspace-write (bwrap, network off)`. */
  sandboxSummary: string;
  /** Warnings to show the user once (no sandbox available, a missing writable root). */
  notices: string[];
  /** The same policy with another approval policy and sandbox mode (the TUI's `/approvals`). */
  withPermissions(approvalPolicy: ApprovalPolicy, sandboxMode: SandboxMode): ToolPolicy;
}

/**
 * Builds the safety policy of a session. `exec` never prompts, so `ask` is ignored there: what would need
 * approval is declined and the model is told why. Probes the sandbox once per process (synchronously, a few
 * milliseconds) unless the mode is danger-full-access.
 */
export function createToolPolicy(
  config: PolicyConfig,
  cwd: string,
  frontEnd: FrontEnd,
  ask?: ApprovalPrompt,
  options: ToolPolicyOptions = {},
): ToolPolicy {
  const env = options.env ?? processEnv();
  const mode = config.sandboxMode;
  const home = config.codexHome ?? codexHome(env);
  // A $CODEX_HOME that does not exist yet cannot be mounted read-only; were it inside a writable root, a
  // command could create it with its own config.toml. The agent creates it anyway (sessions, history).
  if (mode === "workspace-write") {
    try {
      mkdirSync(home, { recursive: true, mode: 0o700 });
    } catch {
      // Not creatable here: then no command can create it either.
    }
  }
  const { policy, notices } = resolveSandboxPolicy({
    codexHome: home,
    mode,
    cwd,
    extraRoots: config.writableRoots,
    networkAccess: config.networkAccess,
    tmpdir: config.excludeTmpdirEnvVar ? undefined : env.TMPDIR || undefined,
    includeSlashTmp: !config.excludeSlashTmp,
  });
  const availability: SandboxAvailability =
    mode === "danger-full-access"
      ? { available: false, reason: "danger-full-access runs commands without a sandbox" }
      : (options.availability ?? detectSandbox({ path: env.PATH }));
  const prompt = frontEnd === "exec" ? undefined : ask;
  // exec never prompts (Codex forces `never` there). An explicit `untrusted` keeps its meaning, "only known
  // read-only commands run", which exec can still honour by refusing the rest; `untrusted` that only comes
  // from the project's trust_level does not apply to exec, as in Codex.
  const keepUntrusted = config.approvalPolicy === "untrusted" && config.approvalPolicyExplicit !== false;
  const approvalPolicy: ApprovalPolicy =
    frontEnd === "exec" && !keepUntrusted ? "never" : config.approvalPolicy;
  const gate = new SafetyGate({ approvalPolicy, sandbox: policy, availability, ask: prompt });

  let summary: string;
  if (mode === "danger-full-access") summary = "danger-full-access (no sandbox)";
  else if (availability.available)
    summary = `${mode} (${availability.backend.name}, network ${policy.networkAccess ? "on" : "off"})`;
  else {
    summary = `${mode} (no sandbox available)`;
    const consequence = prompt
      ? "commands that are not known to be read-only will ask for approval and then run unsandboxed"
      : "commands that are not known to be read-only will be refused (--sandbox danger-full-access runs them unsandboxed)";
    notices.unshift(
      `no sandbox: ${availability.reason}${availability.hint ? `; ${availability.hint}` : ""}. ${mode} cannot be ` +
        `enforced for commands, so ${consequence} (apply_patch still writes only inside the writable roots)`,
    );
  }

  return {
    approvalPolicy,
    sandboxMode: mode,
    sandbox: policy,
    writableRoots: policy.writableRoots,
    registryOptions: {
      envPolicy: config.shellEnvironmentPolicy,
      baseEnv: env,
      secretEnvNames: config.provider.envKey ? [config.provider.envKey] : [],
      shellTimeoutMaxMs: config.shellTimeoutMaxMs,
      safety: gate,
    },
    sandboxBackend: gate.launcher && availability.available ? availability.backend.name : undefined,
    sandboxSummary: summary,
    notices,
    withPermissions: (approval, sandboxMode) =>
      createToolPolicy(
        { ...config, approvalPolicy: approval, sandboxMode, approvalPolicyExplicit: true },
        cwd,
        frontEnd,
        ask,
        options,
      ),
  };
}
