// `codex-litellm sandbox [OPTIONS] -- COMMAND...`: runs one command exactly as the agent's shell tool would
// (same sandbox, writable roots, network rule and secret-free environment), with the terminal attached, so a
// policy can be tried by hand. Exits with the command's exit code.

import { spawn } from "node:child_process";
import { closeSync } from "node:fs";
import { constants } from "node:os";
import { processEnv } from "../config/env.ts";
import { loadConfig } from "../config/load.ts";
import type { CliOverrides } from "../config/types.ts";
import { resolveWorkdir } from "../core/setup.ts";
import { withAddedDirs } from "../modes/common/add-dirs.ts";
import { createToolPolicy } from "../tools/policy.ts";
import { buildCommandEnv } from "../tools/shell/env.ts";
import { UserError } from "../util/errors.ts";

export interface SandboxOptions extends CliOverrides {
  cd?: string;
  addDirs: string[];
  command: string[];
}

export async function runSandbox(options: SandboxOptions): Promise<number> {
  if (options.command.length === 0) throw new UserError("sandbox: give the command to run after `--`", 2);
  const cwd = resolveWorkdir(options.cd);
  // The default here is the agent's workspace-write, whatever config.toml says, unless -s or --full-auto.
  const config = withAddedDirs(
    loadConfig({ cli: { ...options, sandboxMode: options.sandboxMode ?? "workspace-write" }, cwd }),
    options.addDirs,
    cwd,
  );
  const policy = createToolPolicy(config, cwd, "exec");
  const env = buildCommandEnv(config.shellEnvironmentPolicy, processEnv(), {
    secretNames: policy.registryOptions.secretEnvNames,
  });
  const launcher = policy.registryOptions.safety?.launcher;
  if (!launcher && config.sandboxMode !== "danger-full-access") {
    throw new UserError(`sandbox: ${policy.notices[0] ?? "no sandbox is available here"}`);
  }
  process.stderr.write(
    `sandbox: ${policy.sandboxSummary}; writable: ${policy.writableRoots.join(", ") || "none"}\n`,
  );
  const spawned = launcher
    ? launcher.prepare(options.command, cwd, env)
    : { argv: options.command, env, fds: [] };
  const fds = spawned.fds ?? [];
  return await new Promise<number>((resolve) => {
    const child = spawn(spawned.argv[0], spawned.argv.slice(1), {
      cwd,
      env: spawned.env,
      stdio: ["inherit", "inherit", "inherit", ...fds],
    });
    for (const fd of fds) closeSync(fd);
    child.on("error", (error) => {
      process.stderr.write(`sandbox: cannot run ${options.command[0]}: ${error.message}\n`);
      resolve(127);
    });
    child.on("close", (code, signal) => resolve(code ?? 128 + (signal ? signalNumber(signal) : 0)));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}
