// One process at a time per session: two processes appending to one rollout would interleave two
// conversations (and run every tool twice). The lock is `<rollout>.lock` beside the rollout, created with
// O_EXCL and holding `{"pid", "started"}`. A lock whose process is gone (killed, crashed), or whose pid now
// belongs to a process started later, is stale and taken over; a live one is refused with a clear message.
// Released on close and, synchronously, on process exit, so every exit path (return, error, handled signal,
// process.exit) lets go of it; a process killed outright leaves a stale lock, which the next one takes over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { UserError } from "../util/errors.ts";

export interface LockOwner {
  pid: number;
  /** When the owning process started (ms since the epoch): a live process with the pid but another start is not the owner. */
  started: number;
}

export class SessionInUseError extends UserError {
  override name = "SessionInUseError";
  constructor(
    readonly sessionId: string,
    readonly owner: LockOwner,
  ) {
    super(
      `session ${sessionId} is in use by process ${owner.pid} (started ${new Date(owner.started).toISOString()}); wait for it to end, or stop it, and try again`,
    );
  }
}

export interface SessionLock {
  readonly path: string;
  /** Removes the lock file. Idempotent. */
  release(): void;
}

export function lockPath(rolloutPath: string): string {
  return `${rolloutPath}.lock`;
}

/**
 * When `pid` started (ms since the epoch), from /proc on Linux; undefined elsewhere. Tells the owner of a lock
 * from an unrelated process that got its pid later (containers restart with the same small pids).
 */
export function startedAt(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))?.[1]);
    // USER_HZ is 100 on every Linux ABI Node runs on.
    return Number.isFinite(ticks) && boot > 0 ? boot * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** A start time differing by more than this is another process (clock ticks and rounding stay far below). */
const SAME_START_MS = 2000;

/** Whether the lock's owner still runs: its pid is alive and, where known, started when the owner did. */
function ownerAlive(owner: LockOwner): boolean {
  if (!alive(owner.pid)) return false;
  const started = startedAt(owner.pid);
  return started === undefined || Math.abs(started - owner.started) <= SAME_START_MS;
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    if (Number.isInteger(owner.pid) && typeof owner.started === "number") return owner as LockOwner;
  } catch {}
  return undefined;
}

/** Whether `pid` is a live process (another user's counts as live). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Throws SessionInUseError when another live process holds the session's lock; writes nothing. A check made
 * before the run commits to anything: `lockSession` later still refuses an owner that came in between.
 */
export function assertNotInUse(rolloutPath: string, sessionId: string): void {
  const owner = readOwner(lockPath(rolloutPath));
  if (owner && owner.pid !== process.pid && ownerAlive(owner)) throw new SessionInUseError(sessionId, owner);
}

/**
 * Takes the session's lock, or throws SessionInUseError when a live process holds it. Other I/O errors (a
 * read-only sessions directory) are thrown as they come.
 */
export function lockSession(rolloutPath: string, sessionId: string): SessionLock {
  const path = lockPath(rolloutPath);
  const me: LockOwner = {
    pid: process.pid,
    started: startedAt(process.pid) ?? Math.round(Date.now() - process.uptime() * 1000),
  };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 2) throw error;
      const owner = readOwner(path);
      // A lock being written this instant has no owner yet: look again rather than take it.
      if (!owner && attempt === 0) continue;
      // Our own pid: a lock this process took earlier (a TUI resuming its own session), or a dead one's.
      if (owner && owner.pid !== process.pid && ownerAlive(owner))
        throw new SessionInUseError(sessionId, owner);
      try {
        unlinkSync(path);
      } catch {}
      continue;
    }
    const content = JSON.stringify({ ...me, n: ++taken });
    try {
      writeSync(fd, content);
    } catch (error) {
      closeSync(fd);
      unlinkSync(path);
      throw error;
    }
    closeSync(fd);
    return held(path, content);
  }
}

/**
 * As `lockSession`, but a lock that cannot be written (a read-only directory holding a writable rollout, a
 * full disk) is reported to `onError` and replaced by one that locks nothing: only a live owner stops a run.
 */
export function tryLockSession(
  rolloutPath: string,
  sessionId: string,
  onError?: (error: Error) => void,
): SessionLock {
  try {
    return lockSession(rolloutPath, sessionId);
  } catch (error) {
    if (error instanceof SessionInUseError) throw error;
    onError?.(error as Error);
    return { path: lockPath(rolloutPath), release: () => {} };
  }
}

/** Locks taken by this process: `n` in the file tells two of them apart. */
let taken = 0;

function held(path: string, content: string): SessionLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    try {
      // Only this very lock: one taken over since (by another process, or by this one resuming the same
      // session again) must not be undone by us.
      if (readFileSync(path, "utf8") === content) unlinkSync(path);
    } catch {}
  };
  process.on("exit", release);
  return { path, release };
}
