// The TUI in a real terminal (tmux, as test/e2e/tui.test.ts drives it): the time from Enter to the last
// words of a streamed answer on screen. The screen is read every few milliseconds with `capture-pane`, so
// the result is accurate to about 10 ms.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const HAVE_TMUX = spawnSync("tmux", ["-V"]).status === 0;

const READY = "Ask codex-litellm to do anything";

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface TuiRun {
  /** Milliseconds from Enter to `endMarker` on screen; Infinity when it did not show within the limit. */
  ms: number;
}

/**
 * Starts `node cli.js` (the TUI) in a 120×40 pane against `origin`, submits one prompt and waits for
 * `endMarker` (the last words of the scripted answer). The tmux server is killed afterwards.
 */
export async function tuiRun(options: {
  cli: string;
  dir: string;
  origin: string;
  endMarker: string;
  limitMs: number;
}): Promise<TuiRun> {
  const home = join(options.dir, "home-tui");
  mkdirSync(home, { recursive: true });
  const socket = join(options.dir, `tmux-${Math.random().toString(36).slice(2, 8)}.sock`);
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    TERM: "xterm-256color",
    HOME: options.dir,
    CODEX_HOME: home,
    LITELLM_BASE_URL: options.origin,
    LITELLM_API_KEY: "sk-bench",
  };
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(" ");
  // `exec` keeps the shell's pid for node, so the TUI can be killed for sure afterwards: a TUI that has
  // fallen behind is too busy to act on the SIGHUP that closing the terminal sends.
  const pidFile = join(options.dir, "tui.pid");
  const command = `echo $$ > ${quote(pidFile)}; exec env -i ${vars} ${quote(process.execPath)} ${quote(options.cli)} -m m`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-S", socket, ...args], { encoding: "utf8" });
  tmux(
    "-f",
    "/dev/null",
    "new-session",
    "-d",
    "-x",
    "120",
    "-y",
    "40",
    "-s",
    "t",
    "-c",
    options.dir,
    command,
  );
  const screen = () => tmux("capture-pane", "-p", "-J", "-t", "t");
  const waitFor = async (text: string, limitMs: number): Promise<boolean> => {
    const deadline = performance.now() + limitMs;
    while (performance.now() < deadline) {
      if (screen().includes(text)) return true;
      await new Promise((r) => setTimeout(r, 5));
    }
    return false;
  };
  try {
    if (!(await waitFor(READY, 10_000))) throw new Error(`the TUI did not start:\n${screen()}`);
    tmux("send-keys", "-t", "t", "-l", "go bench");
    if (!(await waitFor("go bench", 5_000))) throw new Error(`the prompt did not show:\n${screen()}`);
    const start = performance.now();
    tmux("send-keys", "-t", "t", "Enter");
    const done = await waitFor(options.endMarker, options.limitMs);
    return { ms: done ? performance.now() - start : Number.POSITIVE_INFINITY };
  } finally {
    try {
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
    } catch {
      // already gone
    }
    spawnSync("tmux", ["-S", socket, "kill-server"]);
  }
}
