// Resuming a stored session, the one path every front end takes (exec, the TUI's start-up, its /resume and
// fork pickers). Three steps, so a front end can check everything that could fail its run in between:
//
//   findResume   locates the session (id or prefix, --last, --all) and refuses one in use. Writes nothing.
//   openResume   forks it when asked, then takes the lock of the file this process records into.
//   readResumed  reads its rollout.
//
// The lock rule: a process locks the rollout it will append to, whatever brought it there. Resuming in place,
// that is the stored session; forking, it is the fork (a new file, but one a second `resume <fork id>` must
// not write into at the same time); the original a fork was copied from is only read, never locked. A process
// that records nothing (`exec --ephemeral`) writes no fork, takes no lock and is refused by none.
import { rmSync } from "node:fs";
import type { SessionFile } from "../session/find.ts";
import { findLatestSession, findSessionById } from "../session/find.ts";
import { forkSession } from "../session/fork.ts";
import { assertNotInUse, type SessionLock, tryLockSession } from "../session/lock.ts";
import { type ReadOptions, type Rollout, readRollout } from "../session/reader.ts";
import { UserError } from "../util/errors.ts";

export interface ResumeTarget {
  /** Resume the most recently used session (of this directory unless `all`). */
  last?: boolean;
  all?: boolean;
  sessionId?: string;
  /** TUI: no id and no --last: choose in a picker. */
  pick?: boolean;
  /** The picker also lists sessions `exec` started (source "exec"). */
  includeNonInteractive?: boolean;
}

export interface ResumeMode {
  /** Continue a copy of the session under a new id (`fork`, `exec resume --fork`). */
  fork?: boolean;
  /** false (`exec --ephemeral`): nothing is recorded, so nothing is locked. Default true. */
  record?: boolean;
}

/** The session a process continues: the stored file or its fork, with the lock taken for it (if it records). */
export interface ResumeSource {
  file: SessionFile;
  lock?: SessionLock;
  /** `file` is a fork this process just wrote: `discardSource` removes it again. */
  forked?: boolean;
}

/** The rollout to resume. Throws a UserError (exit 1) when there is none. Writes nothing. */
export function locateSession(codexHome: string, target: ResumeTarget, cwd: string): SessionFile {
  if (target.sessionId) return findSessionById(codexHome, target.sessionId);
  const found = findLatestSession(codexHome, target.all ? undefined : cwd);
  if (found) return found;
  throw new UserError(
    target.all
      ? "no stored session to resume"
      : `no stored session was started in ${cwd} (use --all to pick the latest session from any directory)`,
  );
}

/**
 * Locates the session to resume and, when it is to be continued in place and recorded, refuses it while
 * another live process records it (SessionInUseError). Writes nothing: the lock comes with `openResume`.
 */
export function findResume(
  codexHome: string,
  target: ResumeTarget,
  cwd: string,
  mode: ResumeMode,
): SessionFile {
  const file = locateSession(codexHome, target, cwd);
  if (locksInPlace(mode)) assertNotInUse(file.path, file.id);
  return file;
}

/**
 * The session this process continues: `located` itself, or (with `fork`) a copy under a new id. Takes the
 * lock of that file unless nothing is recorded; throws SessionInUseError while a live process holds it, and
 * a UserError when the fork cannot be written. A lock that cannot be written is a warning, not a failure.
 */
export function openResume(
  codexHome: string,
  located: SessionFile,
  mode: ResumeMode,
  warn: (message: string) => void = () => {},
): ResumeSource {
  // A process that records nothing writes no fork either: it continues `located`'s history in memory.
  if (mode.record === false) return { file: located };
  const file = mode.fork ? forkStored(codexHome, located) : located;
  const lock = tryLockSession(file.path, file.id, (error) =>
    warn(`could not lock session ${file.id} (${error.message})`),
  );
  return mode.fork ? { file, lock, forked: true } : { file, lock };
}

/**
 * A source that will not be continued (the user aborted the resume, or it could not be read): its lock is
 * released, and a fork made for it is removed, so an abandoned fork leaves no session behind.
 */
export function discardSource(source: ResumeSource): void {
  source.lock?.release();
  if (source.forked) rmSync(source.file.path, { force: true });
}

/** A copy of `from` under a new id (the original is only read). Throws a UserError when it cannot be made. */
export function forkStored(codexHome: string, from: SessionFile): SessionFile {
  try {
    return forkSession(codexHome, from);
  } catch (error) {
    throw new UserError(`cannot fork session ${from.id}: ${(error as Error).message}`);
  }
}

/** The stored rollout. Throws a UserError when it cannot be read or parsed. */
export function readResumed(file: SessionFile, options?: ReadOptions): Rollout {
  try {
    return readRollout(file.path, options);
  } catch (error) {
    throw new UserError(`cannot read session ${file.path}: ${(error as Error).message}`);
  }
}

function locksInPlace(mode: ResumeMode): boolean {
  return !mode.fork && mode.record !== false;
}
