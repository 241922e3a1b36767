// A real terminal for the TUI's tests and benchmark: one tmux server per Terminal (a unique socket file), a
// 120×40 pane, keys sent with `send-keys`, the screen read with `capture-pane`.
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";

export const HAVE_TMUX = spawnSync("tmux", ["-V"]).status === 0;

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `env -i NAME='value' …` with PATH and TERM set, for a command that must see only `env`. */
export function cleanEnv(env: Record<string, string>): string {
  return Object.entries({ PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "xterm-256color", ...env })
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join(" ");
}

/**
 * Runs `argv` with only `env` in a new pane that stays after it exits (`[exit N]` is printed), so the
 * goodbye and the exit code can be read.
 */
export function startInPane(
  socketDir: string,
  cwd: string,
  env: Record<string, string>,
  argv: string[],
): Terminal {
  const command = `env -i ${cleanEnv(env)} ${argv.map(shellQuote).join(" ")}; echo "[exit $?]"; sleep 120`;
  return Terminal.open(socketDir, cwd, command);
}

export class Terminal {
  private constructor(readonly socket: string) {}

  /** Runs the shell `command` in a new 120×40 pane; the server's socket is a new file in `socketDir`. */
  static open(socketDir: string, cwd: string, command: string): Terminal {
    const socket = join(socketDir, `tmux-${Math.random().toString(36).slice(2, 8)}.sock`);
    const term = new Terminal(socket);
    term.tmux("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "-s", "t", "-c", cwd, command);
    return term;
  }

  private tmux(...args: string[]): string {
    return execFileSync("tmux", ["-S", this.socket, ...args], { encoding: "utf8" });
  }

  /** Keys by tmux name (Enter, Escape, C-c, Down). */
  keys(...keys: string[]): void {
    this.tmux("send-keys", "-t", "t", ...keys);
  }

  /** Text typed as is. */
  type(text: string): void {
    this.tmux("send-keys", "-t", "t", "-l", text);
  }

  /** Resizes the window, as a user dragging the terminal's edge. */
  resize(columns: number, rows: number): void {
    this.tmux("resize-window", "-t", "t", "-x", String(columns), "-y", String(rows));
  }

  /** Text pasted as a terminal pastes it: bracketed (`paste-buffer -p`), all at once. */
  paste(text: string): void {
    execFileSync("tmux", ["-S", this.socket, "load-buffer", "-b", "p", "-"], { input: text });
    this.tmux("paste-buffer", "-p", "-d", "-b", "p", "-t", "t");
  }

  /** The visible screen plus scrollback (finished cells scroll up as the transcript grows). */
  screen(): string {
    return this.tmux("capture-pane", "-p", "-J", "-t", "t", "-S", "-200");
  }

  /** Polls the screen every `intervalMs` until `what` shows; the screen then, or undefined at the deadline. */
  async poll(what: string | RegExp, timeoutMs: number, intervalMs = 40): Promise<string | undefined> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const screen = this.screen();
      if (typeof what === "string" ? screen.includes(what) : what.test(screen)) return screen;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    return undefined;
  }

  /** As `poll`, failing with the last screen when `what` does not show in time. */
  async waitFor(what: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const screen = await this.poll(what, timeoutMs);
    if (screen === undefined)
      throw new Error(`timed out waiting for ${what}; the screen was:\n${this.screen()}`);
    return screen;
  }

  /** Types a line and presses Enter, once the composer shows it. */
  async submit(text: string): Promise<void> {
    this.type(text);
    await this.waitFor(text.split("\n").at(-1) ?? text);
    this.keys("Enter");
  }

  kill(): void {
    spawnSync("tmux", ["-S", this.socket, "kill-server"]);
  }
}
