// One end-to-end fixture: a simulator, a git workspace, a CODEX_HOME, and a way to run `exec` against them.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import type { Scenario } from "../simulator/scenario.ts";
import { type RunOptions, type RunResult, runCli } from "./cli.ts";
import { createWorkspace, type Workspace } from "./workspace.ts";

export const TEST_KEY = "sk-e2e-secret-key-0123456789";

export interface E2E {
  sim: Simulator;
  ws: Workspace;
  /** Runs `codex-litellm <args>` in the workspace with the simulator as the gateway. */
  run(args: string[], options?: Partial<RunOptions>): Promise<RunResult>;
  /** Bodies of the chat requests the gateway received, in order. */
  chatBodies(): any[];
  close(): Promise<void>;
}

/** The config.toml line pair that records a trust decision for `dir`, as the TUI's trust prompt writes it. */
export function trustToml(dir: string, level: "trusted" | "untrusted" = "trusted"): string {
  return `[projects.${JSON.stringify(dir)}]\ntrust_level = "${level}"\n`;
}

/**
 * `trust` (default true) records the workspace as trusted in `$CODEX_HOME/config.toml`, so the TUI starts
 * without its first-run trust prompt; tests of that prompt pass false. `apiKey` (default TEST_KEY) is the key the
 * simulator accepts and the CLI is given.
 */
export async function e2e(
  scenario: Scenario,
  options: { git?: boolean; trust?: boolean; apiKey?: string } = {},
): Promise<E2E> {
  const apiKey = options.apiKey ?? TEST_KEY;
  const sim = await startSimulator({ scenario, apiKey });
  const ws = createWorkspace({ git: options.git });
  if (options.trust !== false) writeFileSync(join(ws.home, "config.toml"), trustToml(ws.dir));
  return {
    sim,
    ws,
    run: (args, opts = {}) =>
      runCli(args, {
        cwd: ws.dir,
        ...opts,
        env: {
          CODEX_HOME: ws.home,
          TMPDIR: ws.tmp,
          LITELLM_BASE_URL: sim.origin,
          LITELLM_API_KEY: apiKey,
          ...opts.env,
        },
      }),
    chatBodies: () => sim.requests.filter((r) => r.path.endsWith("/chat/completions")).map((r) => r.body),
    close: async () => {
      await sim.close();
      ws.cleanup();
    },
  };
}

/** Parses JSONL stdout, failing loudly on any line that is not JSON. */
export function jsonLines(stdout: string): any[] {
  return stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        throw new Error(`stdout line is not JSON: ${l}`);
      }
    });
}
