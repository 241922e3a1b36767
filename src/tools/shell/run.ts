// Runs one command as its own process group and collects its output with bounded memory.
// Contract: never throws and never hangs on pipes held open by background children; every failure
// (missing executable, bad cwd, timeout, abort) becomes an exit code plus a message in `output`.
import { spawn } from "node:child_process";
import { closeSync, statSync } from "node:fs";
import { constants } from "node:os";
import { StringDecoder } from "node:string_decoder";

/** Default in-memory capture cap (head + tail), as Codex's raw capture cap. */
export const DEFAULT_MAX_CAPTURE_BYTES = 1024 * 1024;
/** Time between SIGTERM and SIGKILL when a command is stopped. */
export const KILL_GRACE_MS = 1000;
/** After the main process exits, how long background children may keep the pipes open before we kill the group. */
export const PIPE_DRAIN_MS = 250;

export const TIMEOUT_EXIT_CODE = 124;
/** Reported for an aborted command (128 + SIGINT, what a shell reports after Ctrl-C), whatever killed it. */
export const ABORT_EXIT_CODE = 130;
export const NOT_FOUND_EXIT_CODE = 127;
export const CANNOT_EXECUTE_EXIT_CODE = 126;

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  /** Wall-clock limit; a non-positive or non-finite value means no limit. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Decoded output in arrival order (stdout and stderr interleaved). Exceptions thrown here are ignored. */
  onOutput?: (chunk: string) => void;
  /** Cap on the output kept in memory (half head, half rolling tail). Default 1 MiB. */
  maxCaptureBytes?: number;
  /**
   * Open descriptors passed to the child as fd 3, 4, … (a sandbox's seccomp program). runCommand owns them:
   * they are closed in this process once the child is spawned, or when it is not.
   */
  fds?: number[];
  /** Overrides of the timing constants above (tests). */
  killGraceMs?: number;
  drainMs?: number;
}

export interface RunResult {
  exitCode: number;
  /** Aggregated output; when bytes were dropped the seam carries a `…N bytes truncated…` marker. */
  output: string;
  durationMs: number;
  timedOut: boolean;
  aborted: boolean;
  /** UTF-8 bytes dropped from the middle of the output while capturing. */
  truncatedBytes: number;
  /** Lines in the whole output, including the dropped part. */
  totalLines: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Keeps the first half and a rolling last half of a text stream; counts what it drops and all lines. */
export class OutputCapture {
  private readonly headCap: number;
  private readonly tailCap: number;
  private head = "";
  private headBytes = 0;
  private tail: { text: string; bytes: number }[] = [];
  private tailBytes = 0;
  private newlines = 0;
  private endsWithNewline = true;
  private sawText = false;
  dropped = 0;

  constructor(maxBytes: number = DEFAULT_MAX_CAPTURE_BYTES) {
    const cap = Math.max(0, Math.floor(maxBytes));
    this.headCap = Math.floor(cap / 2);
    this.tailCap = cap - this.headCap;
  }

  push(text: string): void {
    if (text.length === 0) return;
    this.sawText = true;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.newlines++;
    this.endsWithNewline = text.endsWith("\n");

    let rest = text;
    if (this.headBytes < this.headCap) {
      const buf = Buffer.from(text, "utf8");
      const room = this.headCap - this.headBytes;
      if (buf.length <= room) {
        this.head += text;
        this.headBytes += buf.length;
        return;
      }
      const cut = backToBoundary(buf, room);
      this.head += buf.subarray(0, cut).toString("utf8");
      this.headBytes = this.headCap; // full, even when the cut landed a few bytes short of the cap
      rest = buf.subarray(cut).toString("utf8");
    }
    this.pushTail(rest);
  }

