// codex-litellm → the real LiteLLM proxy → the gateway simulator playing each upstream provider. One proxy
// serves a whole test file; each case gets a fresh scenario, workspace and CODEX_HOME.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunOptions, type RunResult, runCli } from "../helpers/cli.ts";
import { trustToml } from "../helpers/e2e.ts";
import { createWorkspace, type Workspace } from "../helpers/workspace.ts";
import type { RecordedRequest, Simulator } from "../simulator/index.ts";
import type { Scenario } from "../simulator/scenario.ts";
import { startSimulator } from "../simulator/server.ts";
import { findPython, type LitellmProxy, litellmInstalled, startLitellm, upstreamEnv } from "./proxy.ts";

export interface ProxyCase {
  ws: Workspace;
  /** Runs `codex-litellm <args>` with the proxy as its gateway. */
  run(args: string[], options?: Partial<RunOptions>): Promise<RunResult>;
  /** What reached the upstream provider (the simulator), POSTs only, in order. */
  upstream(): RecordedRequest[];
}

export interface Rig {
  sim: Simulator;
  proxy: LitellmProxy;
  case(scenario: Scenario): ProxyCase;
  close(): Promise<void>;
}

/**
 * Why the real-proxy tests cannot run here, or undefined when they can. In CI a missing proxy is a
 * failure, never a skip: .ci/run installs it.
 */
export function proxyUnavailable(): string | undefined {
  if (process.env.CI) return undefined;
  if (litellmInstalled()) return undefined;
  const { why } = findPython();
  return why ? `the real LiteLLM proxy cannot be installed: ${why}` : undefined;
}

export async function startRig(): Promise<Rig> {
  const sim = await startSimulator({ scenario: { responses: [] } });
  let proxy: LitellmProxy;
  try {
    proxy = await startLitellm({ env: upstreamEnv(sim.origin) });
  } catch (err) {
    await sim.close();
    throw err;
  }
  const workspaces: Workspace[] = [];
  return {
    sim,
    proxy,
    case(scenario) {
      sim.reset(scenario);
      const ws = createWorkspace({ git: true });
      workspaces.push(ws);
      writeFileSync(join(ws.home, "config.toml"), trustToml(ws.dir));
      return {
        ws,
        run: (args, opts = {}) =>
          runCli(args, {
            cwd: ws.dir,
            timeoutMs: 60_000,
            ...opts,
            env: {
              CODEX_HOME: ws.home,
              TMPDIR: ws.tmp,
              LITELLM_BASE_URL: proxy.origin,
              LITELLM_API_KEY: proxy.masterKey,
              ...opts.env,
            },
          }),
        upstream: () => sim.requests.filter((r) => r.method === "POST"),
      };
    },
    async close() {
      await proxy.stop();
      await sim.close();
      for (const ws of workspaces) ws.cleanup();
    },
  };
}
