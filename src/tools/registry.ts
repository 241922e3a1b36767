// Tool dispatch: canonical names, argument parsing, apply_patch interception through `shell`.
// Errors become tool messages the model can act on; nothing here throws into the loop.
import type { ShellEnvironmentPolicy } from "../config/types.ts";
import type { ToolSpec } from "../protocol/model.ts";
import { createApplyPatchTool, runApplyPatch } from "./apply-patch/index.ts";
import { extractPatchFromShell } from "./apply-patch/intercept.ts";
import type { SafetyGate } from "./approval/gate.ts";
import { canonicalToolName } from "./shell/args.ts";
import { createShellTool } from "./shell/index.ts";
import type { Tool, ToolContext, ToolResult } from "./types.ts";
import { createUpdatePlanTool } from "./update-plan.ts";

export interface RegistryOptions {
  envPolicy: ShellEnvironmentPolicy;
  baseEnv?: Record<string, string | undefined>;
  /** Names always removed from command environments (the provider's key variable). */
  secretEnvNames?: string[];
  /** `shell_timeout_max_ms`: the longest any command may run, whatever `timeout_ms` the model asks for. */
  shellTimeoutMaxMs?: number;
  /**
   * Approval and sandbox decisions (built by `createToolPolicy`). It supplies the writable roots every tool
   * enforces, overriding the context's. Absent: commands run unsandboxed and patches stay in ctx.writableRoots.
   */
  safety?: SafetyGate;
  /** Tools besides the built-in ones (MCP servers' tools), offered after them. */
  extraTools?: Tool[];
}

export interface ParsedArguments {
  args?: Record<string, unknown>;
  error?: string;
}

/** Parses tool-call argument text. Empty text means no arguments (some models send "" for `{}`). */
export function parseArguments(text: string): ParsedArguments {
  const trimmed = text.trim();
  if (!trimmed) return { args: {} };
  try {
    const value = JSON.parse(trimmed) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value))
      return { args: value as Record<string, unknown> };
    return {
      error: `arguments must be a JSON object, got ${Array.isArray(value) ? "an array" : typeof value}`,
    };
  } catch (error) {
    return { error: `arguments are not valid JSON (${(error as Error).message})` };
  }
}

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private readonly safety: SafetyGate | undefined;

  constructor(options: RegistryOptions) {
    this.safety = options.safety;
    for (const tool of [
      createShellTool({
        envPolicy: options.envPolicy,
        baseEnv: options.baseEnv,
        secretEnvNames: options.secretEnvNames,
        maxTimeoutMs: options.shellTimeoutMaxMs,
        ...options.safety?.shellHooks(),
      }),
      createApplyPatchTool(),
      createUpdatePlanTool(),
      ...(options.extraTools ?? []),
    ]) {
      this.tools.set(tool.spec.name, tool);
    }
  }

  specs(): ToolSpec[] {
    return [...this.tools.values()].map((t) => t.spec);
  }

  /** The name to replay for a call: canonical when it names one of our tools (no control-token debris). */
  replayName(name: string): string {
    const canonical = canonicalToolName(name);
    return this.tools.has(canonical) ? canonical : name;
  }

  /** Runs one call. `name` and `argumentText` are as the model sent them. */
  async dispatch(name: string, argumentText: string, callCtx: ToolContext): Promise<ToolResult> {
    const ctx = this.safety ? this.safety.contextFor(callCtx) : callCtx;
    const canonical = canonicalToolName(name);
    const tool = this.tools.get(canonical);
    if (!tool) {
      const message = `unknown tool \`${name}\`; available tools: ${[...this.tools.keys()].join(", ")}`;
      ctx.emit({ type: "tool_error", callId: ctx.callId, name, message });
      return { output: message, isError: true };
    }
    const parsed = parseArguments(argumentText);
    if (!parsed.args) {
      const message = `${canonical}: ${parsed.error}. Send the arguments again as one JSON object matching the tool schema.`;
      ctx.emit({ type: "tool_error", callId: ctx.callId, name: canonical, message });
      return { output: message, isError: true };
    }
    if (canonical === "shell") {
      const command = parsed.args.command ?? parsed.args.cmd;
      const patch =
        Array.isArray(command) || typeof command === "string"
          ? extractPatchFromShell(command as string[])
          : null;
      if (patch)
        return runApplyPatch(
          patch.patch,
          patch.workdir ? { ...ctx, cwd: resolveIn(ctx.cwd, patch.workdir) } : ctx,
        );
    }
    try {
      return await tool.execute(parsed.args, ctx);
    } catch (error) {
      const message = `${canonical} failed: ${(error as Error).message ?? String(error)}`;
      ctx.emit({ type: "tool_error", callId: ctx.callId, name: canonical, message });
      return { output: message, isError: true };
    }
  }
}

function resolveIn(cwd: string, dir: string): string {
  return dir.startsWith("/") ? dir : `${cwd.replace(/\/$/, "")}/${dir}`;
}