  private pushTail(text: string): void {
    const bytes = Buffer.byteLength(text, "utf8");
    this.tail.push({ text, bytes });
    this.tailBytes += bytes;
    while (this.tailBytes > this.tailCap && this.tail.length > 0) {
      const first = this.tail[0];
      const excess = this.tailBytes - this.tailCap;
      if (first.bytes <= excess) {
        this.tail.shift();
        this.tailBytes -= first.bytes;
        this.dropped += first.bytes;
        continue;
      }
      const buf = Buffer.from(first.text, "utf8");
      const cut = forwardToBoundary(buf, excess);
      first.text = buf.subarray(cut).toString("utf8");
      first.bytes -= cut;
      this.tailBytes -= cut;
      this.dropped += cut;
    }
  }

  get totalLines(): number {
    if (!this.sawText) return 0;
    return this.newlines + (this.endsWithNewline ? 0 : 1);
  }

  text(): string {
    const tail = this.tail.map((t) => t.text).join("");
    if (this.dropped === 0) return this.head + tail;
    return `${this.head}\n…${this.dropped} bytes truncated…\n${tail}`;
  }
}

/** Largest index ≤ at that starts a UTF-8 character. */
function backToBoundary(buf: Buffer, at: number): number {
  let i = Math.min(at, buf.length);
  while (i > 0 && i < buf.length && (buf[i] & 0xc0) === 0x80) i--;
  return i;
}

/** Smallest index ≥ at that starts a UTF-8 character. */
function forwardToBoundary(buf: Buffer, at: number): number {
  let i = at;
  while (i < buf.length && (buf[i] & 0xc0) === 0x80) i++;
  return i;
}

/** Process groups of commands still running: killed when this process exits, however it exits. */
const liveGroups = new Set<number>();
function killLiveGroups(): void {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {}
  }
}
function trackGroup(pgid: number, live: boolean): void {
  if (live) {
    if (liveGroups.size === 0) process.on("exit", killLiveGroups);
    liveGroups.add(pgid);
  } else if (liveGroups.delete(pgid) && liveGroups.size === 0) process.off("exit", killLiveGroups);
}

function signalNumber(signal: NodeJS.Signals): number {
  return (constants.signals as Record<string, number>)[signal] ?? 0;
}

