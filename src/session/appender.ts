// Append-only JSON Lines files (rollouts, history.jsonl). Contract: every record is one write of one whole
// line to an O_APPEND descriptor, so an interrupted run loses at most the record being written and never
// corrupts earlier lines; nothing is ever rewritten. A file whose last line was cut (full disk, crash) gets
// its "\n" before our first record. A new file is created at the first record, and removed again when no
// record of ours reached it, so a full disk leaves no empty or half-written files. Files are created 0600,
// directories 0700.
import { closeSync, constants, fchmodSync, mkdirSync, openSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { endsWithNewline } from "../util/files.ts";

export interface AppenderOptions {
  /** Open an existing file only (resume, at once); otherwise create it and its directories at the first record. */
  mustExist?: boolean;
  /** Called once, on the first failed write; later records are dropped. */
  onError?: (error: Error) => void;
}

export class JsonlAppender {
  private failed = false;
  /** Whether this appender created the file (then it is removed if none of our records made it). */
  private created = false;
  private written = 0;

  private constructor(
    readonly path: string,
    private fd: number | undefined,
    private readonly onError?: (error: Error) => void,
  ) {}

  /** An appender for `path`. With `mustExist` the file is opened now, and this throws when it cannot be. */
  static open(path: string, options: AppenderOptions = {}): JsonlAppender {
    if (!options.mustExist) return new JsonlAppender(path, undefined, options.onError);
    const appender = new JsonlAppender(path, openForAppend(path, false), options.onError);
    appender.terminateLastLine();
    return appender;
  }

  /** Appends one record. Returns false when it was not written (serialisation or I/O failure). */
  append(record: unknown): boolean {
    if (this.failed) return false;
    try {
      this.appendOrThrow(record);
      return true;
    } catch (error) {
      if (error instanceof AppendError) this.onError?.(error.cause as Error);
      return false;
    }
  }

  /** As `append`, but a failed write throws instead of calling `onError` (a file's first, vital record). */
  appendOrThrow(record: unknown): void {
    if (this.failed) throw new AppendError(new Error(`${this.path}: an earlier write failed`));
    const line = `${JSON.stringify(record)}\n`;
    try {
      if (this.fd === undefined) this.create();
      this.writeAll(Buffer.from(line, "utf8"));
      this.written++;
    } catch (error) {
      this.fail();
      throw new AppendError(error as Error);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {}
    this.fd = undefined;
  }

  private create(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    try {
      this.fd = openForAppend(this.path, true);
      this.created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      this.fd = openForAppend(this.path, false);
    }
    this.terminateLastLine();
  }

  /** A crash or a full disk may have left a last line without its newline: end it first. */
  private terminateLastLine(): void {
    if (this.fd !== undefined && !endsWithNewline(this.fd)) this.writeAll(Buffer.from("\n"));
  }

  private writeAll(buffer: Buffer): void {
    if (this.fd === undefined) return;
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset, buffer.length - offset);
  }

  private fail(): void {
    this.failed = true;
    const debris = this.created && this.written === 0;
    this.close();
    if (debris) {
      try {
        unlinkSync(this.path);
      } catch {}
    }
  }
}

/** Carries the I/O error of a failed write; anything else thrown by `appendOrThrow` is a serialisation error. */
class AppendError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
}

/** Read-write (for the last-byte check) and O_APPEND; `create` adds O_CREAT | O_EXCL. */
function openForAppend(path: string, create: boolean): number {
  const flags = constants.O_RDWR | constants.O_APPEND | (create ? constants.O_CREAT | constants.O_EXCL : 0);
  const fd = openSync(path, flags, 0o600);
  try {
    fchmodSync(fd, 0o600);
  } catch {
    // Not our file (e.g. shared home): keep its mode rather than fail.
  }
  return fd;
}
