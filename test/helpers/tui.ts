// A TUI session for the tmux tests: the simulator, workspace and CODEX_HOME of helpers/e2e.ts, the clean
// environment the CLI runs with, and `start`, which runs `codex-litellm <args>` in a pane that outlives it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Scenario } from "../simulator/scenario.ts";
import { CLI } from "./cli.ts";
import { e2e, TEST_KEY } from "./e2e.ts";
import { startInPane, type Terminal } from "./terminal.ts";

/** The composer's placeholder: the TUI is ready for a prompt. */
export const READY = "Ask codex-litellm to do anything";

export interface TuiSessionOptions {
  /** Arguments of every start (default `-m sim-model`); `start(args)` replaces them. */
  args?: string[];
  /** Added to (or overriding) the session's environment. */
  env?: Record<string, string>;
  git?: boolean;
  /** Default true: the workspace is recorded as trusted, so no trust prompt shows. */
  trust?: boolean;
}

export async function tuiSession(scenario: Scenario, options: TuiSessionOptions = {}) {
  const t = await e2e(scenario, { git: options.git, trust: options.trust });
  const env = {
    HOME: t.ws.dir,
    CODEX_HOME: t.ws.home,
    TMPDIR: t.ws.tmp,
    LITELLM_BASE_URL: t.sim.origin,
    LITELLM_API_KEY: TEST_KEY,
    ...options.env,
  };
  const config = join(t.ws.home, "config.toml");
  const own = join(t.ws.home, "codex-litellm.config.toml");
  return {
    ...t,
    env,
    config,
    readConfig: () => (existsSync(config) ? readFileSync(config, "utf8") : undefined),
    /** codex-litellm.config.toml, where the TUI writes (trust decisions, /model, first-run choices). */
    readOwnConfig: () => (existsSync(own) ? readFileSync(own, "utf8") : undefined),
    start: (args = options.args ?? ["-m", "sim-model"]): Terminal =>
      startInPane(t.ws.tmp, t.ws.dir, env, [process.execPath, CLI, ...args]),
  };
}
