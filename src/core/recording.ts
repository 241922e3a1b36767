// Session plumbing for every front end: opening the rollout for recording, and history.jsonl (finding
// the session to resume is resume.ts). Recording problems are warnings: they never fail a run.
import { processEnv } from "../config/env.ts";
import { sessionRedactor } from "../config/secrets.ts";
import type { ResolvedConfig } from "../config/types.ts";
import { gitInfo } from "../session/git.ts";
import { appendHistory } from "../session/history.ts";
import { SessionInUseError, type SessionLock } from "../session/lock.ts";
import { SessionRecorder } from "../session/recorder.ts";
import { ORIGINATOR, type SandboxPolicyRecord, type TurnContextRecord } from "../session/types.ts";
import type { Redactor } from "../util/redact.ts";
import { VERSION } from "../util/version.ts";

export function sandboxPolicyRecord(config: ResolvedConfig, writableRoots: string[]): SandboxPolicyRecord {
  if (config.sandboxMode === "workspace-write")
    return { type: "workspace-write", writable_roots: writableRoots, network_access: config.networkAccess };
  return { type: config.sandboxMode };
}

export interface RecorderRequest {
  config: ResolvedConfig;
  sessionId: string;
  cwd: string;
  model: string;
  turnContext: TurnContextRecord;
  contextWindow: number;
  /** The rollout to append to (resume); a new file otherwise. */
  resumePath?: string;
  /** The resumed session's lock, when already taken. */
  lock?: SessionLock;
  /** `session_meta.source`: "exec" (default) or "cli" (the TUI, as Codex names it). */
  source?: string;
  warn: (message: string) => void;
  /** The session's redactor; default: one built from the provider's secrets and the environment. */
  redactor?: Redactor;
}

/**
 * Opens the session's rollout for writing, or warns and returns undefined when it cannot. Throws only
 * SessionInUseError: another live process records this session.
 */
export function openRecorder(req: RecorderRequest): SessionRecorder | undefined {
  let warned = false;
  const redactor = req.redactor ?? sessionRedactor(req.config.provider, processEnv());
  const settings = {
    turnContext: req.turnContext,
    contextWindow: req.contextWindow,
    lock: req.lock,
    redact: redactor.deep,
    onError: (error: Error) => {
      if (warned) return;
      warned = true;
      req.warn(
        `could not write the session file (${error.message}); the rest of this session is not recorded`,
      );
    },
  };
  try {
    if (req.resumePath) return SessionRecorder.resume(req.resumePath, req.sessionId, settings);
    return SessionRecorder.create(
      req.config.codexHome,
      {
        id: req.sessionId,
        cwd: req.cwd,
        originator: ORIGINATOR,
        cli_version: VERSION,
        source: req.source ?? "exec",
        model_provider: req.config.provider.id,
        model: req.model,
        git: gitInfo(req.cwd),
      },
      settings,
    );
  } catch (error) {
    if (error instanceof SessionInUseError) throw error;
    req.warn(`could not open the session file (${(error as Error).message}); this session is not recorded`);
    return undefined;
  }
}

/** Adds the prompt to history.jsonl unless `history.persistence = "none"`. */
export function recordPrompt(
  config: ResolvedConfig,
  sessionId: string,
  prompt: string,
  warn: (message: string) => void,
): void {
  if (config.historyPersistence === "none") return;
  try {
    appendHistory(config.codexHome, sessionId, prompt, Date.now(), config.historyMaxBytes);
  } catch (error) {
    warn(`could not append to history.jsonl (${(error as Error).message})`);
  }
}
