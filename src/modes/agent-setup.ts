// Setup shared by every front end that runs the agent (exec, the TUI): the working directory, the context
// items sent before the first prompt, and the model's context window.
import { realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_CONTEXT_WINDOW, discoverContextWindow } from "../agent/context.ts";
import { environmentContext, projectDocMessage } from "../agent/instructions.ts";
import { loadProjectDocs } from "../config/project-doc.ts";
import type { ResolvedConfig } from "../config/types.ts";
import type { Gateway } from "../gateway/client.ts";
import type { HistoryItem } from "../protocol/items.ts";
import type { ToolPolicy } from "../tools/policy.ts";
import { UserError } from "../util/errors.ts";
import { localTimeZone } from "../util/format.ts";
import { modelsCacheFile } from "./models.ts";

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

export interface InitialContext {
  /** AGENTS.md text (when any) and the environment context, in the order the model gets them. */
  items: HistoryItem[];
  /** The AGENTS.md files whose text is included (absolute paths). */
  docFiles: string[];
}

export function initialContext(config: ResolvedConfig, cwd: string, policy: ToolPolicy): InitialContext {
  const docs = loadProjectDocs(cwd, {
    maxBytes: config.projectDocMaxBytes,
    fallbackFilenames: config.projectDocFallbackFilenames,
    codexHome: config.codexHome,
  });
  const items: HistoryItem[] = [];
  if (docs.text) items.push(projectDocMessage(cwd, docs.text));
  items.push(
    environmentContext({
      cwd,
      shell: "bash",
      approvalPolicy: policy.approvalPolicy,
      sandboxMode: config.sandboxMode,
      networkAccess: policy.sandbox.networkAccess,
      timezone: localTimeZone(process.env),
    }),
  );
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
