// The real LiteLLM proxy, pinned by scripts/litellm/requirements.txt: installed on first use into
// .cache/litellm-venv (hash-checked, no dependency resolution), started on 127.0.0.1 with no way out to
// the network, stopped with its whole process group.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { freePort } from "../helpers/net.ts";
import { repoRoot } from "../simulator/scenario.ts";

export const REQUIREMENTS = resolve(repoRoot, "scripts/litellm/requirements.txt");
export const VENV = resolve(repoRoot, ".cache/litellm-venv");
export const DEFAULT_CONFIG = resolve(repoRoot, "test/litellm/config.yaml");
const STAMP = join(VENV, ".requirements.sha256");

/** The pinned version, read from the requirements file so there is one place to change it. */
export const LITELLM_VERSION =
  /^litellm\[proxy\]==(\S+)/m.exec(readFileSync(REQUIREMENTS, "utf8"))?.[1] ?? "";

const requirementsHash = () => createHash("sha256").update(readFileSync(REQUIREMENTS)).digest("hex");

export const venvPython = (venv = VENV) => join(venv, "bin", "python");

/** The venv is usable when it was installed from exactly this requirements file. */
export function litellmInstalled(): boolean {
  return (
    existsSync(venvPython()) && existsSync(STAMP) && readFileSync(STAMP, "utf8").trim() === requirementsHash()
  );
}

/** A Python LiteLLM supports (3.10–3.14), or undefined with the reason. */
export function findPython(): { python?: string; why?: string } {
  const candidates = [process.env.CODEX_LITELLM_PYTHON, "python3", "python"].filter(Boolean) as string[];
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"], {
      encoding: "utf8",
    });
    if (r.status !== 0) continue;
    const [major, minor] = r.stdout.trim().split(".").map(Number);
    if (major === 3 && minor >= 10 && minor <= 14) return { python };
    return { why: `${python} is Python ${r.stdout.trim()}; LiteLLM needs 3.10–3.14` };
  }
  return { why: "no python3 with the venv module found (set CODEX_LITELLM_PYTHON)" };
}

/**
 * Installs the pinned proxy when the venv is missing or stale. It is built beside the final place and
 * renamed into it, so an interrupted install never leaves a half venv that looks finished.
 */
export function ensureLitellm(log: (line: string) => void = () => {}): void {
  if (litellmInstalled()) return;
  const { python, why } = findPython();
  if (!python) throw new Error(`cannot install LiteLLM: ${why}`);
  const building = `${VENV}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(resolve(VENV, ".."), { recursive: true });
  log(`installing LiteLLM ${LITELLM_VERSION} (pinned, hash-checked) into ${VENV} …`);
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (r.status !== 0) {
      rmSync(building, { recursive: true, force: true });
      throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stderr || r.stdout}`);
    }
  };
  run(python, ["-m", "venv", building]);
  run(venvPython(building), [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "--no-input",
    "--require-hashes",
    "--no-deps",
    "-r",
    REQUIREMENTS,
  ]);
  writeFileSync(join(building, ".requirements.sha256"), `${requirementsHash()}\n`);
  rmSync(VENV, { recursive: true, force: true });
  renameSync(building, VENV);
  log("LiteLLM installed");
}

/** The variables test/litellm/config.yaml routes its models by, for a gateway simulator at `origin`. */
export function upstreamEnv(origin: string): Record<string, string> {
  return { CODEX_LITELLM_UPSTREAM: origin, CODEX_LITELLM_OPENAI_UPSTREAM: `${origin}/openai/v1` };
}

export interface LitellmProxy {
  /** `http://127.0.0.1:PORT`; clients use it as their base URL (codex-litellm adds /v1). */
  origin: string;
  masterKey: string;
  /** Everything the proxy printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface ProxyOptions {
  config?: string;
  port?: number;
  masterKey?: string;
  /** Extra environment, e.g. CODEX_LITELLM_UPSTREAM for the repository's config. */
  env?: Record<string, string>;
  /** How long to wait for /health/liveliness. */
  startTimeoutMs?: number;
}

/** Environment for a proxy that must never reach the network: any attempt goes to a closed port. */
function offlineEnv(extra: Record<string, string>, masterKey: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"])
    if (process.env[k] !== undefined) env[k] = process.env[k];
  return {
    ...env,
    LITELLM_LOCAL_MODEL_COST_MAP: "True",
    LITELLM_DONT_SHOW_FEEDBACK_BOX: "True",
    LITELLM_LOG: "ERROR",
    LITELLM_MASTER_KEY: masterKey,
    HF_HUB_OFFLINE: "1",
    HTTP_PROXY: "http://127.0.0.1:9",
    HTTPS_PROXY: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    ...extra,
  };
}

async function answers(origin: string): Promise<boolean> {
  try {
    const res = await fetch(`${origin}/health/liveliness`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

export async function startLitellm(opts: ProxyOptions = {}): Promise<LitellmProxy> {
  ensureLitellm();
  const port = opts.port ?? (await freePort());
  const masterKey =
    opts.masterKey ??
    `sk-proxy-${createHash("sha256").update(String(Math.random())).digest("hex").slice(0, 16)}`;
  const origin = `http://127.0.0.1:${port}`;
  const args = ["-m", "litellm.proxy.proxy_cli", "--config", opts.config ?? DEFAULT_CONFIG];
  args.push("--host", "127.0.0.1", "--port", String(port), "--num_workers", "1");
  const child = spawn(venvPython(), args, {
    cwd: resolve(VENV, ".."),
    env: offlineEnv(opts.env ?? {}, masterKey),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  const keep = (b: Buffer) => {
    out += b.toString("utf8");
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async () => {
    killGroup(child, "SIGTERM");
    const gone = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
    if (!gone) killGroup(child, "SIGKILL");
    await exited;
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
  while (!(await answers(origin))) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`LiteLLM exited while starting (code ${child.exitCode}):\n${out.slice(-4000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`LiteLLM did not answer on ${origin} in time:\n${out.slice(-4000)}`);
    }
    await delay(200);
  }
  return { origin, masterKey, output: () => out, stop };
}