function spawnErrorResult(err: NodeJS.ErrnoException, argv0: string, cwd: string): [number, string] {
  if (err.code === "ENOENT") {
    if (!isDirectory(cwd)) return [1, `working directory does not exist: ${cwd}`];
    return [NOT_FOUND_EXIT_CODE, `command not found: ${argv0}`];
  }
  if (err.code === "EACCES") return [CANNOT_EXECUTE_EXIT_CODE, `permission denied: ${argv0}`];
  return [CANNOT_EXECUTE_EXIT_CODE, `failed to start ${argv0}: ${err.message}`];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function runCommand(argv: string[], opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const capture = new OutputCapture(opts.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES);
  const killGraceMs = opts.killGraceMs ?? KILL_GRACE_MS;
  const drainMs = opts.drainMs ?? PIPE_DRAIN_MS;

  const fds = opts.fds ?? [];
  const closeFds = () => {
    for (const fd of fds.splice(0)) {
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
    }
  };
  const immediate = (exitCode: number, message: string, aborted = false): Promise<RunResult> => {
    closeFds();
    capture.push(message);
    return Promise.resolve({
      exitCode,
      output: capture.text(),
      durationMs: performance.now() - started,
      timedOut: false,
      aborted,
      truncatedBytes: 0,
      totalLines: capture.totalLines,
    });
  };

  if (argv.length === 0 || argv[0] === "")
    return immediate(NOT_FOUND_EXIT_CODE, "command not found: (empty command)");
  if (opts.signal?.aborted) return immediate(ABORT_EXIT_CODE, "command aborted before it started", true);

  return new Promise<RunResult>((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(argv[0], argv.slice(1), {
        cwd: opts.cwd,
        env: opts.env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe", ...fds],
        windowsHide: true,
      });
      closeFds();
    } catch (err) {
      // Synchronous failures: invalid arguments such as NUL bytes in argv.
      const [code, message] = spawnErrorResult(err as NodeJS.ErrnoException, argv[0], opts.cwd);
      resolve(immediate(code, message));
      return;
    }

    if (child.pid !== undefined) trackGroup(child.pid, true);
    let settled = false;
    let timedOut = false;
    let aborted = false;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, fn: () => void) => timers.push(setTimeout(fn, ms));

    const stdoutDecoder = new StringDecoder("utf8");
    const stderrDecoder = new StringDecoder("utf8");
    const deliver = (text: string) => {
      if (text.length === 0) return;
      capture.push(text);
      if (opts.onOutput) {
        try {
          opts.onOutput(text);
        } catch {
          // A faulty listener must not break the capture.
        }
      }
    };
    child.stdout?.on("data", (buf: Buffer) => {
      if (!settled) deliver(stdoutDecoder.write(buf));
    });
    child.stderr?.on("data", (buf: Buffer) => {
      if (!settled) deliver(stderrDecoder.write(buf));
    });

    const killGroup = (signal: NodeJS.Signals) => {
      const pid = child.pid;
      if (pid === undefined) return;
      try {
        process.kill(-pid, signal);
      } catch {
        try {
          child.kill(signal);
        } catch {
          // Already gone.
        }
      }
    };

    const finish = () => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener("abort", onAbort);
      // Stragglers of a stopped command, or children still holding the pipes, die with the group.
      if (timedOut || aborted || !pipesClosed()) killGroup("SIGKILL");
      if (child.pid !== undefined) trackGroup(child.pid, false);
      child.stdout?.destroy();
      child.stderr?.destroy();
      deliver(stdoutDecoder.end());
      deliver(stderrDecoder.end());

      let code: number;
      let prefix = "";
      if (timedOut) {
        code = TIMEOUT_EXIT_CODE;
        prefix = `command timed out after ${opts.timeoutMs} ms\n`;
      } else if (aborted) {
        code = ABORT_EXIT_CODE;
        prefix = "command aborted\n";
      } else if (exitCode !== null) code = exitCode;
      else if (exitSignal !== null) code = 128 + signalNumber(exitSignal);
      else code = 1;

      resolve({
        exitCode: code,
        output: prefix + capture.text(),
        durationMs: performance.now() - started,
        timedOut,
        aborted,
        truncatedBytes: capture.dropped,
        totalLines: capture.totalLines,
      });
    };

    let stdoutClosed = !child.stdout;
    let stderrClosed = !child.stderr;
    let exited = false;
    const pipesClosed = () => stdoutClosed && stderrClosed;
    const maybeFinish = () => {
      if (exited && pipesClosed()) finish();
    };
    child.stdout?.on("close", () => {
      stdoutClosed = true;
      maybeFinish();
    });
    child.stderr?.on("close", () => {
      stderrClosed = true;
      maybeFinish();
    });

    child.on("error", (err: NodeJS.ErrnoException) => {
      if (settled || child.pid !== undefined) return; // errors after a successful spawn come from kill()
      settled = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener("abort", onAbort);
      const [code, message] = spawnErrorResult(err, argv[0], opts.cwd);
      resolve(immediate(code, message));
    });

    child.on("exit", (code, signal) => {
      if (child.pid === undefined) return;
      exited = true;
      exitCode = code;
      exitSignal = signal;
      if (pipesClosed()) finish();
      else later(drainMs, finish);
    });

    const stop = () => {
      killGroup("SIGTERM");
      later(killGraceMs, () => {
        killGroup("SIGKILL");
        // Last resort when even SIGKILL produces no exit (e.g. a process stuck in the kernel).
        later(killGraceMs + drainMs, finish);
      });
    };
    function onAbort() {
      if (settled || timedOut || aborted) return;
      aborted = true;
      stop();
    }
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    if (Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0) {
      // A longer delay overflows node's timer (it would fire at once, with a warning): the longest one it takes.
      later(Math.min(opts.timeoutMs, MAX_TIMER_MS), () => {
        if (settled || timedOut || aborted) return;
        timedOut = true;
        stop();
      });
    }
  });
}
