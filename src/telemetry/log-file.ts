// One append-only telemetry file. Writes are buffered in memory and flushed asynchronously in batches by
// sonic-boom (pino's destination stream), so a burst of lines never costs a synchronous write each.
// The file is opened at the first line, so a log nothing is written to is never created; a file we created that
// got no byte before a failure (a full disk) is removed again; a last line cut by an earlier run gets its "\n"
// before our first line.
// Contract: nothing here throws; the first I/O failure (cannot create, full disk, file removed under us)
// calls `onError` once, and the file silently stops accepting lines.
import { closeSync, fchmodSync, fstatSync, openSync, unlinkSync, writeSync } from "node:fs";
import sonicBoom from "sonic-boom";
import { endsWithNewline } from "../util/files.ts";

// sonic-boom is CommonJS: under Node's ESM loader only the default export (module.exports) exists, and it
// carries the class as `.SonicBoom` too, which is also what its type declarations describe.
const { SonicBoom } = sonicBoom;
type SonicBoom = InstanceType<typeof SonicBoom>;

export interface LogFileOptions {
  /** Bytes buffered before a write is issued; 0 writes every line as soon as the previous write ends. */
  bufferBytes?: number;
  /** Flush at least this often (ms), so `tail -f` and a crash lose little. 0 disables. */
  flushEveryMs?: number;
  /** Called once, on the first failure. */
  onError: (error: Error) => void;
}

export interface LogFile {
  readonly path: string;
  readonly failed: boolean;
  /** Lines dropped because the buffer was full (the disk is slower than the producer). */
  readonly dropped: number;
  /** Appends `line` (which must end with "\n"). */
  write(line: string): void;
  /** Writes everything buffered, synchronously: for process exit only. */
  flushSync(): void;
  /** Flushes and closes; resolves once the file is closed (or failed). Idempotent. */
  close(): Promise<void>;
}

/** Buffered data beyond this is dropped rather than held: telemetry must not eat the memory of a run. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** A close that does not finish in this time (a hung disk) is given up on. */
const CLOSE_TIMEOUT_MS = 2000;

/** A log appending to `path` with mode 0600 (tightened if the file already existed), opened lazily. */
export function openLogFile(path: string, options: LogFileOptions): LogFile {
  let fd = -1;
  let fdOpen = false;
  let created = false;
  let stream: SonicBoom | undefined;
  let failed = false;
  let closed: Promise<void> | undefined;
  let dropped = 0;
  let unflushed = false;

  // The descriptor stays ours: sonic-boom only writes to it. Closing it ourselves skips the fsync that
  // sonic-boom's end() does, which costs a run milliseconds for durability telemetry does not need.
  const closeFd = () => {
    if (!fdOpen) return;
    fdOpen = false;
    try {
      if (failed && created && fstatSync(fd).size === 0) unlinkSync(path);
    } catch {}
    try {
      closeSync(fd);
    } catch {}
  };
  const timer =
    options.flushEveryMs && options.flushEveryMs > 0
      ? setInterval(() => {
          if (!unflushed || failed || closed || !stream) return;
          unflushed = false;
          stream.flush();
        }, options.flushEveryMs)
      : undefined;
  timer?.unref();
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    clearInterval(timer);
    options.onError(error);
    closeFd();
  };

  /** Opens the file and its stream at the first line; undefined (after `fail`) when it cannot. */
  const open = (): SonicBoom | undefined => {
    try {
      try {
        fd = openSync(path, "ax+", 0o600);
        created = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        fd = openSync(path, "a+", 0o600);
      }
      fdOpen = true;
      try {
        // Only regular files: a log pointed at a device (/dev/null, /dev/full) must not change its mode.
        const st = fstatSync(fd);
        if (st.isFile() && (st.mode & 0o777) !== 0o600) fchmodSync(fd, 0o600);
      } catch {
        // Not our file (or a filesystem without modes): appending is still fine.
      }
      if (!endsWithNewline(fd)) writeSync(fd, "\n");
      // Periodic flushing is ours (above), not sonic-boom's, so that closing needs no timer of its own.
      stream = new SonicBoom({
        fd,
        sync: false,
        minLength: options.bufferBytes ?? 0,
        maxLength: MAX_BUFFERED_BYTES,
      });
    } catch (error) {
      fail(error as Error);
      return undefined;
    }
    stream.on("error", fail);
    stream.on("drop", () => {
      dropped++;
    });
    return stream;
  };

  return {
    path,
    get failed() {
      return failed;
    },
    get dropped() {
      return dropped;
    },
    write(line) {
      if (failed || closed) return;
      const s = stream ?? open();
      if (!s) return;
      unflushed = true;
      try {
        s.write(line);
      } catch (error) {
        fail(error as Error);
      }
    },
    flushSync() {
      if (failed || closed || !stream) return;
      try {
        stream.flushSync();
      } catch (error) {
        fail(error as Error);
      }
    },
    close() {
      if (closed) return closed;
      clearInterval(timer);
      const s = stream;
      closed = new Promise<void>((resolve) => {
        if (failed || !s) return resolve();
        const giveUp = setTimeout(() => {
          fail(new Error(`closing ${path} timed out`));
          resolve();
        }, CLOSE_TIMEOUT_MS);
        giveUp.unref();
        try {
          s.flush((error) => {
            clearTimeout(giveUp);
            if (error) fail(error);
            closeFd();
            resolve();
          });
        } catch (error) {
          clearTimeout(giveUp);
          fail(error as Error);
          resolve();
        }
      });
      return closed;
    },
  };
}
