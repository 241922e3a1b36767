// The TUI in a real terminal (tmux, as test/e2e/tui.test.ts drives it): the time from Enter to the last
// words of a streamed answer on screen. The screen is read every few milliseconds with `capture-pane`, so
// the result is accurate to about 10 ms.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cleanEnv, shellQuote, Terminal } from "../test/helpers/terminal.ts";

export { HAVE_TMUX } from "../test/helpers/terminal.ts";

const READY = "Ask codex-litellm to do anything";

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
  const env = {
    HOME: options.dir,
    CODEX_HOME: home,
    LITELLM_BASE_URL: options.origin,
    LITELLM_API_KEY: "sk-bench",
  };
  // `exec` keeps the shell's pid for node, so the TUI can be killed for sure afterwards: a TUI that has
  // fallen behind is too busy to act on the SIGHUP that closing the terminal sends.
  const pidFile = join(options.dir, "tui.pid");
  const command = `echo $$ > ${shellQuote(pidFile)}; exec env -i ${cleanEnv(env)} ${shellQuote(process.execPath)} ${shellQuote(options.cli)} -m m -a on-request`;
  const term = Terminal.open(options.dir, options.dir, command);
  try {
    await term.waitFor(READY, 10_000);
    term.type("go bench");
    await term.waitFor("go bench", 5_000);
    const start = performance.now();
    term.keys("Enter");
    const done = await term.poll(options.endMarker, options.limitMs, 5);
    return { ms: done !== undefined ? performance.now() - start : Number.POSITIVE_INFINITY };
  } finally {
    try {
      process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
    } catch {
      // already gone
    }
    term.kill();
  }
}
