// Setup shared by every front end that runs the agent (exec, the TUI): the working directory, the instructions
// and context items sent before the first prompt, which reasoning is shown, and the model's context window.
import { readFileSync, realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_CONTEXT_WINDOW, discoverContextWindow } from "../agent/context.ts";
import { BASE_INSTRUCTIONS, projectDocMessage } from "../agent/instructions.ts";
import { loadProjectDocs } from "../config/project-doc.ts";
import type { ResolvedConfig } from "../config/types.ts";
import type { Gateway } from "../gateway/client.ts";
import type { AgentEvent } from "../protocol/events.ts";
import type { HistoryItem } from "../protocol/items.ts";
import type { ToolPolicy } from "../tools/policy.ts";

export type { InitialContext };

import { UserError } from "../util/errors.ts";
import { environmentItem, type InitialContext } from "./permissions.ts";

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The agent's working directory: `--cd` (which must be a directory) or the process cwd, symlinks resolved. */
export function resolveWorkdir(cd: string | undefined): string {
  const cwd = safeRealpath(resolve(cd ?? process.cwd()));
  if (cd) {
    let ok = false;
    try {
      ok = statSync(cwd).isDirectory();
    } catch {}
    if (!ok) throw new UserError(`--cd: ${cd} is not a directory`, 2);
  }
  return cwd;
}

/**
 * The system prompt: `model_instructions_file` in place of the base instructions, then `developer_instructions`
 * (Codex sends those as a developer message; a gateway gets exactly one system message, so they join it).
 */
export function agentInstructions(config: ResolvedConfig): string {
  let base = BASE_INSTRUCTIONS;
  if (config.modelInstructionsFile) {
    try {
      base = readFileSync(config.modelInstructionsFile, "utf8").trim();
    } catch (error) {
      throw new UserError(`cannot read model_instructions_file: ${(error as Error).message}`);
    }
  }
  const developer = config.developerInstructions?.trim();
  return developer ? `${base}\n\n${developer}` : base;
}

/**
 * Whether reasoning is shown: not with `hide_agent_reasoning` or `model_reasoning_summary = "none"`, unless
 * `show_raw_agent_reasoning` asks for the raw text (all a Chat Completions model sends is raw reasoning).
 */
export function reasoningShown(config: ResolvedConfig): boolean {
  if (config.showRawAgentReasoning) return true;
  return !config.hideAgentReasoning && config.reasoningSummary !== "none";
}

/** `next` without reasoning events when reasoning is not shown (the agent still records and replays it). */
export function reasoningFilter(
  config: ResolvedConfig,
  next: (event: AgentEvent) => void,
): (event: AgentEvent) => void {
  if (reasoningShown(config)) return next;
  return (event) => {
    if (event.type !== "reasoning" && event.type !== "reasoning_delta") next(event);
  };
}

export function initialContext(config: ResolvedConfig, cwd: string, policy: ToolPolicy): InitialContext {
  const docs = loadProjectDocs(cwd, {
    maxBytes: config.projectDocMaxBytes,
    fallbackFilenames: config.projectDocFallbackFilenames,
    codexHome: config.codexHome,
    rootMarkers: config.projectRootMarkers,
  });
  const items: HistoryItem[] = [];
  if (docs.text) items.push(projectDocMessage(cwd, docs.text));
  items.push(environmentItem(cwd, policy));
  return { items, docFiles: docs.files };
}

/** The configured window, else the gateway's `max_input_tokens` for `model`, else the 130k baseline. */
export async function contextWindowFor(
  config: ResolvedConfig,
  gateway: Gateway,
  model: string,
): Promise<number> {
  return (
    config.contextWindow ??
    (await discoverContextWindow(gateway, model, { cacheFile: modelsCacheFile(config.codexHome) })) ??
    DEFAULT_CONTEXT_WINDOW
  );
}

/** The gateway's model list, cached five minutes (`codex-litellm models`, `/model`, context windows, vision). */
export function modelsCacheFile(codexHome: string): string {
  return join(codexHome, "cache", "codex-litellm-models.json");
}
