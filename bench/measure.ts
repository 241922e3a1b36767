// Timing helpers: bash's `time` for whole runs (wall and CPU of the child), in-process spawn for "spawn
// until an event" (the gateway seeing a request), medians, and pairing with a baseline.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Timing {
  /** Seconds. */
  wall: number;
  user: number;
  sys: number;
  /** Peak resident set size in KiB, when /usr/bin/time measured it. */
  maxRssKb?: number;
}

export const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/**
 * Runs a command under bash's `time` keyword, which reports the child's wall and CPU seconds. With
 * `rssFile`, the command runs under /usr/bin/time (when installed) to record its peak RSS too; use it on
 * both sides of a pair, so the extra exec costs both alike. Asynchronous on purpose: servers answering the
 * command live in this process's event loop.
 */
export function timed(command: string, env: Record<string, string> = {}, rssFile?: string): Promise<Timing> {
  const wrapped = rssFile && GNU_TIME ? `${GNU_TIME} -f %M -o ${rssFile} ${command}` : command;
  const script = `TIMEFORMAT='%R %U %S'; time { ${wrapped} >/dev/null 2>/dev/null || echo FAILED >&2; }`;
  return new Promise((resolve, reject) => {
    // stdin at end of file: exec reads a piped stdin into the prompt, and an open pipe would never end.
    const child = spawn("bash", ["-c", script], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("close", () => {
      const [wall, user, sys] = (out.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
      if (out.includes("FAILED") || !Number.isFinite(wall)) {
        reject(new Error(`benchmark command failed: ${command}\n${out}`));
        return;
      }
      const timing: Timing = { wall, user, sys };
      if (rssFile && GNU_TIME) {
        const kb = Number(readFileSync(rssFile, "utf8").trim().split("\n").at(-1));
        if (Number.isFinite(kb)) timing.maxRssKb = kb;
        rmSync(rssFile, { force: true });
      }
      resolve(timing);
    });
  });
}

/** Peak RSS (KiB) of one run of `command`, polling /proc/<pid>/status from a shell (no /usr/bin/time). */
export function polledPeakRss(command: string, env: Record<string, string>, dir: string): Promise<number> {
  const out = join(dir, "hwm");
  const script = `${command} >/dev/null 2>&1 & pid=$!; hwm=0
while kill -0 $pid 2>/dev/null; do
  v=$(awk '/VmHWM/ {print $2}' /proc/$pid/status 2>/dev/null); [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
  sleep 0.005
done; echo $hwm > ${out}`;
  return new Promise((resolve) => {
    spawn("bash", ["-c", script], { env: { ...process.env, ...env }, stdio: "ignore" }).on("close", () => {
      resolve(Number(readFileSync(out, "utf8").trim()));
    });
  });
}

/**
 * Spawns `node args` and resolves with the milliseconds from spawn to `until`: the child's exit, or the
 * moment `arm` reports (e.g. a gateway receiving the request). Always waits for the child to exit. A child
 * still running after `timeoutMs` is killed and the result is Infinity ("did not get there in time").
 */
export function spawnUntil(
  args: string[],
  env: Record<string, string>,
  arm?: (report: (at: number) => void) => void,
  timeoutMs = 60_000,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let reported: number | undefined;
    arm?.((at) => {
      reported ??= at;
    });
    let stderr = "";
    const start = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < 4000) stderr += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("exit", (code) => {
      const end = performance.now();
      clearTimeout(timer);
      if (timedOut) resolve(reported !== undefined ? reported - start : Number.POSITIVE_INFINITY);
      else if (code !== 0) reject(new Error(`node ${args.join(" ")} exited with ${code}\n${stderr}`));
      else if (!arm) resolve(end - start);
      else if (reported === undefined)
        reject(new Error(`node ${args.join(" ")}: no request seen\n${stderr}`));
      else resolve(reported - start);
    });
  });
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** One warm-up each, then `runs` pairs, alternating which side goes first so drift hits both alike. */
export async function paired<T>(subject: () => Promise<T>, baseline: () => Promise<T>, runs: number) {
  const a: T[] = [];
  const b: T[] = [];
  await subject();
  await baseline();
  for (let i = 0; i < runs; i++) {
    if (i % 2) {
      a.push(await subject());
      b.push(await baseline());
    } else {
      b.push(await baseline());
      a.push(await subject());
    }
  }
  return { subject: a, baseline: b };
}

/** The gateway simulator (test/simulator/cli.ts) in a child process, serving `scenario`. */
export function simulatorProcess(
  scenario: object,
  dir: string,
): Promise<{ origin: string; baseUrl: string; close(): void }> {
  const file = join(dir, "scenario.json");
  writeFileSync(file, JSON.stringify(scenario));
  const cli = fileURLToPath(new URL("../test/simulator/cli.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", cli, file, "--api-key", "sk-bench"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("exit", (code) => reject(new Error(`the simulator exited (${code}) before listening`)));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const baseUrl = /LITELLM_BASE_URL=(\S+)/.exec(out)?.[1];
      if (!baseUrl) return;
      child.removeAllListeners("exit");
      resolve({ baseUrl, origin: new URL(baseUrl).origin, close: () => child.kill() });
    });
  });
}
