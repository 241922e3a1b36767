// Append-only JSON Lines files (rollouts, history.jsonl). Contract: every record is one write of one whole
// line to an O_APPEND descriptor, so an interrupted run loses at most the record being written and never
// corrupts earlier lines; nothing is ever rewritten. Files are created 0600, directories 0700.
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";

export interface AppenderOptions {
  /** Open an existing file only (resume); otherwise create it and its directories as needed. */
  mustExist?: boolean;
  /** Called once, on the first failed write; later records are dropped. */
  onError?: (error: Error) => void;
}

export class JsonlAppender {
  private failed = false;

  private constructor(
    readonly path: string,
    private fd: number | undefined,
    private readonly onError?: (error: Error) => void,
  ) {}

  /** Opens `path` for appending. Throws when the file cannot be opened (or created). */
  static open(path: string, options: AppenderOptions = {}): JsonlAppender {
    if (!options.mustExist) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const flags = constants.O_WRONLY | constants.O_APPEND | (options.mustExist ? 0 : constants.O_CREAT);
    const fd = openSync(path, flags, 0o600);
    try {
      fchmodSync(fd, 0o600);
    } catch {
      // Not our file (e.g. shared home): keep its mode rather than fail.
    }
    const appender = new JsonlAppender(path, fd, options.onError);
    // A crash may have left a last line without its newline: end it, so our records start on a line of their own.
    if (!endsWithNewline(path, fd)) appender.writeAll(Buffer.from("\n"));
    return appender;
  }

  /** Appends one record. Returns false when it was not written (serialisation or I/O failure). */
  append(record: unknown): boolean {
    if (this.failed || this.fd === undefined) return false;
    let line: string;
    try {
      line = `${JSON.stringify(record)}\n`;
    } catch {
      return false;
    }
    return this.writeAll(Buffer.from(line, "utf8"));
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {}
    this.fd = undefined;
  }

  private writeAll(buffer: Buffer): boolean {
    if (this.fd === undefined) return false;
    try {
      let offset = 0;
      while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset, buffer.length - offset);
      return true;
    } catch (error) {
      this.failed = true;
      this.onError?.(error as Error);
      return false;
    }
  }
}

function endsWithNewline(path: string, fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const reader = openSync(path, "r");
  try {
    const last = Buffer.alloc(1);
    readSync(reader, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(reader);
  }
}
